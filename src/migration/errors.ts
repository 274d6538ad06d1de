import type { Explained } from "../../pkg/lib/explained";
import { _ } from "../../pkg/lib/gettext";
import { SSH_FAILURE } from "../../pkg/lib/runner";
/** libvirt's migration failures in words an admin can act on. */

export type MigrationFailureCause =
    | "cancelled"
    | "host-key"
    | "ssh-auth"
    | "same-host"
    | "hostname-localhost"
    | "unknown-host"
    | "connection-refused"
    | "libvirtd-down"
    | "connection-lost"
    | "cpu-incompatible"
    | "storage-missing"
    | "storage-precreate"
    | "postcopy-unsupported"
    | "not-running"
    | "offline-needs-persistent"
    | "busy"
    | "already-exists"
    | "domain-missing"
    | "unsafe"
    | "timeout"
    | "unknown";

export interface MigrationFailure extends Explained {
    cause: MigrationFailureCause;
    /** virsh's own message. */
    message: string;
}

interface Rule {
    cause: MigrationFailureCause;
    test: RegExp;
    title: string;
    fix: string;
}

/** One case-insensitive pattern matching any of these. */
const anyOf = (...patterns: RegExp[]) => new RegExp(patterns.map((p) => p.source).join("|"), "i");

const RULES: Rule[] = [
    {
        cause: "cancelled",
        test: /operation aborted: .*cancel+ed by client|migration job: canceled by client|job .* canceled/i,
        title: _("The migration was cancelled"),
        fix: _("Nothing to do: the VM keeps running on the source."),
    },
    {
        cause: "host-key",
        test: anyOf(SSH_FAILURE.hostKeyUnknown, SSH_FAILURE.hostKeyChanged),
        title: _("The destination's SSH host key is not trusted"),
        fix: _(
            "Trust the destination's host key as root on this host (add it under Known hosts and verify its fingerprint, or run 'ssh root@DEST' once in a terminal).",
        ),
    },
    {
        cause: "ssh-auth",
        test: anyOf(SSH_FAILURE.auth, /authentication failed/i),
        title: _("SSH login to the destination was refused"),
        fix: _(
            "Install root's public key of this host on the destination (ssh-copy-id root@DEST): migration logs in as root without a password.",
        ),
    },
    {
        cause: "same-host",
        test: /Attempt to migrate guest to the same host/i,
        title: _("Source and destination report the same host UUID"),
        fix: _(
            "Give each host a unique host_uuid in /etc/libvirt/libvirtd.conf (or fix duplicate SMBIOS/machine-id from cloned installs) and restart libvirtd.",
        ),
    },
    {
        cause: "hostname-localhost",
        test: /resolved to localhost|hostname on destination resolved/i,
        title: _("The destination's host name resolves to localhost"),
        fix: _(
            "Give the destination a resolvable FQDN, or set its migration address (Known hosts → Migration address) to pass --migrateuri.",
        ),
    },
    {
        cause: "unknown-host",
        test: /Could not resolve hostname|Name or service not known|unable to resolve|Temporary failure in name resolution|No address associated with hostname/i,
        title: _("The destination host cannot be found"),
        fix: _("Check the host name, or use its IP address or an /etc/hosts entry."),
    },
    {
        cause: "libvirtd-down",
        test: /Failed to connect socket to '[^']*(libvirt|virtqemud)-sock'|virt-ssh-helper|libvirtd.*not running/i,
        title: _("libvirtd is not running on the destination"),
        fix: _("Start it on the destination: 'systemctl start libvirtd' (or the modular virtqemud)."),
    },
    {
        cause: "connection-refused",
        test: /Connection refused|unable to connect to server|No route to host|Network is unreachable/i,
        title: _("The destination refused the connection"),
        fix: _(
            "Check that the destination accepts the transport (SSH 22, TLS 16514, TCP 16509) and that its firewall allows QEMU's migration ports 49152–49215.",
        ),
    },
    {
        cause: "connection-lost",
        test: /Connection reset by peer|End of file while reading data|Connection timed out|Broken pipe|Unable to (write to|read from) socket|Bad file descriptor/i,
        title: _("The connection to the destination was lost"),
        fix: _(
            "Check that libvirtd and QEMU still run on the destination and that the network between the hosts is up; the check below says where the VM is now.",
        ),
    },
    {
        cause: "cpu-incompatible",
        test: /CPU is incompatible|guest CPU doesn't match|does not provide required features|unsupported configuration: .*CPU/i,
        title: _("The destination's CPU cannot run this VM's CPU model"),
        fix: _(
            "Use a CPU model both hosts support (the CPU baseline of both hosts), then restart the VM before migrating.",
        ),
    },
    {
        cause: "storage-precreate",
        test: /precreate|unable to find storage pool|No storage pool with matching target path/i,
        title: _("The destination cannot create the copied disks"),
        fix: _(
            "Define a storage pool on the destination for the disks' directory, or create the images there with the same size.",
        ),
    },
    {
        cause: "storage-missing",
        test: /Cannot access storage file|No such file or directory|Could not open '/i,
        title: _("A disk image is missing on the destination"),
        fix: _("Share the storage with the destination (NFS at the same path) or choose 'Copy all disks'."),
    },
    {
        cause: "postcopy-unsupported",
        test: /Postcopy is not supported|userfaultfd|post-copy .*not supported/i,
        title: _("Post-copy is not available"),
        fix: _(
            "Set 'sysctl vm.unprivileged_userfaultfd=1' on the destination (QEMU needs userfaultfd), or migrate without post-copy.",
        ),
    },
    {
        cause: "not-running",
        test: /domain is not running|Requested operation is not valid: domain is not running/i,
        title: _("The VM is not running"),
        fix: _("Start it for a live migration, or use offline migration for a shut-off VM."),
    },
    {
        cause: "offline-needs-persistent",
        test: /offline migration must be specified with the persistent flag/i,
        title: _("Offline migration needs a permanent migration"),
        fix: _("Choose 'Permanent'."),
    },
    {
        cause: "busy",
        test: /cannot acquire state change lock|another migration job|already active|domain has active block job/i,
        title: _("The VM is busy with another job"),
        fix: _("Wait for the running job (another migration, a snapshot, a backup) to end, or cancel it."),
    },
    {
        cause: "already-exists",
        test: /already exists with uuid|is already defined with uuid|already exists/i,
        title: _("A VM with this name or UUID already exists on the destination"),
        fix: _("Remove or rename the VM on the destination, or migrate under another name."),
    },
    {
        cause: "domain-missing",
        test: /Domain not found|failed to get domain/i,
        title: _("The VM no longer exists on the source"),
        fix: _("Reload the list: it may have been migrated or removed meanwhile."),
    },
    {
        cause: "unsafe",
        test: /Unsafe migration/i,
        title: _("libvirt considers this migration unsafe"),
        fix: _("Use cache='none' for shared disks, or shared storage that guarantees coherence."),
    },
    {
        cause: "timeout",
        test: /timed out|timeout/i,
        title: _("The migration timed out"),
        fix: _("Check the network between the hosts; allow post-copy or auto-converge for busy VMs."),
    },
];

/** The first line of virsh's error, without its "error: " prefixes. */
export function libvirtMessage(stderr: string): string {
    const lines = stderr
        .split("\n")
        .map((l) => l.replace(/^error:\s*/, "").trim())
        .filter(Boolean);
    return (
        lines
            .filter((l) => !/^(failed to connect to the hypervisor|Disconnected from .* due to)/i.test(l))
            .join("\n") || lines.join("\n")
    );
}

export function explainMigrationError(stderr: string): MigrationFailure {
    const message = libvirtMessage(stderr);
    const rule = RULES.find((r) => r.test.test(stderr));
    if (!rule)
        return {
            cause: "unknown",
            title: _("The migration failed"),
            fix: _("See libvirt's message below; the VM's location is shown after the check of both hosts."),
            message,
        };
    return { cause: rule.cause, title: rule.title, fix: rule.fix, message };
}
