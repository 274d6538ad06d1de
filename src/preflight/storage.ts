/**
 * The storage check: every disk the VM uses must be visible on the destination, or be copied.
 * Branches on the disk's type, because each kind is found in its own way: a file or block device
 * by its path (`vol-info --vol PATH`, or the path itself), a volume by its pool and name
 * (`vol-info --pool P --vol V`), a network disk by what the destination needs to open it (the
 * secret its auth names) — a network disk has no path to look for.
 */
import type { DiskDef, DomainDefinition, SecretRef } from "../domains/definition";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { cannot, message } from "./util";
import { isColdMove } from "../migration/options";
import { _, format } from "../../pkg/lib/gettext";

type Run = (a: string[]) => Promise<string>;

/**
 * From a storage check's results: the disk targets the destination cannot see (to copy, with
 * --migrate-disks) and those it sees (to share). Disks without a verdict are in neither.
 */
export function diskVisibility(results: readonly CheckResult[]): { unseen: string[]; seen: string[] } {
    const marked = results.filter((r) => r.disk !== undefined).map((r) => r.disk!);
    return {
        unseen: marked.filter((d) => !d.visible).map((d) => d.target),
        seen: marked.filter((d) => d.visible).map((d) => d.target),
    };
}

/** libvirt's own answer that no pool on the host holds that volume. */
const NO_VOLUME = /Storage volume not found|no storage vol with matching/i;
const NO_POOL = /Storage pool not found|no storage pool with matching/i;

/** What the destination has of one disk; `copyable`: libvirt can create it there when copying. */
type Finding = { seen: boolean; copyable: boolean; result?: CheckResult };

/**
 * `exists` asks the destination itself whether a path exists (null: no way to ask). Each disk's
 * result carries `disk` (its target and whether the destination sees it), so that a plan copies
 * exactly the disks the destination cannot see.
 */
export async function storage(
    run: Run,
    input: PreflightInput,
    d: DomainDefinition,
    exists: ((path: string) => Promise<boolean>) | null,
): Promise<CheckResult[]> {
    // an empty drive (no source) has nothing to find; a network disk may have no name (an nbd export)
    const disks = d.disks.filter(
        (x) => x.source || x.type === "network" || (x.type === "volume" && x.pool && x.volume),
    );
    if (disks.length === 0)
        return [{ id: "storage", severity: "pass", title: _("No disks to share or copy"), commands: [] }];
    let secrets: Promise<string> | null = null;
    const secretList = () => (secrets ??= run(v.secretList(input.destinationUri)));
    return Promise.all(disks.map((disk) => checkDisk(run, input, disk, exists, secretList)));
}

async function checkDisk(
    run: Run,
    input: PreflightInput,
    disk: DiskDef,
    exists: ((path: string) => Promise<boolean>) | null,
    secretList: () => Promise<string>,
): Promise<CheckResult> {
    const name =
        disk.type === "volume" ? `${disk.pool}/${disk.volume}` : (disk.source ?? `${disk.protocol ?? "network"} disk`);
    const id = `storage:${disk.target ?? name}`;
    if (disk.device === "cdrom" || disk.device === "floppy")
        return {
            id,
            severity: "warning",
            title: format(_("$0: local $1 image $2"), disk.target, disk.device, name),
            commands: [],
            fix: _("Eject it, or make sure the same image exists on the destination."),
        };
    // a cold move carries file disks itself; their destination paths are its own check's ("Disks to carry")
    if (isColdMove(input.options) && disk.type === "file" && disk.device === "disk" && !disk.shareable)
        return {
            id,
            severity: "pass",
            title: format(
                _("$0: $1 is carried to $2 before the definition moves"),
                disk.target,
                name,
                input.destinationLabel,
            ),
            commands: [],
        };
    const { argv, found } =
        disk.type === "network"
            ? networkDisk(input, disk, id, secretList)
            : disk.type === "volume"
              ? volumeDisk(run, input, disk, id)
              : pathDisk(run, input, disk, id, exists);
    const f = await found;
    if (f.result) return f.result;
    const commands = argv ? [argv] : [];
    const mark = disk.target && (f.seen || f.copyable) ? { disk: { target: disk.target, visible: f.seen } } : {};
    const only = input.options.migrateDisks;
    const copied =
        input.options.storage !== "shared" &&
        (only === undefined || (disk.target !== null && only.includes(disk.target)));
    if (copied && f.seen)
        return {
            id,
            ...mark,
            severity: "error",
            title: format(
                _("$0: $1 is visible on $2: copying it would write over the image the destination already has"),
                disk.target,
                name,
                input.destinationLabel,
            ),
            commands,
            detail: _(
                "libvirt copies into the image at the same path on the destination. On shared storage that is the very image the VM is running from (two QEMUs on one file); otherwise another image of that name is replaced.",
            ),
            fix: _(
                "Do not copy this disk: share the storage instead, or copy only the disks the destination cannot see (a plan does that per VM with --migrate-disks). If the file there is unrelated, move or rename it there first.",
            ),
        };
    if (copied)
        return {
            id,
            ...mark,
            severity: "pass",
            title: format(_("$0: $1 will be copied"), disk.target, name),
            commands,
        };
    if (f.seen && disk.type === "network")
        return {
            id,
            ...mark,
            severity: "pass",
            title: format(
                _("$0: $1 over the network, the same image on $2"),
                disk.target,
                disk.source ? `${disk.protocol ?? "network"} ${name}` : name,
                input.destinationLabel,
            ),
            commands,
            detail: _("Nothing to copy: the destination opens the same image; it must reach the same storage hosts."),
        };
    if (f.seen)
        return {
            id,
            ...mark,
            severity: "pass",
            title: format(_("$0: $1 is visible on $2"), disk.target, name, input.destinationLabel),
            commands,
        };
    return {
        id,
        ...mark,
        severity: "error",
        // the NFS flow shares file images (copies them to the export, points the VM at the mount);
        // a block device or a pool's volume it leaves alone
        ...(disk.type === "file" ? { remedy: "shared-storage" as const } : {}),
        title: format(_("$0: $1 is not visible on $2"), disk.target, name, input.destinationLabel),
        commands,
        detail:
            disk.type === "volume"
                ? format(_("The destination's pool $0 holds no volume $1."), disk.pool, disk.volume)
                : _("No storage pool on the destination holds a volume at this path."),
        fix: _(
            'Choose "Copy all disks", or share the images (NFS at the same path) and define a storage pool for them.',
        ),
    };
}

/**
 * Whether a host path is visible on the destination: "pool" (a storage pool lists it: `vol-info
 * --vol PATH`), "file" (no pool lists it but the file is there), "absent", or "unasked" (no pool
 * lists it and there is no way to ask the destination for the file). Throws what `vol-info` failed
 * with unless it is libvirt's "no such volume": only that answer is a verdict.
 */
export async function pathOnDestination(
    run: Run,
    destinationUri: string,
    path: string,
    exists: ((path: string) => Promise<boolean>) | null,
): Promise<"pool" | "file" | "absent" | "unasked"> {
    try {
        await run(v.volInfo(destinationUri, path));
        return "pool";
    } catch (e) {
        if (!NO_VOLUME.test(message(e))) throw e;
    }
    if (!exists) return "unasked";
    return (await exists(path).catch(() => false)) ? "file" : "absent";
}

function pathDisk(
    run: Run,
    input: PreflightInput,
    disk: DiskDef,
    id: string,
    exists: ((path: string) => Promise<boolean>) | null,
): { argv: string[]; found: Promise<Finding> } {
    const argv = v.volInfo(input.destinationUri, disk.source!);
    const found = (async (): Promise<Finding> => {
        let where: Awaited<ReturnType<typeof pathOnDestination>>;
        try {
            where = await pathOnDestination(run, input.destinationUri, disk.source!, exists);
        } catch (e) {
            // a timeout taken for "not there" would copy a shared image onto itself
            return {
                seen: false,
                copyable: false,
                result: cannot(id, format(_("Storage $0"), disk.target ?? disk.source), e, [argv]),
            };
        }
        if (where === "pool") return { seen: true, copyable: true };
        if (where === "file") {
            const copying = input.options.storage !== "shared";
            // the file is there, only no pool lists it: libvirt can still open it
            if (!copying)
                return {
                    seen: true,
                    copyable: true,
                    result: {
                        id,
                        ...(disk.target ? { disk: { target: disk.target, visible: true } } : {}),
                        severity: "warning",
                        title: format(
                            _("$0: $1 exists on $2, but no storage pool lists it"),
                            disk.target,
                            disk.source,
                            input.destinationLabel,
                        ),
                        commands: [argv],
                        fix: _(
                            "Refresh the pool that holds it on the destination (virsh pool-refresh), or define a pool for its directory; libvirt can still use the file.",
                        ),
                    },
                };
            return { seen: true, copyable: true };
        }
        return { seen: false, copyable: true };
    })();
    return { argv, found };
}

function volumeDisk(
    run: Run,
    input: PreflightInput,
    disk: DiskDef,
    id: string,
): { argv: string[]; found: Promise<Finding> } {
    const argv = v.volInfoInPool(input.destinationUri, disk.pool!, disk.volume!);
    const found = run(argv).then(
        (): Finding => ({ seen: true, copyable: true }),
        (e): Finding => {
            const m = message(e);
            // with the pool there, a copy creates the volume in it; without the pool nothing can hold it
            if (NO_VOLUME.test(m)) return { seen: false, copyable: true };
            if (NO_POOL.test(m))
                return {
                    seen: false,
                    copyable: false,
                    result: {
                        id,
                        severity: "error",
                        commands: [argv],
                        detail: m,
                        title: format(
                            _("$0: storage pool $1 does not exist on $2"),
                            disk.target,
                            disk.pool,
                            input.destinationLabel,
                        ),
                        fix: format(
                            _(
                                "Define and start a pool named $0 on the destination that holds the same volume (shared storage), or change the disk.",
                            ),
                            disk.pool,
                        ),
                    },
                };
            return {
                seen: false,
                copyable: false,
                result: cannot(id, format(_("Storage $0"), disk.target ?? `${disk.pool}/${disk.volume}`), e, [argv]),
            };
        },
    );
    return { argv, found };
}

/** `secret-list`: " UUID  Usage" rows, usage as "TYPE USAGE-ID" (or "Unused"). */
export function parseSecretList(out: string): { uuid: string; type: string | null; usage: string | null }[] {
    return out
        .split("\n")
        .slice(2)
        .map((l) => /^\s*(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) =>
            m[2] === "Unused" && !m[3]
                ? { uuid: m[1]!, type: null, usage: null }
                : { uuid: m[1]!, type: m[2]!, usage: m[3] ?? null },
        );
}

function hasSecret(list: ReturnType<typeof parseSecretList>, ref: SecretRef): boolean {
    return list.some((s) =>
        ref.uuid
            ? s.uuid.toLowerCase() === ref.uuid.toLowerCase()
            : ref.usage !== null && s.usage === ref.usage && (ref.type === null || s.type === ref.type),
    );
}

/**
 * A network disk (rbd, iscsi, gluster, nbd, …) is the same image wherever the VM runs: the
 * destination sees it when it can authenticate, i.e. holds the secret the disk's auth names.
 * Whether it reaches the storage hosts is for the migration itself to find out (said in detail).
 */
function networkDisk(
    input: PreflightInput,
    disk: DiskDef,
    id: string,
    secretList: () => Promise<string>,
): { argv: string[] | null; found: Promise<Finding> } {
    const argv = v.secretList(input.destinationUri);
    const what = disk.source ? `${disk.protocol ?? "network"} ${disk.source}` : `${disk.protocol ?? "network"} disk`;
    const ref = disk.secret;
    if (!ref || (!ref.uuid && !ref.usage))
        return { argv: null, found: Promise.resolve({ seen: true, copyable: false }) };
    const label = ref.uuid ?? `${ref.type ?? ""} ${ref.usage}`.trim();
    const found = secretList().then(
        (out): Finding =>
            hasSecret(parseSecretList(out), ref)
                ? { seen: true, copyable: false }
                : {
                      seen: false,
                      copyable: false,
                      result: {
                          id,
                          severity: "error",
                          commands: [argv],
                          title: format(
                              _("$0: $1 needs secret $2, which $3 does not have"),
                              disk.target,
                              what,
                              label,
                              input.destinationLabel,
                          ),
                          detail: _(
                              "libvirt looks the disk's secret up on the host the VM runs on; without it QEMU cannot open the disk there and the migration fails.",
                          ),
                          fix: format(
                              _(
                                  "Define the same secret on the destination (virsh secret-define with UUID $0, then virsh secret-set-value).",
                              ),
                              ref.uuid ?? _("from the source's secret-dumpxml"),
                          ),
                      },
                  },
        (e) => ({
            seen: false,
            copyable: false,
            result: cannot(id, format(_("Storage $0"), disk.target ?? what), e, [argv]),
        }),
    );
    return { argv, found };
}
