/**
 * The commands of a cold move, as argv arrays built here and shown as they run.
 *
 * Each file goes straight from the source host to the destination host: GNU tar with `--sparse`
 * (holes found with SEEK_HOLE, so a raw image moves only its data, and a qcow2 file is only as big as
 * its allocated clusters anyway) piped through `dd status=progress` (the bytes, for progress) into
 * `tar -x` on the destination, in a staging directory beside the destination path (the same file
 * system: the final rename is atomic). The pipeline runs on the source (its ssh reaches the
 * destination), or here with the reader over ssh when the destination is this host: never through
 * the browser, and not through this host when neither end is it.
 *
 * Then each copy is verified (SHA-256 of the file, or of every file of the TPM directory, on both
 * hosts), moved into place, and only then the definition moves (`virsh migrate --offline`). The
 * whole sequence is one detached job (pkg/lib/detach.ts) that survives a reload; any failure before
 * the definition moved removes what it placed on the destination and leaves the source untouched.
 * tar cannot resume inside a file: a copy cut mid-way is started again for that file.
 */
import type { RunTarget } from "../../pkg/lib/runner";
import { onTarget } from "../../pkg/lib/ssh";
import { progressPipeArgv } from "../../pkg/lib/pipe";
import { checkValue } from "../virsh/argv";
import { baseName, parentDir, type CarriedFile } from "./files";
import { _, format } from "../../pkg/lib/gettext";

/** The staging directory beside the destination path, named after the migration's record. */
export const stagingDir = (destPath: string, id: string) =>
    `${parentDir(destPath)}/.cockpit-migrate-${checkValue(_("record id"), id)}`;

// Constant script: makes the staging directory and unpacks the stream into it.
const UNTAR = 'mkdir -p -m 700 -- "$1" && exec tar -x --sparse -p -f - -C "$1"';

/** Reads a tar stream of `path` (a file or a directory) with its holes. */
export const tarReader = (path: string) => [
    "tar",
    "-c",
    "--sparse",
    "-f",
    "-",
    "-C",
    parentDir(checkValue(_("path"), path)),
    "--",
    baseName(path),
];
export const tarWriter = (staging: string) => ["sh", "-c", UNTAR, "untar", checkValue(_("directory"), staging)];

/**
 * The copy of one file, run from this host: on the source with the writer over ssh from there, or
 * (the destination being this host) here with the reader over ssh.
 */
export function copyArgv(source: RunTarget, destination: RunTarget, f: CarriedFile, id: string): string[] {
    const staging = stagingDir(f.destPath, id);
    if (destination.kind === "local") {
        const reader = onTarget(source, tarReader(f.path));
        return progressPipeArgv(reader, tarWriter(staging));
    }
    const reader = tarReader(f.path);
    const writer = onTarget(destination, tarWriter(staging));
    return onTarget(source, progressPipeArgv(reader, writer));
}

// Constant script: SHA-256 of a file, or of each file of a directory (relative names, sorted).
const DIGEST = [
    'p=$1; if [ -d "$p" ] && [ ! -L "$p" ]; then',
    '    cd -- "$p" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum --',
    'else sha256sum < "$p"; fi',
].join("\n");
export const digestArgv = (path: string) => ["sh", "-c", DIGEST, "digest", checkValue(_("path"), path)];

/** Where the staged copy of `f` is. */
export const stagedPath = (f: CarriedFile, id: string) => `${stagingDir(f.destPath, id)}/${baseName(f.path)}`;

// Constant script: moves the staged copy into place; without "replace" an existing file is never replaced
// (mv -n, then the staged copy still there says it was not moved).
const PLACE = [
    "s=$1; d=$2; o=$3",
    'if [ "$o" = replace ]; then',
    '    if [ -d "$d" ] && [ ! -L "$d" ]; then rm -rf -- "$d" || exit 1; fi',
    '    exec mv -f -T -- "$s" "$d"',
    "fi",
    'mv -n -T -- "$s" "$d" || exit 1',
    'if [ -e "$s" ] || [ -L "$s" ]; then echo "$d already exists: not replaced" >&2; exit 17; fi',
].join("\n");
export const placeArgv = (staged: string, dest: string, replace: boolean) => [
    "sh",
    "-c",
    PLACE,
    "place",
    checkValue(_("path"), staged),
    checkValue(_("path"), dest),
    replace ? "replace" : "keep",
];

export const removeArgv = (path: string) => ["rm", "-rf", "--", checkValue(_("path"), path)];

/** A readable name of a carried file, for progress and messages. */
export function fileLabel(f: CarriedFile): string {
    switch (f.kind) {
        case "disk":
            return format(_("disk $0 ($1)"), f.target, f.path);
        case "backing":
            return format(_("backing file of $0 ($1)"), f.target, f.path);
        case "nvram":
            return format(_("UEFI variables ($0)"), f.path);
        case "tpm":
            return format(_("TPM state ($0)"), f.path);
    }
}
