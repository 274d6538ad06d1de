/**
 * Pre-flight of a cold move (offline + copy disks, src/coldmove/): the files it carries, read on the
 * source; on the destination, per file, whether its directory exists and is writable and whether a
 * file is already at its path; the free space of each destination file system for the allocated
 * bytes; backing chains (copied base first, or flattened); and, when neither end is this host, that
 * the source's ssh reaches the destination (the copy runs there).
 */
import type { Runner, RunTarget } from "../../pkg/lib/runner";
import { sshArgv } from "../../pkg/lib/ssh";
import { formatBytes } from "../../pkg/lib/size";
import { loadCarried, parentDir, type CarriedFile } from "../coldmove/files";
import { onTarget } from "../../pkg/lib/ssh";
import type { DomainDefinition } from "../domains/definition";
import { freeSpace } from "../storage/argv";
import { displayCommand } from "../virsh/argv";
import type { PreflightInput } from "./checks";
import type { CheckResult } from "./types";
import { cannot, message } from "./util";
import { _, format, ngettext } from "../../pkg/lib/gettext";

const TIMEOUT = 30_000;

// Constant script: what the destination has at a file's path and in its directory.
const PROBE = [
    'd=$1; p=$2; if [ -d "$d" ]; then [ -w "$d" ] && echo writable || echo readonly; else echo missing; fi',
    'if [ -e "$p" ] || [ -L "$p" ]; then echo exists; else echo absent; fi',
    "command -v tar > /dev/null && echo tar; true",
].join("\n");
export const probeArgv = (path: string) => ["sh", "-c", PROBE, "probe", parentDir(path), path];

export interface DestProbe {
    dir: "writable" | "readonly" | "missing";
    exists: boolean;
    tar: boolean;
}

export function parseProbe(out: string): DestProbe | null {
    const w = out.split("\n").map((l) => l.trim());
    const dir = w[0];
    if (dir !== "writable" && dir !== "readonly" && dir !== "missing") return null;
    if (w[1] !== "exists" && w[1] !== "absent") return null;
    return { dir, exists: w[1] === "exists", tar: w.includes("tar") };
}

/** `df -P -B1` last line: available bytes and the mount point (which may hold spaces). */
export function parseDf(out: string): { avail: number; mount: string } | null {
    const m = /^\S+\s+\d+\s+\d+\s+(\d+)\s+\S+\s+(.+)$/.exec(out.trim().split("\n").pop()?.trim() ?? "");
    return m ? { avail: Number(m[1]), mount: m[2]! } : null;
}

const sizeText = (f: CarriedFile) =>
    [
        f.format,
        f.virtualBytes !== null ? format(_("$0 virtual"), formatBytes(f.virtualBytes)) : null,
        f.allocatedBytes !== null ? format(_("$0 allocated"), formatBytes(f.allocatedBytes)) : null,
    ]
        .filter(Boolean)
        .join(", ");

function fileTitle(f: CarriedFile): string {
    switch (f.kind) {
        case "disk":
            return format(_("$0: $1 is carried ($2)"), f.target, f.path, sizeText(f));
        case "backing":
            return format(_("$0: backing file $1 is carried ($2)"), f.target, f.path, sizeText(f));
        case "nvram":
            return format(_("UEFI variables $0 are carried ($1)"), f.path, formatBytes(f.allocatedBytes));
        case "tpm":
            return format(_("TPM state $0 is carried ($1)"), f.path, formatBytes(f.allocatedBytes));
    }
}

export async function coldMoveChecks(
    runner: Runner,
    input: PreflightInput,
    d: DomainDefinition,
): Promise<CheckResult[]> {
    const src = input.sourceTarget;
    const dst = input.destinationTarget;
    if (!src || !dst)
        return [
            {
                id: "cold-move",
                severity: "error",
                title: format(
                    _("The disks cannot be carried: no shell on $0 to copy them with"),
                    src ? input.destinationLabel : _("the source"),
                ),
                commands: [],
                fix: _(
                    "A cold move copies the files over SSH: add the host as a known host reached over SSH, or share the storage.",
                ),
            },
        ];
    const run = (t: RunTarget) => (argv: string[]) => runner.run(t, argv, { timeoutMs: TIMEOUT });
    const carried = await loadCarried(run(src), d, input.uuid);
    const results: CheckResult[] = carried.problems.map((p) => ({
        id: `cold-move:${p.path}`,
        severity: "error",
        title: format(_("$0 cannot be read on the source"), p.path),
        detail: p.message,
        commands: carried.commands.filter((c) => c[c.length - 1] === p.path),
        fix: _("The file must exist on the source to be carried: check the disk's path."),
    }));
    if (carried.files.length === 0 && results.length === 0)
        return [{ id: "cold-move", severity: "pass", title: _("No files to carry"), commands: carried.commands }];
    const unread = new Set(carried.problems.map((p) => p.path));
    for (const f of carried.files.filter((f) => !unread.has(f.path)))
        results.push({
            id: `cold-move:${f.path}`,
            severity: "pass",
            title: fileTitle(f),
            commands: carried.commands.filter((c) => c[c.length - 1] === f.path),
            ...(f.destPath !== f.path ? { detail: format(_("To $0 on the destination."), f.destPath) } : {}),
        });
    results.push(...backingNotes(carried.files));
    const [probes, space, reach] = await Promise.all([
        destinationPaths(run(dst), input, carried.files),
        freeSpaceChecks(run(dst), input, carried.files),
        sourceReachesDestination(runner, input, src, dst),
    ]);
    return [...results, ...probes, ...space, ...(reach ? [reach] : [])];
}

/** A disk on a backing chain: the chain is carried base first; flattening is the alternative. */
function backingNotes(files: readonly CarriedFile[]): CheckResult[] {
    const targets = [...new Set(files.filter((f) => f.kind === "backing").map((f) => f.target!))];
    return targets.map((t) => {
        const chain = files.filter((f) => f.target === t && f.kind === "backing");
        const top = files.find((f) => f.target === t && f.kind === "disk")!;
        const flat = `${top.path}.flat`;
        return {
            id: `cold-move:backing:${t}`,
            severity: "info",
            title: format(
                ngettext(
                    "$0 is based on $1 backing file: it is carried too, before the image on it",
                    "$0 is based on $1 backing files: they are carried too, the base first",
                    chain.length,
                ),
                t,
                chain.length,
            ),
            detail: _(
                "The destination gets the same chain at the same paths. A base image other VMs use stays on the source as well.",
            ),
            fix: format(
                _("To carry one file instead, flatten the chain on the source first: $0, then point the disk at it."),
                displayCommand(["qemu-img", "convert", "-O", "qcow2", "--", top.path, flat]),
            ),
            commands: [],
        };
    });
}

async function destinationPaths(
    run: (argv: string[]) => Promise<string>,
    input: PreflightInput,
    files: readonly CarriedFile[],
): Promise<CheckResult[]> {
    const out = await Promise.all(
        files.map(async (f): Promise<CheckResult | null> => {
            const argv = probeArgv(f.destPath);
            const id = `cold-move:dest:${f.destPath}`;
            let p: DestProbe | null;
            try {
                p = parseProbe(await run(argv));
            } catch (e) {
                return cannot(id, format(_("$0 on $1"), f.destPath, input.destinationLabel), e, [argv]);
            }
            if (!p)
                return cannot(id, format(_("$0 on $1"), f.destPath, input.destinationLabel), _("no answer"), [argv]);
            const dir = parentDir(f.destPath);
            if (!p.tar)
                return {
                    id,
                    severity: "error",
                    title: format(_("$0 has no tar to unpack the copy with"), input.destinationLabel),
                    fix: _("Install tar on the destination (apt-get install tar, dnf install tar)."),
                    commands: [argv],
                };
            // the copy makes it (mkdir -p): told, not refused
            if (p.dir === "missing")
                return {
                    id,
                    severity: "info",
                    title: format(_("$0 does not exist on $1: the copy creates it"), dir, input.destinationLabel),
                    commands: [argv],
                };
            if (p.dir === "readonly")
                return {
                    id,
                    severity: "error",
                    title: format(_("$0 on $1 is not writable"), dir, input.destinationLabel),
                    fix: _("Make it writable for root there (a read-only mount?), or carry the file elsewhere."),
                    commands: [argv],
                };
            if (p.exists)
                return input.options.replaceExisting
                    ? {
                          id,
                          severity: "warning",
                          title: format(
                              _("$0 already exists on $1 and will be replaced by the verified copy"),
                              f.destPath,
                              input.destinationLabel,
                          ),
                          commands: [argv],
                      }
                    : {
                          id,
                          severity: "error",
                          title: format(_("$0 already exists on $1"), f.destPath, input.destinationLabel),
                          detail: _(
                              "It may be another VM's image, or an earlier copy of this one: it is never replaced without your choice.",
                          ),
                          fix: _('Choose "Replace files already on the destination", or move that file away there.'),
                          commands: [argv],
                      };
            return null;
        }),
    );
    return out.filter((r): r is CheckResult => r !== null);
}

/** The allocated bytes per destination file system (files in two directories of one file system add up). */
async function freeSpaceChecks(
    run: (argv: string[]) => Promise<string>,
    input: PreflightInput,
    files: readonly CarriedFile[],
): Promise<CheckResult[]> {
    const dirs = [...new Set(files.map((f) => parentDir(f.destPath)))];
    const df = await Promise.all(
        dirs.map(async (dir) => {
            const argv = freeSpace(dir);
            try {
                return { dir, argv, df: parseDf(await run(argv)), error: null };
            } catch (e) {
                return { dir, argv, df: null, error: e as unknown };
            }
        }),
    );
    const results: CheckResult[] = [];
    const mounts = new Map<string, { avail: number; needed: number; dirs: string[]; argvs: string[][] }>();
    for (const r of df) {
        if (!r.df) {
            results.push(
                cannot(
                    `cold-move:space:${r.dir}`,
                    format(_("Free space in $0 on $1"), r.dir, input.destinationLabel),
                    r.error ?? _("df printed nothing this version understands"),
                    [r.argv],
                ),
            );
            continue;
        }
        const m = mounts.get(r.df.mount) ?? { avail: r.df.avail, needed: 0, dirs: [], argvs: [] };
        m.needed += files
            .filter((f) => parentDir(f.destPath) === r.dir)
            .reduce((a, f) => a + (f.allocatedBytes ?? 0), 0);
        m.dirs.push(r.dir);
        m.argvs.push(r.argv);
        mounts.set(r.df.mount, m);
    }
    for (const [mount, m] of mounts) {
        const id = `cold-move:space:${mount}`;
        results.push(
            m.avail < m.needed
                ? {
                      id,
                      severity: "error",
                      title: format(
                          _("Not enough space on $0 for the copies in $1: $2 free, $3 needed"),
                          input.destinationLabel,
                          m.dirs.join(", "),
                          formatBytes(m.avail),
                          formatBytes(m.needed),
                      ),
                      detail: format(_("The file system mounted at $0 holds them."), mount),
                      fix: _("Free space there, or share the storage instead."),
                      commands: m.argvs,
                  }
                : {
                      id,
                      severity: "pass",
                      title: format(
                          _("$0 free on $1 ($2) for $3 of copies"),
                          formatBytes(m.avail),
                          input.destinationLabel,
                          mount,
                          formatBytes(m.needed),
                      ),
                      commands: m.argvs,
                  },
        );
    }
    return results;
}

/** Neither end is this host: the copy runs on the source and its ssh must reach the destination. */
async function sourceReachesDestination(
    runner: Runner,
    input: PreflightInput,
    src: RunTarget,
    dst: RunTarget,
): Promise<CheckResult | null> {
    if (src.kind === "local" || dst.kind === "local") return null;
    const argv = onTarget(src, sshArgv(dst.address, dst.user, dst.port, ["true"]));
    const id = "cold-move:ssh";
    try {
        await runner.run({ kind: "local" }, argv, { timeoutMs: TIMEOUT });
        return {
            id,
            severity: "pass",
            title: format(_("The source reaches $0 over SSH for the copy"), input.destinationLabel),
            commands: [argv],
        };
    } catch (e) {
        return {
            id,
            severity: "error",
            title: format(_("The source cannot log in to $0 over SSH: the copy runs there"), input.destinationLabel),
            detail: message(e),
            fix: format(
                _(
                    "The copy goes straight from the source to the destination. Put the source's root key (/root/.ssh/id_*.pub) into root's authorized_keys on $0, and $0's host key into the source's known_hosts.",
                ),
                dst.address,
            ),
            commands: [argv],
        };
    }
}
