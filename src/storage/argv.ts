/**
 * Every command of the NFS shared-storage flow, as argv arrays (never a shell string). Paths and
 * names are data: after "--", or as the value of a named option. The two probe scripts are
 * constants; data reaches them only as positional parameters.
 */
import { checkValue, domainArg, virsh, type DomainUuid } from "../virsh/argv";
import { nfsSource } from "./fstab";
import { _ } from "../../pkg/lib/gettext";

export const mkdirArgv = (dir: string) => ["mkdir", "-p", "--", checkValue(_("directory"), dir)];
export const exportfsAll = () => ["exportfs", "-a"];
export const exportfsVerbose = () => ["exportfs", "-v"];
/** Re-export from /etc/exports, withdrawing exports no longer listed (after Undo). */
export const exportfsResync = () => ["exportfs", "-r"];
export const getenforce = () => ["getenforce"];
export const getseboolVirtUseNfs = () => ["getsebool", "virt_use_nfs"];
export const setseboolVirtUseNfs = () => ["setsebool", "-P", "virt_use_nfs", "1"];
export const statSize = (path: string) => ["stat", "--printf", "%s", "--", checkValue(_("path"), path)];
/** The image's format and backing file, as JSON; -U: readable even while a VM holds it. */
export const qemuImgInfo = (path: string) => [
    "qemu-img",
    "info",
    "--output=json",
    "-U",
    "--",
    checkValue(_("path"), path),
];
export const sha256 = (path: string) => ["sha256sum", "--", checkValue(_("path"), path)];
export const exists = (path: string) => ["test", "-e", checkValue(_("path"), path)];
export const removeFile = (path: string) => ["rm", "-f", "--", checkValue(_("path"), path)];
/** Renames the verified copy into place; without `overwrite`, an existing file is never replaced. */
export const moveIntoPlace = (from: string, to: string, overwrite: boolean) => [
    "mv",
    overwrite ? "-f" : "-n",
    "--",
    from,
    to,
];

export function mountNfs(server: string, exportPath: string, mountPoint: string, options: string): string[] {
    return [
        "mount",
        "-t",
        "nfs",
        "-o",
        checkValue(_("mount options"), options),
        "--",
        nfsSource(server, exportPath),
        checkValue(_("mount point"), mountPoint),
    ];
}
/** Mounts what /etc/fstab lists for the mount point. */
export const mountFromFstab = (mountPoint: string) => ["mount", "--", checkValue(_("mount point"), mountPoint)];
export const umount = (mountPoint: string) => ["umount", "--", checkValue(_("mount point"), mountPoint)];
/** Prints "SOURCE FSTYPE" of what is mounted exactly at the mount point; exit 1 when nothing is. */
export const findmnt = (mountPoint: string) => [
    "findmnt",
    "-n",
    "-o",
    "SOURCE,FSTYPE",
    "--mountpoint",
    checkValue(_("mount point"), mountPoint),
];

// libvirt netfs storage pool: libvirt mounts the export itself when the pool starts.
export function poolDefineNetfs(
    uri: string,
    pool: string,
    server: string,
    exportPath: string,
    target: string,
): string[] {
    return virsh(
        uri,
        "pool-define-as",
        "--name",
        checkValue(_("pool name"), pool),
        "--type",
        "netfs",
        "--source-host",
        checkValue(_("NFS server"), server),
        "--source-path",
        checkValue(_("export"), exportPath),
        "--source-format",
        "nfs",
        "--target",
        checkValue(_("mount point"), target),
    );
}
/** Creates the pool's target directory (netfs: the mount point). */
export const poolBuild = (uri: string, pool: string) =>
    virsh(uri, "pool-build", "--pool", checkValue(_("pool name"), pool));
export const poolStart = (uri: string, pool: string) =>
    virsh(uri, "pool-start", "--pool", checkValue(_("pool name"), pool));
export const poolAutostart = (uri: string, pool: string) =>
    virsh(uri, "pool-autostart", "--pool", checkValue(_("pool name"), pool));
export const poolInfo = (uri: string, pool: string) =>
    virsh(uri, "pool-info", "--pool", checkValue(_("pool name"), pool));
export const poolDestroy = (uri: string, pool: string) =>
    virsh(uri, "pool-destroy", "--pool", checkValue(_("pool name"), pool));
export const poolUndefine = (uri: string, pool: string) =>
    virsh(uri, "pool-undefine", "--pool", checkValue(_("pool name"), pool));
export const domstate = (uri: string, domain: DomainUuid) => virsh(uri, "domstate", "--domain", domainArg(domain));
export const domStart = (uri: string, domain: DomainUuid) => virsh(uri, "start", "--domain", domainArg(domain));
export const defineStdin = (uri: string) => virsh(uri, "define", "--file", "/dev/stdin");

/** What a host has for NFS: programs, kernel support, running servers, as "word value" lines. */
const PROBE = [
    "for b in exportfs rpc.nfsd rpc.mountd mount.nfs ganesha.nfsd nfs-ls; do",
    '  p=$(command -v "$b" 2>/dev/null) || p=; for d in /usr/sbin /sbin /usr/bin; do [ -z "$p" ] && [ -x "$d/$b" ] && p=$d/$b; done',
    '  [ -n "$p" ] && echo "bin $b"; done',
    'for f in nfsd nfs nfs4; do grep -qw "$f" /proc/filesystems 2>/dev/null && echo "fs $f"; done',
    'm=/lib/modules/$(uname -r); for k in nfsd nfs; do grep -qsE "(^|/)$k\\.ko" "$m/modules.dep" "$m/modules.builtin" && echo "module $k"; done',
    '[ -r /proc/fs/nfsd/threads ] && echo "nfsd-threads $(cat /proc/fs/nfsd/threads)"',
    'for p in rpc.mountd ganesha.nfsd rpcbind; do pidof "$p" >/dev/null 2>&1 && echo "running $p"; done',
    "true",
].join("\n");
export const nfsProbe = () => ["sh", "-c", PROBE, "nfs-probe"];

/** Free bytes on the file system that holds `dir`, or its nearest existing parent (it may not exist yet). */
const DF = 'd=$1; while [ ! -e "$d" ]; do d=$(dirname -- "$d"); done; df -P -B1 -- "$d" | tail -n 1';
export const freeSpace = (dir: string) => ["sh", "-c", DF, "df", checkValue(_("directory"), dir)];
