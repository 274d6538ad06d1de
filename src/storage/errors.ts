/** Why an NFS step failed, in words, with what to do: from the command's own message. */
import type { Explained } from "../../pkg/lib/explained";
import { errorText } from "../../pkg/lib/error-text";
import { isRunError } from "../../pkg/lib/runner";

export const rawMessage = (e: unknown): string => errorText(e, { stderr: true, trim: true });

export function explainExportfs(host: string, e: unknown): Explained {
    const msg = rawMessage(e);
    if (isRunError(e) && e.cause === "not-found")
        return {
            title: `exportfs is not installed on ${host}: there is no NFS server there`,
            fix: "Install nfs-kernel-server (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)",
        };
    const kw = /unknown keyword "([^"]*)"/.exec(msg);
    if (kw)
        return {
            title: `exportfs on ${host} rejected the export option "${kw[1]}"`,
            fix: "Correct the export options (see exports(5)) and run the step again",
        };
    const stat = /Failed to stat (.*?): (.*)/.exec(msg);
    if (stat)
        return {
            title: `exportfs on ${host} cannot use ${stat[1]}: ${stat[2]}`,
            fix: "Run the “Create directory” step first, or correct the export directory",
        };
    if (/Function not implemented|nfsd|could not open \/proc\/fs\/nfs/i.test(msg))
        return {
            title: `The kernel of ${host} has no NFS server: ${msg}`,
            fix: "Use a storage host whose kernel has NFS server support",
        };
    return {
        title: `exportfs on ${host} failed: ${msg}`,
        fix: "Read exportfs's message above, correct /etc/exports' entry or the inputs, and run the step again",
    };
}

export function explainMount(host: string, e: unknown): Explained {
    const msg = rawMessage(e);
    if (isRunError(e) && e.cause === "not-found")
        return { title: `mount is not available on ${host}`, fix: "Install util-linux and nfs-common / nfs-utils" };
    if (/No such device|unknown filesystem type '?nfs/i.test(msg))
        return {
            title: `The kernel of ${host} cannot mount NFS (${msg.split("\n").pop()})`,
            fix: "Load the nfs module (modprobe nfs) or use a kernel with NFS client support",
        };
    if (/bad option|helper program|mount\.nfs.*not found|wrong fs type/i.test(msg))
        return {
            title: `${host} has no NFS mount helper (mount.nfs): ${msg}`,
            fix: "Install nfs-common (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)",
        };
    if (/access denied by server/i.test(msg))
        return {
            title: `The storage host refused ${host}: it is not in the export's client list (${msg})`,
            fix: "Check the client address in the export entry and run the export step again",
        };
    if (/Connection refused|timed out|No route to host|Network is unreachable/i.test(msg))
        return {
            title: `${host} could not reach the NFS server: ${msg}`,
            fix: "Check that the NFS server runs and that port 2049 is open between the hosts",
        };
    if (/already mounted|busy/i.test(msg))
        return {
            title: `The mount point on ${host} is busy: ${msg}`,
            fix: "Stop what uses it, or choose another mount point",
        };
    return {
        title: `Mounting on ${host} failed: ${msg}`,
        fix: "Read the message above, fix the cause and run the step again",
    };
}

export function explainConflict(path: string, host: string): Explained {
    return {
        title: `${path} on ${host} was changed by someone else while the flow was editing it; nothing was written`,
        fix: "Run the step again: it re-reads the file and changes only its own line",
    };
}
