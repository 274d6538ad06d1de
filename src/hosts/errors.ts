/** Why a host's libvirt could not be reached, and what to do about it. */
import { _, format } from "../../pkg/lib/gettext";
import type { Explained } from "../../pkg/lib/explained";
import { SSH_FAILURE, type RunErrorCause } from "../../pkg/lib/runner";

export type ConnectionProblem =
    | "libvirtd-down"
    | "host-key-unknown"
    | "host-key-changed"
    | "ssh-auth"
    | "refused"
    | "unknown-host"
    | "no-virsh"
    | "access-denied"
    | "other";

export interface ConnectionError extends Explained {
    problem: ConnectionProblem;
    /** libvirt's or ssh's own message. */
    message: string;
}

/** `cause`: the RunError's typed cause when there is one (the message is then the command's output). */
export function explainConnectionError(host: string, message: string, cause?: RunErrorCause): ConnectionError {
    const m = message;
    const e = (problem: ConnectionProblem, title: string, fix: string): ConnectionError => ({
        problem,
        title,
        fix,
        message: m,
    });
    const noVirsh = () =>
        e(
            "no-virsh",
            _("virsh is not installed"),
            _("Install libvirt-clients (Debian/Ubuntu) or libvirt-client (Fedora/RHEL)."),
        );
    // the program itself is missing: whatever it printed, nothing else explains it
    if (cause === "not-found") return noVirsh();
    if (SSH_FAILURE.hostKeyChanged.test(m))
        return e(
            "host-key-changed",
            format(_("The SSH host key of $0 has changed"), host),
            format(
                _(
                    'If $0 was reinstalled, remove its old key with "ssh-keygen -R $1" and verify the new one; otherwise someone may be intercepting the connection.',
                ),
                host,
                host,
            ),
        );
    if (SSH_FAILURE.hostKeyUnknown.test(m))
        return e(
            "host-key-unknown",
            format(_("The SSH host key of $0 is not trusted yet"), host),
            format(
                _('Verify the host key fingerprint and trust it, or connect once with "ssh root@$0" from a terminal.'),
                host,
            ),
        );
    if (SSH_FAILURE.auth.test(m) || /authentication failed/i.test(m))
        return e(
            "ssh-auth",
            format(_("SSH login to $0 was refused"), host),
            format(
                _(
                    "Install this host's public key on $0 (ssh-copy-id root@$1); migration connects as root without a password.",
                ),
                host,
                host,
            ),
        );
    if (
        /Could not resolve hostname|Name or service not known|Temporary failure in name resolution|unable to resolve/i.test(
            m,
        )
    )
        return e(
            "unknown-host",
            format(_("$0 cannot be found"), host),
            _("Check the host name, or add it to /etc/hosts."),
        );
    if (
        /Failed to connect socket to '[^']*(?:libvirt|virtqemud)-sock[^']*'|libvirt-sock.*No such file or directory/i.test(
            m,
        ) ||
        /libvirtd.*not running/i.test(m)
    )
        return e(
            "libvirtd-down",
            format(_("libvirtd is not running on $0"), host),
            format(
                _('Start it on $0: "systemctl start libvirtd" (or "libvirtd -d" where no service manager runs).'),
                host,
            ),
        );
    if (/Connection refused|unable to connect to server/i.test(m))
        return e(
            "refused",
            format(_("$0 refused the connection"), host),
            _(
                "Check that libvirtd listens for the chosen transport (SSH 22, TLS 16514, TCP 16509) and that no firewall blocks it.",
            ),
        );
    // our own RunError summaries are translated: they are recognised by their cause, never by their text
    if (/not-found/i.test(m)) return noVirsh();
    if (cause === "access-denied" || /authentication unavailable|access denied|Permission denied/i.test(m))
        return e(
            "access-denied",
            _("Administrative access is required"),
            _("Turn on administrative access in Cockpit's top bar."),
        );
    return e(
        "other",
        format(_("Cannot read the virtual machines of $0"), host),
        _("See the message from libvirt below."),
    );
}
