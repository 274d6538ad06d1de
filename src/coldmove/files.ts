/**
 * A cold move: a shut-off VM moves with its storage. libvirt's `--offline` moves only the definition
 * (no disks, no NVRAM, no TPM state), so the files are carried first. This module says which files:
 * every file-backed disk (with its backing chain, as `qemu-img info --backing-chain` on the source
 * reports it), the UEFI variable store (`<os><nvram>`), and swtpm's state directory of an emulated TPM.
 */
import type { DomainDefinition } from "../domains/definition";
import type { DomainUuid } from "../virsh/argv";
import { checkValue } from "../virsh/argv";
import { errorText } from "../../pkg/lib/error-text";
import { _ } from "../../pkg/lib/gettext";

/** One image of a chain, as `qemu-img info --output=json` names its fields. */
export interface ImageInfo {
    filename: string;
    format: string;
    virtualBytes: number;
    /** "actual-size": the bytes the file occupies on disk (what a sparse copy moves). */
    allocatedBytes: number;
    /** "full-backing-filename" (absolute), or null at the end of the chain. */
    backing: string | null;
}

/** What is carried: a disk's image (and the images under it), the NVRAM file, or the TPM state directory. */
export interface CarriedFile {
    kind: "disk" | "backing" | "nvram" | "tpm";
    /** The disk's target (vda) for a disk and its backing files; null for NVRAM and TPM. */
    target: string | null;
    /** Where it is on the source. */
    path: string;
    /** Where it goes on the destination (the same path unless the admin chose another). */
    destPath: string;
    /** qcow2, raw, …; "dir" for the TPM state; null when qemu-img did not say. */
    format: string | null;
    virtualBytes: number | null;
    allocatedBytes: number | null;
}

/** `qemu-img info --backing-chain -U --output=json -- PATH`: -U reads an image another process holds. */
export const imageInfoArgv = (path: string) => [
    "qemu-img",
    "info",
    "--backing-chain",
    "-U",
    "--output=json",
    "--",
    checkValue(_("path"), path),
];

/** swtpm's state directory for the system daemon (qemu.conf's swtpm_storage_dir default), per VM UUID. */
export const tpmStateDir = (uuid: DomainUuid) => `/var/lib/libvirt/swtpm/${uuid}`;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : NaN);

/** The chain `qemu-img info --backing-chain --output=json` printed: the image first, then what it is based on. */
export function parseImageChain(json: string): ImageInfo[] {
    const parsed: unknown = JSON.parse(json);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((x: Record<string, unknown>) => {
        const virtualBytes = num(x["virtual-size"]);
        const allocatedBytes = num(x["actual-size"]);
        if (typeof x.filename !== "string" || typeof x.format !== "string" || isNaN(virtualBytes))
            throw new Error(_("qemu-img printed an image description this version does not understand"));
        const backing = x["full-backing-filename"] ?? x["backing-filename"];
        return {
            filename: x.filename,
            format: x.format,
            virtualBytes,
            allocatedBytes: isNaN(allocatedBytes) ? virtualBytes : allocatedBytes,
            backing: typeof backing === "string" ? backing : null,
        };
    });
}

/** The file-backed disks that hold data (not CD-ROMs or floppies, not shareable ones): what a cold move copies. */
export function diskPaths(d: DomainDefinition): { target: string; path: string }[] {
    return d.disks
        .filter((x) => x.type === "file" && x.source && x.device === "disk" && !x.shareable)
        .map((x) => ({ target: x.target ?? x.source!, path: x.source! }));
}

/**
 * Every file to carry, in copy order (a backing file before the image on it). `chains` maps each
 * disk's path to its chain; `destPaths` an admin's chosen destination path per source path.
 */
export function carriedFiles(
    d: DomainDefinition,
    uuid: DomainUuid,
    chains: ReadonlyMap<string, ImageInfo[]>,
    destPaths: ReadonlyMap<string, string> = new Map(),
): CarriedFile[] {
    const out: CarriedFile[] = [];
    const seen = new Set<string>();
    const add = (f: Omit<CarriedFile, "destPath">) => {
        if (seen.has(f.path)) return;
        seen.add(f.path);
        out.push({ ...f, destPath: destPaths.get(f.path) ?? f.path });
    };
    for (const disk of diskPaths(d)) {
        const chain = chains.get(disk.path) ?? [];
        // the bottom of the chain first: the destination has each base before the image that names it
        for (const [i, img] of [...chain.entries()].reverse())
            add({
                kind: i === 0 ? "disk" : "backing",
                target: disk.target,
                path: i === 0 ? disk.path : img.filename,
                format: img.format,
                virtualBytes: img.virtualBytes,
                allocatedBytes: img.allocatedBytes,
            });
        if (chain.length === 0)
            add({
                kind: "disk",
                target: disk.target,
                path: disk.path,
                format: null,
                virtualBytes: null,
                allocatedBytes: null,
            });
    }
    const nvram = nvramPath(d);
    if (nvram)
        add({
            kind: "nvram",
            target: null,
            path: nvram.path,
            format: null,
            virtualBytes: null,
            allocatedBytes: null,
        });
    if (d.tpmEmulator)
        add({
            kind: "tpm",
            target: null,
            path: tpmStateDir(uuid),
            format: "dir",
            virtualBytes: null,
            allocatedBytes: null,
        });
    return out;
}

/** qemu.conf's nvram_dir default for the system daemon. */
const NVRAM_DIR = "/var/lib/libvirt/qemu/nvram";

/**
 * The UEFI variable store: the file `<os><nvram>` names, or (libvirt 9.0 keeps `<os firmware='efi'>`
 * without it in the persistent definition) the default NAME_VARS.fd, which exists once the VM has run.
 */
export function nvramPath(d: DomainDefinition): { path: string; named: boolean } | null {
    if (d.nvram && d.nvram.type !== "file") return null;
    if (d.nvram?.path) return { path: d.nvram.path, named: true };
    return d.efi && d.name ? { path: `${NVRAM_DIR}/${d.name}_VARS.fd`, named: false } : null;
}

/** The bytes the destination must hold: the allocated size of each file (unknown sizes count as 0 and are said). */
export function allocatedTotal(files: readonly CarriedFile[]): { bytes: number; unknown: string[] } {
    return {
        bytes: files.reduce((a, f) => a + (f.allocatedBytes ?? 0), 0),
        unknown: files.filter((f) => f.allocatedBytes === null).map((f) => f.path),
    };
}

/** The directory that holds a path ("/" for a file at the root). */
export function parentDir(path: string): string {
    const i = path.lastIndexOf("/");
    return i > 0 ? path.slice(0, i) : "/";
}

export function baseName(path: string): string {
    return path.slice(path.lastIndexOf("/") + 1);
}

/** `du -s -B1 -- PATH`: the bytes a file or directory occupies (for the NVRAM file and the TPM directory). */
export const duArgv = (path: string) => ["du", "-s", "-B1", "--", checkValue(_("path"), path)];

export function parseDu(out: string): number | null {
    const m = /^(\d+)\s/.exec(out.trim() + "\n");
    return m ? Number(m[1]) : null;
}

export interface Carried {
    files: CarriedFile[];
    /** The commands that read them (shown with the list). */
    commands: string[][];
    /** Files that could not be read: path and why. */
    problems: { path: string; message: string }[];
}

/**
 * Reads, on the source host itself (`run`), each disk's chain and the sizes of the NVRAM file and TPM
 * directory; a file that cannot be read is listed with its reason, never left out silently.
 */
export async function loadCarried(
    run: (argv: string[]) => Promise<string>,
    d: DomainDefinition,
    uuid: DomainUuid,
    destPaths?: ReadonlyMap<string, string>,
): Promise<Carried> {
    const problems: Carried["problems"] = [];
    const commands: string[][] = [];
    const chains = new Map<string, ImageInfo[]>();
    const why = (e: unknown) => errorText(e, { stderr: true });
    await Promise.all(
        diskPaths(d).map(async ({ path }) => {
            const argv = imageInfoArgv(path);
            commands.push(argv);
            try {
                chains.set(path, parseImageChain(await run(argv)));
            } catch (e) {
                problems.push({ path, message: why(e) });
            }
        }),
    );
    const files = carriedFiles(d, uuid, chains, destPaths);
    const absent = new Set<CarriedFile>();
    // a default NVRAM file the VM never created, or a TPM never started, has no state to carry
    const optional = (f: CarriedFile) => f.kind === "tpm" || (f.kind === "nvram" && !nvramPath(d)?.named);
    await Promise.all(
        files
            .filter((f) => f.kind === "nvram" || f.kind === "tpm")
            .map(async (f) => {
                const argv = duArgv(f.path);
                commands.push(argv);
                try {
                    f.allocatedBytes = parseDu(await run(argv));
                } catch (e) {
                    if (optional(f) && /No such file or directory/.test(why(e))) absent.add(f);
                    else problems.push({ path: f.path, message: why(e) });
                }
            }),
    );
    return { files: files.filter((f) => !absent.has(f)), commands, problems };
}
