/** Prerequisites of the NFS flow, each a CheckResult with the commands it ran. */
import { errorText } from "../../pkg/lib/error-text";
import { isRunError, type Runner } from "../../pkg/lib/runner";
import type { CheckResult } from "../preflight/types";
import { domstate, freeSpace, getenforce, getseboolVirtUseNfs, nfsProbe, qemuImgInfo, statSize } from "./argv";
import type { NfsHost, NfsInputs } from "./types";
import { _, format } from "../../pkg/lib/gettext";
import { formatBytes } from "../../pkg/lib/size";

export interface NfsProbe {
    bins: Set<string>;
    fs: Set<string>;
    modules: Set<string>;
    nfsdThreads: number | null;
    running: Set<string>;
}

export function parseProbe(out: string): NfsProbe {
    const p: NfsProbe = { bins: new Set(), fs: new Set(), modules: new Set(), nfsdThreads: null, running: new Set() };
    for (const line of out.split("\n")) {
        const [word, value = ""] = line.trim().split(/\s+/, 2);
        if (word === "bin") p.bins.add(value);
        else if (word === "fs") p.fs.add(value);
        else if (word === "module") p.modules.add(value);
        else if (word === "running") p.running.add(value);
        else if (word === "nfsd-threads" && /^\d+$/.test(value)) p.nfsdThreads = Number(value);
    }
    return p;
}

// functions, not constants: the translation is looked up when the check runs, after the language is loaded
const installServer = () =>
    _(
        "Install nfs-kernel-server (Debian/Ubuntu) or nfs-utils (Fedora/RHEL), then enable it: systemctl enable --now nfs-server",
    );
const installClient = () => _("Install nfs-common (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)");

export function serverCheck(host: NfsHost, p: NfsProbe, commands: string[][]): CheckResult {
    const id = "nfs-server";
    const kernel = p.fs.has("nfsd") || p.modules.has("nfsd");
    const kernelRunning = (p.nfsdThreads ?? 0) > 0;
    if (p.running.has("ganesha.nfsd"))
        return {
            id,
            severity: "pass",
            title: format(_("A user-space NFS server (NFS-Ganesha) runs on $0"), host.label),
            detail: _("exportfs only feeds the kernel server; NFS-Ganesha serves what its own configuration lists."),
            commands,
        };
    if (!p.bins.has("exportfs"))
        return {
            id,
            severity: "error",
            title: format(_("No NFS server is installed on $0"), host.label),
            fix: installServer(),
            commands,
        };
    if (!kernel)
        return {
            id,
            severity: "error",
            title: format(_("The kernel of $0 has no NFS server (nfsd)"), host.label),
            detail: _(
                "exportfs can update the export table, but nothing will serve it: /proc/filesystems lists no nfsd and no nfsd module exists for the running kernel.",
            ),
            fix: _(
                "Use a storage host whose kernel has NFS server support (the nfsd module), or a user-space server such as NFS-Ganesha",
            ),
            commands,
        };
    if (!kernelRunning || !p.running.has("rpc.mountd"))
        return {
            id,
            severity: "warning",
            title: format(_("The NFS server is installed on $0 but not running"), host.label),
            fix: _("Start it: systemctl enable --now nfs-server"),
            commands,
        };
    return {
        id,
        severity: "pass",
        title: format(_("The NFS server runs on $0 ($1 nfsd threads)"), host.label, p.nfsdThreads),
        commands,
    };
}

export function clientCheck(host: NfsHost, p: NfsProbe, commands: string[][]): CheckResult {
    const id = `nfs-client-${host.id}`;
    if (!p.bins.has("mount.nfs"))
        return {
            id,
            severity: "error",
            title: format(_("NFS client tools are missing on $0 (no mount.nfs)"), host.label),
            fix: installClient(),
            commands,
        };
    if (!p.fs.has("nfs") && !p.fs.has("nfs4") && !p.modules.has("nfs"))
        return {
            id,
            severity: "error",
            title: format(_("The kernel of $0 cannot mount NFS"), host.label),
            detail: _("/proc/filesystems lists no nfs and no nfs module exists for the running kernel."),
            fix: _("Use a kernel with NFS client support (the nfs module)"),
            commands,
        };
    return { id, severity: "pass", title: format(_("NFS client tools are installed on $0"), host.label), commands };
}

export type SelinuxState = "absent" | "disabled" | "on" | "off";

export async function selinuxState(runner: Runner, host: NfsHost): Promise<SelinuxState> {
    let mode: string;
    try {
        mode = (await runner.run(host.target, getenforce())).trim();
    } catch (e) {
        // not installed: locally "not-found"; over SSH the remote shell exits 127
        if (isRunError(e) && (e.cause === "not-found" || e.exitStatus === 127)) return "absent";
        throw e;
    }
    if (mode === "Disabled") return "disabled";
    const b = await runner.run(host.target, getseboolVirtUseNfs());
    return /-->\s*on/.test(b) ? "on" : "off";
}

export function selinuxCheck(host: NfsHost, s: SelinuxState): CheckResult {
    const commands = s === "absent" || s === "disabled" ? [getenforce()] : [getenforce(), getseboolVirtUseNfs()];
    const id = `selinux-${host.id}`;
    if (s === "absent")
        return {
            id,
            severity: "pass",
            title: format(_("SELinux is not installed on $0: virt_use_nfs is not needed"), host.label),
            commands,
        };
    if (s === "disabled")
        return {
            id,
            severity: "pass",
            title: format(_("SELinux is disabled on $0: virt_use_nfs is not needed"), host.label),
            commands,
        };
    if (s === "on") return { id, severity: "pass", title: format(_("virt_use_nfs is on on $0"), host.label), commands };
    return {
        id,
        severity: "warning",
        title: format(_("virt_use_nfs is off on $0"), host.label),
        detail: _("With SELinux in use, QEMU may not open disk images on NFS until the boolean is on."),
        fix: _("The flow's SELinux step sets it: setsebool -P virt_use_nfs 1"),
        commands,
    };
}

/** A function, so that the text is translated when the checks run (after the language is loaded). */
const lockingNote = (): CheckResult => ({
    id: "nfs-locking",
    severity: "info",
    commands: [],
    title: _("NFS file locking must not be used with KVM"),
    detail: _(
        "Keep libvirt's lock manager off for these images, or mount with the nolock option (NFSv3) / local_lock=all (NFSv4).",
    ),
});

/** Free bytes from `df -P -B1` (last line: filesystem, size, used, available, capacity, mount). */
export function parseDfAvail(out: string): number | null {
    const f = out.trim().split("\n").pop()?.trim().split(/\s+/) ?? [];
    return f.length >= 4 && /^\d+$/.test(f[3]!) ? Number(f[3]) : null;
}

export function spaceCheck(
    host: NfsHost,
    dir: string,
    avail: number | null,
    needed: number,
    commands: string[][],
): CheckResult {
    if (avail === null)
        return {
            id: "free-space",
            severity: "warning",
            title: format(_("Free space on $0 could not be read"), host.label),
            commands,
        };
    if (avail < needed)
        return {
            id: "free-space",
            severity: "error",
            title: format(
                _("Not enough space on $0 for the images: $1 free, $2 needed"),
                host.label,
                formatBytes(avail),
                formatBytes(needed),
            ),
            fix: format(_("Free space under $0 or choose another export directory"), dir),
            commands,
        };
    return {
        id: "free-space",
        severity: "pass",
        title: format(_("$0 free on $1 for $2 of images"), formatBytes(avail), host.label, formatBytes(needed)),
        commands,
    };
}

/** `qemu-img info --output=json`: the format and the backing file, if any. */
export function parseImageInfo(out: string): { format: string | null; backing: string | null } {
    const j = JSON.parse(out) as Record<string, unknown>;
    const str = (k: string) => (typeof j[k] === "string" ? (j[k] as string) : null);
    return { format: str("format"), backing: str("full-backing-filename") ?? str("backing-filename") };
}

/** The flow copies single files: an image on top of a backing file would lose it (or find it hidden by the mount). */
export function backingCheck(
    path: string,
    info: { format: string | null; backing: string | null },
    commands: string[][],
): CheckResult {
    const id = `backing-${path}`;
    if (!info.backing)
        return {
            id,
            severity: "pass",
            title: info.format
                ? format(_("$0 is a single $1 image (no backing file)"), path, info.format)
                : format(_("$0 is a single image (no backing file)"), path),
            commands,
        };
    return {
        id,
        severity: "error",
        title: format(_("$0 is a layer on top of $1"), path, info.backing),
        commands,
        detail: _(
            "The flow copies one file per disk; the copy would still point at the backing file on the source, which the mount over the images directory can hide.",
        ),
        fix: format(
            _(
                "Merge the chain into one image first while the VM is shut off, e.g. qemu-img convert -O $0 $1 NEW-FILE, and point the disk at NEW-FILE",
            ),
            info.format ?? "qcow2",
            path,
        ),
    };
}

function failed(id: string, title: string, e: unknown, commands: string[][]): CheckResult {
    const msg = errorText(e, { stderr: true });
    return { id, severity: "warning", title: format(_("$0 could not be checked"), title), detail: msg, commands };
}

export interface ChecksOutcome {
    results: CheckResult[];
    selinuxHosts: string[];
}

/** All prerequisites, in parallel; `onResult` reports each as it arrives. */
export async function runChecks(
    runner: Runner,
    inputs: NfsInputs,
    onResult: (r: CheckResult) => void = () => undefined,
): Promise<ChecksOutcome> {
    const selinuxHosts: string[] = [];
    const one = async (p: Promise<CheckResult>) => {
        const r = await p;
        onResult(r);
        return r;
    };
    const tasks: Promise<CheckResult>[] = [];
    for (const { uuid, name: d } of inputs.domains) {
        const argv = domstate(inputs.source.uri, uuid);
        tasks.push(
            one(
                runner.run({ kind: "local" }, argv).then(
                    (out) =>
                        out.trim() === "shut off"
                            ? {
                                  id: `vm-off-${d}`,
                                  severity: "pass" as const,
                                  title: format(_("$0 is shut off"), d),
                                  commands: [argv],
                              }
                            : {
                                  id: `vm-off-${d}`,
                                  severity: "error" as const,
                                  title: format(_("$0 is $1: the procedure needs it shut off"), d, out.trim()),
                                  fix: format(_("Shut $0 down first (virsh shutdown $0)"), d),
                                  commands: [argv],
                              },
                    (e) => failed(`vm-off-${d}`, format(_("The state of $0"), d), e, [argv]),
                ),
            ),
        );
    }
    tasks.push(
        one(
            runner.run(inputs.storage.target, nfsProbe()).then(
                (out) => serverCheck(inputs.storage, parseProbe(out), [nfsProbe()]),
                (e) => failed("nfs-server", format(_("The NFS server on $0"), inputs.storage.label), e, [nfsProbe()]),
            ),
        ),
    );
    for (const c of inputs.clients) {
        tasks.push(
            one(
                runner.run(c.target, nfsProbe()).then(
                    (out) => clientCheck(c, parseProbe(out), [nfsProbe()]),
                    (e) => failed(`nfs-client-${c.id}`, format(_("NFS client tools on $0"), c.label), e, [nfsProbe()]),
                ),
            ),
        );
        tasks.push(
            one(
                selinuxState(runner, c).then(
                    (s) => {
                        if (s === "on" || s === "off") selinuxHosts.push(c.id);
                        return selinuxCheck(c, s);
                    },
                    (e) => failed(`selinux-${c.id}`, format(_("SELinux on $0"), c.label), e, [getenforce()]),
                ),
            ),
        );
    }
    tasks.push(
        one(
            (async () => {
                const sizes = await Promise.all(
                    inputs.images.map((i) => runner.run(inputs.source.target, statSize(i.path)).then(Number)),
                );
                const df = freeSpace(inputs.exportDir);
                const avail = parseDfAvail(await runner.run(inputs.storage.target, df));
                return spaceCheck(
                    inputs.storage,
                    inputs.exportDir,
                    avail,
                    sizes.reduce((a, b) => a + b, 0),
                    [...inputs.images.map((i) => statSize(i.path)), df],
                );
            })().catch((e) => failed("free-space", _("Free space"), e, [freeSpace(inputs.exportDir)])),
        ),
    );
    for (const img of new Set(inputs.images.map((i) => i.path))) {
        const argv = qemuImgInfo(img);
        tasks.push(
            one(
                runner.run(inputs.source.target, argv).then(
                    (out) => backingCheck(img, parseImageInfo(out), [argv]),
                    (e) => failed(`backing-${img}`, format(_("The backing chain of $0"), img), e, [argv]),
                ),
            ),
        );
    }
    const note = lockingNote();
    onResult(note);
    const results = [note, ...(await Promise.all(tasks))];
    return { results, selinuxHosts };
}
