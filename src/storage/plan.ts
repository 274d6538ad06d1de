/** The flow's steps from its inputs: each with its host, exact commands and the files it edits. */
import { dumpxml } from "../virsh/argv";
import { copyPipeline, partPath } from "./copy";
import { EXPORTS_PATH, formatExportEntry, type ExportSpec } from "./exports";
import { FSTAB_PATH, formatFstabEntry, type NfsMountSpec } from "./fstab";
import * as a from "./argv";
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
    if (!i.exportDir.startsWith("/")) return "The export directory must be an absolute path";
    if (!i.mountPoint.startsWith("/")) return "The mount point must be an absolute path";
    if (i.clients.length === 0) return "Choose at least one client host";
    if (i.method === "pool" && !/^[A-Za-z0-9_.+-]+$/.test(i.poolName))
        return "The pool name may use letters, digits and _ . + -";
    const names = i.images.map((img) => basename(img.path));
    const dup = names.find((n, k) => names.indexOf(n) !== k);
    if (dup) return `Two disk images are both named ${dup}: they would land on the same file in the export directory`;
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
        title: `Create ${i.exportDir} on ${s.label}`,
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
            title: `Copy ${img.path} (${img.domain} ${img.target}) from ${i.source.label} to ${dest}`,
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
        title: `Export ${i.exportDir} to ${i.clients.map((c) => c.address).join(", ")}`,
        commands: [a.exportfsAll(), a.exportfsVerbose()],
        edits: [{ path: EXPORTS_PATH, line: formatExportEntry(exportSpec(i)) }],
    });
    for (const c of i.clients) {
        steps.push({
            id: `selinux-${c.id}`,
            kind: "selinux",
            host: c,
            title: `Allow QEMU to use NFS on ${c.label} (virt_use_nfs)`,
            commands: [a.setseboolVirtUseNfs()],
            edits: [],
            ...(selinuxHosts.includes(c.id) ? {} : { skipReason: `SELinux is not in use on ${c.label}` }),
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
        const how =
            i.method === "pool" ? `as libvirt pool ${i.poolName}` : i.method === "fstab" ? "(and in /etc/fstab)" : "";
        steps.push({
            id: `mount-${c.id}`,
            kind: "mount",
            host: c,
            title: `Mount ${i.storage.address}:${i.exportDir} on ${i.mountPoint} of ${c.label} ${how}`.trim(),
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
            title: `Point ${d}'s disks at ${i.mountPoint}`,
            commands: [
                dumpxml(i.source.uri, ref.uuid, { inactive: true, securityInfo: true }),
                a.defineStdin(i.source.uri),
            ],
            edits: [],
            ...(mine.length
                ? {}
                : { skipReason: `${d}'s disks keep their paths: the export is mounted over their directory` }),
        });
    }
    for (const ref of i.domains)
        steps.push({
            id: `start-${ref.name}`,
            kind: "start",
            host: i.source,
            domain: ref,
            title: `Start ${ref.name} on ${i.source.label} and confirm it runs`,
            commands: [a.domStart(i.source.uri, ref.uuid), a.domstate(i.source.uri, ref.uuid)],
            edits: [],
        });
    for (const c of i.clients.filter((c) => c.id !== i.source.id))
        steps.push({
            id: `verify-${c.id}`,
            kind: "verify",
            host: c,
            title: `Confirm ${c.label} sees the same image files`,
            commands: i.images.map((img) => a.sha256(sharedPath(i, img))),
            edits: [],
        });
    return steps;
}
