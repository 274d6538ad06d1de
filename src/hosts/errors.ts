/** Why a host's libvirt could not be reached, and what to do about it. */
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
            `virsh is not installed`,
            `Install libvirt-clients (Debian/Ubuntu) or libvirt-client (Fedora/RHEL).`,
        );
    // the program itself is missing: whatever it printed, nothing else explains it
    if (cause === "not-found") return noVirsh();
    if (SSH_FAILURE.hostKeyChanged.test(m))
        return e(
            "host-key-changed",
            `The SSH host key of ${host} has changed`,
            `If ${host} was reinstalled, remove its old key with "ssh-keygen -R ${host}" and verify the new one; otherwise someone may be intercepting the connection.`,
        );
    if (SSH_FAILURE.hostKeyUnknown.test(m))
        return e(
            "host-key-unknown",
            `The SSH host key of ${host} is not trusted yet`,
            `Verify the host key fingerprint and trust it, or connect once with "ssh root@${host}" from a terminal.`,
        );
    if (SSH_FAILURE.auth.test(m) || /authentication failed/i.test(m))
        return e(
            "ssh-auth",
            `SSH login to ${host} was refused`,
            `Install this host's public key on ${host} (ssh-copy-id root@${host}); migration connects as root without a password.`,
        );
    if (
        /Could not resolve hostname|Name or service not known|Temporary failure in name resolution|unable to resolve/i.test(
            m,
        )
    )
        return e("unknown-host", `${host} cannot be found`, `Check the host name, or add it to /etc/hosts.`);
    if (
        /Failed to connect socket to '[^']*(?:libvirt|virtqemud)-sock[^']*'|libvirt-sock.*No such file or directory/i.test(
            m,
        ) ||
        /libvirtd.*not running/i.test(m)
    )
        return e(
            "libvirtd-down",
            `libvirtd is not running on ${host}`,
            `Start it on ${host}: "systemctl start libvirtd" (or "libvirtd -d" where no service manager runs).`,
        );
    if (/Connection refused|unable to connect to server/i.test(m))
        return e(
            "refused",
            `${host} refused the connection`,
            `Check that libvirtd listens for the chosen transport (SSH 22, TLS 16514, TCP 16509) and that no firewall blocks it.`,
        );
    if (/virsh is not installed|not-found/i.test(m)) return noVirsh();
    if (/Administrative access|authentication unavailable|access denied|Permission denied/i.test(m))
        return e(
            "access-denied",
            `Administrative access is required`,
            `Turn on administrative access in Cockpit's top bar.`,
        );
    return e("other", `Cannot read the virtual machines of ${host}`, `See the message from libvirt below.`);
}
