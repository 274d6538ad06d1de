/** Why an NFS step failed, in words, with what to do: from the command's own message. */
import { _, format } from "../../pkg/lib/gettext";
import type { Explained } from "../../pkg/lib/explained";
import { errorText } from "../../pkg/lib/error-text";
import { isRunError } from "../../pkg/lib/runner";

export const rawMessage = (e: unknown): string => errorText(e, { stderr: true, trim: true });

export function explainExportfs(host: string, e: unknown): Explained {
    const msg = rawMessage(e);
    if (isRunError(e) && e.cause === "not-found")
        return {
            title: format(_("exportfs is not installed on $0: there is no NFS server there"), host),
            fix: _("Install nfs-kernel-server (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)"),
        };
    const kw = /unknown keyword "([^"]*)"/.exec(msg);
    if (kw)
        return {
            title: format(_('exportfs on $0 rejected the export option "$1"'), host, kw[1]),
            fix: _("Correct the export options (see exports(5)) and run the step again"),
        };
    const stat = /Failed to stat (.*?): (.*)/.exec(msg);
    if (stat)
        return {
            title: format(_("exportfs on $0 cannot use $1: $2"), host, stat[1], stat[2]),
            fix: _("Run the “Create directory” step first, or correct the export directory"),
        };
    if (/Function not implemented|nfsd|could not open \/proc\/fs\/nfs/i.test(msg))
        return {
            title: format(_("The kernel of $0 has no NFS server: $1"), host, msg),
            fix: _("Use a storage host whose kernel has NFS server support"),
        };
    return {
        title: format(_("exportfs on $0 failed: $1"), host, msg),
        fix: _("Read exportfs's message above, correct /etc/exports' entry or the inputs, and run the step again"),
    };
}

export function explainMount(host: string, e: unknown): Explained {
    const msg = rawMessage(e);
    if (isRunError(e) && e.cause === "not-found")
        return {
            title: format(_("mount is not available on $0"), host),
            fix: _("Install util-linux and nfs-common / nfs-utils"),
        };
    if (/No such device|unknown filesystem type '?nfs/i.test(msg))
        return {
            title: format(_("The kernel of $0 cannot mount NFS ($1)"), host, msg.split("\n").pop()),
            fix: _("Load the nfs module (modprobe nfs) or use a kernel with NFS client support"),
        };
    if (/bad option|helper program|mount\.nfs.*not found|wrong fs type/i.test(msg))
        return {
            title: format(_("$0 has no NFS mount helper (mount.nfs): $1"), host, msg),
            fix: _("Install nfs-common (Debian/Ubuntu) or nfs-utils (Fedora/RHEL)"),
        };
    if (/access denied by server/i.test(msg))
        return {
            title: format(_("The storage host refused $0: it is not in the export's client list ($1)"), host, msg),
            fix: _("Check the client address in the export entry and run the export step again"),
        };
    // our runner giving up says so in its own (translated) words: its cause, not its text
    const gaveUp = isRunError(e) && e.cause === "timeout" && !e.stderr;
    if (gaveUp || /Connection refused|timed out|No route to host|Network is unreachable/i.test(msg))
        return {
            title: format(_("$0 could not reach the NFS server: $1"), host, msg),
            fix: _("Check that the NFS server runs and that port 2049 is open between the hosts"),
        };
    if (/already mounted|busy/i.test(msg))
        return {
            title: format(_("The mount point on $0 is busy: $1"), host, msg),
            fix: _("Stop what uses it, or choose another mount point"),
        };
    return {
        title: format(_("Mounting on $0 failed: $1"), host, msg),
        fix: _("Read the message above, fix the cause and run the step again"),
    };
}

export function explainConflict(path: string, host: string): Explained {
    return {
        title: format(
            _("$0 on $1 was changed by someone else while the flow was editing it; nothing was written"),
            path,
            host,
        ),
        fix: _("Run the step again: it re-reads the file and changes only its own line"),
    };
}
