/** The flow's steps from its inputs: each with its host, exact commands and the files it edits. */
import { dumpxml } from "../virsh/argv";
import { copyPipeline, partPath } from "./copy";
import { EXPORTS_PATH, formatExportEntry, type ExportSpec } from "./exports";
import { FSTAB_PATH, formatFstabEntry, type NfsMountSpec } from "./fstab";
import * as a from "./argv";
import { _, format } from "../../pkg/lib/gettext";
import { basename, joinPath, type Image, type NfsHost, type NfsInputs, type Step } from "./types";

export const exportSpec = (i: NfsInputs): ExportSpec => ({
    path: i.exportDir,
    clients: i.clients.map((c) => ({ host: c.address, options: i.exportOptions })),
});
export const mountSpec = (i: NfsInputs): NfsMountSpec => ({
    server: i.storage.address,
    exportPath: i.exportDir,
    mountPoint: i.mountPoint,
    options: i.mountOptions,
});

/** Where an image lands in the export directory, and the path the VM sees once the export is mounted. */
export const storedPath = (i: NfsInputs, img: Image) => joinPath(i.exportDir, basename(img.path));
export const sharedPath = (i: NfsInputs, img: Image) => joinPath(i.mountPoint, basename(img.path));

/** virsh runs on this host with the host's URI; everything else on the host itself. */
export const commandTarget = (host: NfsHost, argv: readonly string[]) =>
    argv[0] === "virsh" ? { kind: "local" as const } : host.target;

/** Problems that make a plan impossible, before anything runs. */
export function validateInputs(i: NfsInputs): string | null {
    if (!i.exportDir.startsWith("/")) return _("The export directory must be an absolute path");
    if (!i.mountPoint.startsWith("/")) return _("The mount point must be an absolute path");
    if (i.clients.length === 0) return _("Choose at least one client host");
    if (i.method === "pool" && !/^[A-Za-z0-9_.+-]+$/.test(i.poolName))
        return _("The pool name may use letters, digits and _ . + -");
    const names = i.images.map((img) => basename(img.path));
    const dup = names.find((n, k) => names.indexOf(n) !== k);
    if (dup)
        return format(
            _("Two disk images are both named $0: they would land on the same file in the export directory"),
            dup,
        );
    try {
        formatExportEntry(exportSpec(i));
        formatFstabEntry(mountSpec(i));
    } catch (e) {
        return (e as Error).message;
    }
    return null;
}

export function buildPlan(i: NfsInputs, selinuxHosts: readonly string[]): Step[] {
    const steps: Step[] = [];
    const s = i.storage;
    steps.push({
        id: "mkdir",
        kind: "mkdir",
        host: s,
        title: format(_("Create $0 on $1"), i.exportDir, s.label),
        commands: [a.mkdirArgv(i.exportDir)],
        edits: [],
    });
    i.images.forEach((img, k) => {
        const dest = storedPath(i, img);
        steps.push({
            id: `copy-${k}`,
            kind: "copy",
            host: s,
            image: img,
            title: format(_("Copy $0 ($1 $2) from $3 to $4"), img.path, img.domain, img.target, i.source.label, dest),
            commands: [
                a.statSize(img.path),
                a.exists(dest),
                a.removeFile(partPath(dest)),
                copyPipeline(i.source, img.path, s, partPath(dest)),
                a.sha256(img.path),
                a.sha256(partPath(dest)),
                a.moveIntoPlace(partPath(dest), dest, i.overwrite),
            ],
            edits: [],
        });
    });
    steps.push({
        id: "export",
        kind: "export",
        host: s,
        title: format(_("Export $0 to $1"), i.exportDir, i.clients.map((c) => c.address).join(", ")),
        commands: [a.exportfsAll(), a.exportfsVerbose()],
        edits: [{ path: EXPORTS_PATH, line: formatExportEntry(exportSpec(i)) }],
    });
    for (const c of i.clients) {
        steps.push({
            id: `selinux-${c.id}`,
            kind: "selinux",
            host: c,
            title: format(_("Allow QEMU to use NFS on $0 (virt_use_nfs)"), c.label),
            commands: [a.setseboolVirtUseNfs()],
            edits: [],
            ...(selinuxHosts.includes(c.id) ? {} : { skipReason: format(_("SELinux is not in use on $0"), c.label) }),
        });
    }
    for (const c of i.clients) {
        const commands =
            i.method === "pool"
                ? [
                      a.poolDefineNetfs(c.uri, i.poolName, i.storage.address, i.exportDir, i.mountPoint),
                      a.poolBuild(c.uri, i.poolName),
                      a.poolStart(c.uri, i.poolName),
                      a.poolAutostart(c.uri, i.poolName),
                  ]
                : [
                      a.findmnt(i.mountPoint),
                      a.mkdirArgv(i.mountPoint),
                      i.method === "fstab"
                          ? a.mountFromFstab(i.mountPoint)
                          : a.mountNfs(i.storage.address, i.exportDir, i.mountPoint, i.mountOptions),
                  ];
        const what = [`${i.storage.address}:${i.exportDir}`, i.mountPoint, c.label, i.poolName] as const;
        const title =
            i.method === "pool"
                ? format(_("Mount $0 on $1 of $2 as libvirt pool $3"), ...what)
                : i.method === "fstab"
                  ? format(_("Mount $0 on $1 of $2 (and in /etc/fstab)"), ...what)
                  : format(_("Mount $0 on $1 of $2"), ...what);
        steps.push({
            id: `mount-${c.id}`,
            kind: "mount",
            host: c,
            title: title.trim(),
            commands,
            edits: i.method === "fstab" ? [{ path: FSTAB_PATH, line: formatFstabEntry(mountSpec(i)) }] : [],
        });
    }
    const moved = i.images.filter((img) => sharedPath(i, img) !== img.path);
    // read with its secure fields: the result is defined again
    for (const ref of i.domains) {
        const d = ref.name;
        const mine = moved.filter((img) => img.uuid === ref.uuid);
        steps.push({
            id: `repoint-${d}`,
            kind: "repoint",
            host: i.source,
            domain: ref,
            title: format(_("Point $0's disks at $1"), d, i.mountPoint),
            commands: [
                dumpxml(i.source.uri, ref.uuid, { inactive: true, securityInfo: true }),
                a.defineStdin(i.source.uri),
            ],
            edits: [],
            ...(mine.length
                ? {}
                : {
                      skipReason: format(
                          _("$0's disks keep their paths: the export is mounted over their directory"),
                          d,
                      ),
                  }),
        });
    }
    for (const ref of i.domains)
        steps.push({
            id: `start-${ref.name}`,
            kind: "start",
            host: i.source,
            domain: ref,
            title: format(_("Start $0 on $1 and confirm it runs"), ref.name, i.source.label),
            commands: [a.domStart(i.source.uri, ref.uuid), a.domstate(i.source.uri, ref.uuid)],
            edits: [],
        });
    for (const c of i.clients.filter((c) => c.id !== i.source.id))
        steps.push({
            id: `verify-${c.id}`,
            kind: "verify",
            host: c,
            title: format(_("Confirm $0 sees the same image files"), c.label),
            commands: i.images.map((img) => a.sha256(sharedPath(i, img))),
            edits: [],
        });
    return steps;
}
