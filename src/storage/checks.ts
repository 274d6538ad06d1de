/** Prerequisites of the NFS flow, each a CheckResult with the commands it ran. */
import { errorText } from "../../pkg/lib/error-text";
import { isRunError, type Runner } from "../../pkg/lib/runner";
import type { CheckResult } from "../preflight/types";
import { domstate, freeSpace, getenforce, getseboolVirtUseNfs, nfsProbe, qemuImgInfo, statSize } from "./argv";
import type { NfsHost, NfsInputs } from "./types";

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

const INSTALL_SERVER =
    "Install nfs-kernel-server (Debian/Ubuntu) or nfs-utils (Fedora/RHEL), then enable it: systemctl enable --now nfs-server";
const INSTALL_CLIENT = "Install nfs-common (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)";

export function serverCheck(host: NfsHost, p: NfsProbe, commands: string[][]): CheckResult {
    const id = "nfs-server";
    const kernel = p.fs.has("nfsd") || p.modules.has("nfsd");
    const kernelRunning = (p.nfsdThreads ?? 0) > 0;
    if (p.running.has("ganesha.nfsd"))
        return {
            id,
            severity: "pass",
            title: `A user-space NFS server (NFS-Ganesha) runs on ${host.label}`,
            detail: "exportfs only feeds the kernel server; NFS-Ganesha serves what its own configuration lists.",
            commands,
        };
    if (!p.bins.has("exportfs"))
        return {
            id,
            severity: "error",
            title: `No NFS server is installed on ${host.label}`,
            fix: INSTALL_SERVER,
            commands,
        };
    if (!kernel)
        return {
            id,
            severity: "error",
            title: `The kernel of ${host.label} has no NFS server (nfsd)`,
            detail: "exportfs can update the export table, but nothing will serve it: /proc/filesystems lists no nfsd and no nfsd module exists for the running kernel.",
            fix: "Use a storage host whose kernel has NFS server support (the nfsd module), or a user-space server such as NFS-Ganesha",
            commands,
        };
    if (!kernelRunning || !p.running.has("rpc.mountd"))
        return {
            id,
            severity: "warning",
            title: `The NFS server is installed on ${host.label} but not running`,
            fix: "Start it: systemctl enable --now nfs-server",
            commands,
        };
    return {
        id,
        severity: "pass",
        title: `The NFS server runs on ${host.label} (${p.nfsdThreads} nfsd threads)`,
        commands,
    };
}

export function clientCheck(host: NfsHost, p: NfsProbe, commands: string[][]): CheckResult {
    const id = `nfs-client-${host.id}`;
    if (!p.bins.has("mount.nfs"))
        return {
            id,
            severity: "error",
            title: `NFS client tools are missing on ${host.label} (no mount.nfs)`,
            fix: INSTALL_CLIENT,
            commands,
        };
    if (!p.fs.has("nfs") && !p.fs.has("nfs4") && !p.modules.has("nfs"))
        return {
            id,
            severity: "error",
            title: `The kernel of ${host.label} cannot mount NFS`,
            detail: "/proc/filesystems lists no nfs and no nfs module exists for the running kernel.",
            fix: "Use a kernel with NFS client support (the nfs module)",
            commands,
        };
    return { id, severity: "pass", title: `NFS client tools are installed on ${host.label}`, commands };
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
            title: `SELinux is not installed on ${host.label}: virt_use_nfs is not needed`,
            commands,
        };
    if (s === "disabled")
        return {
            id,
            severity: "pass",
            title: `SELinux is disabled on ${host.label}: virt_use_nfs is not needed`,
            commands,
        };
    if (s === "on") return { id, severity: "pass", title: `virt_use_nfs is on on ${host.label}`, commands };
    return {
        id,
        severity: "warning",
        title: `virt_use_nfs is off on ${host.label}`,
        detail: "With SELinux in use, QEMU may not open disk images on NFS until the boolean is on.",
        fix: "The flow's SELinux step sets it: setsebool -P virt_use_nfs 1",
        commands,
    };
}

export const LOCKING_NOTE: CheckResult = {
    id: "nfs-locking",
    severity: "info",
    commands: [],
    title: "NFS file locking must not be used with KVM",
    detail: "Keep libvirt's lock manager off for these images, or mount with the nolock option (NFSv3) / local_lock=all (NFSv4).",
};

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
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
    if (avail === null)
        return {
            id: "free-space",
            severity: "warning",
            title: `Free space on ${host.label} could not be read`,
            commands,
        };
    if (avail < needed)
        return {
            id: "free-space",
            severity: "error",
            title: `Not enough space on ${host.label} for the images: ${gib(avail)} free, ${gib(needed)} needed`,
            fix: `Free space under ${dir} or choose another export directory`,
            commands,
        };
    return {
        id: "free-space",
        severity: "pass",
        title: `${gib(avail)} free on ${host.label} for ${gib(needed)} of images`,
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
            title: `${path} is a single ${info.format ? `${info.format} ` : ""}image (no backing file)`,
            commands,
        };
    return {
        id,
        severity: "error",
        title: `${path} is a layer on top of ${info.backing}`,
        commands,
        detail: "The flow copies one file per disk; the copy would still point at the backing file on the source, which the mount over the images directory can hide.",
        fix: `Merge the chain into one image first while the VM is shut off, e.g. qemu-img convert -O ${info.format ?? "qcow2"} ${path} NEW-FILE, and point the disk at NEW-FILE`,
    };
}

function failed(id: string, title: string, e: unknown, commands: string[][]): CheckResult {
    const msg = errorText(e, { stderr: true });
    return { id, severity: "warning", title: `${title} could not be checked`, detail: msg, commands };
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
                                  title: `${d} is shut off`,
                                  commands: [argv],
                              }
                            : {
                                  id: `vm-off-${d}`,
                                  severity: "error" as const,
                                  title: `${d} is ${out.trim()}: the procedure needs it shut off`,
                                  fix: `Shut ${d} down first (virsh shutdown ${d})`,
                                  commands: [argv],
                              },
                    (e) => failed(`vm-off-${d}`, `The state of ${d}`, e, [argv]),
                ),
            ),
        );
    }
    tasks.push(
        one(
            runner.run(inputs.storage.target, nfsProbe()).then(
                (out) => serverCheck(inputs.storage, parseProbe(out), [nfsProbe()]),
                (e) => failed("nfs-server", `The NFS server on ${inputs.storage.label}`, e, [nfsProbe()]),
            ),
        ),
    );
    for (const c of inputs.clients) {
        tasks.push(
            one(
                runner.run(c.target, nfsProbe()).then(
                    (out) => clientCheck(c, parseProbe(out), [nfsProbe()]),
                    (e) => failed(`nfs-client-${c.id}`, `NFS client tools on ${c.label}`, e, [nfsProbe()]),
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
                    (e) => failed(`selinux-${c.id}`, `SELinux on ${c.label}`, e, [getenforce()]),
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
            })().catch((e) => failed("free-space", "Free space", e, [freeSpace(inputs.exportDir)])),
        ),
    );
    for (const img of new Set(inputs.images.map((i) => i.path))) {
        const argv = qemuImgInfo(img);
        tasks.push(
            one(
                runner.run(inputs.source.target, argv).then(
                    (out) => backingCheck(img, parseImageInfo(out), [argv]),
                    (e) => failed(`backing-${img}`, `The backing chain of ${img}`, e, [argv]),
                ),
            ),
        );
    }
    onResult(LOCKING_NOTE);
    const results = [LOCKING_NOTE, ...(await Promise.all(tasks))];
    return { results, selinuxHosts };
}
