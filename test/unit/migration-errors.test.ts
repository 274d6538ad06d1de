import { describe, expect, it } from "vitest";
import { explainMigrationError, libvirtMessage } from "../../src/migration/errors";

/** Messages as virsh printed them on the lab (libvirt 9.0, QEMU 7.2, OpenSSH 9.2), and from libvirt's sources. */
describe("explainMigrationError", () => {
    it.each([
        ["error: operation aborted: migration out: canceled by client", "cancelled"],
        ["error: operation aborted: job 'migration out' canceled by client", "cancelled"],
        ["error: Cannot recv data: Host key verification failed.: Connection reset by peer", "host-key"],
        [
            "error: Cannot recv data: ghost@127.0.0.2: Permission denied (publickey).: Connection reset by peer",
            "ssh-auth",
        ],
        [
            "error: internal error: Attempt to migrate guest to the same host 18d4c149-c4ad-47cd-886c-b89ee699b6ad",
            "same-host",
        ],
        [
            "error: internal error: hostname on destination resolved to localhost, but migration requires an FQDN",
            "hostname-localhost",
        ],
        [
            "error: Cannot recv data: ssh: Could not resolve hostname nowhere: Name or service not known: Connection reset by peer",
            "unknown-host",
        ],
        [
            "error: failed to connect to the hypervisor\nerror: unable to connect to server at '127.0.0.9:16509': Connection refused",
            "connection-refused",
        ],
        [
            "error: End of file while reading data: virt-ssh-helper: cannot connect to '/var/run/libvirt/libvirt-sock': Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory: Input/output error",
            "libvirtd-down",
        ],
        ["error: End of file while reading data: Input/output error", "connection-lost"],
        [
            "error: operation failed: job 'migration out' failed: Unable to write to socket: Bad file descriptor",
            "connection-lost",
        ],
        ["error: operation failed: guest CPU doesn't match specification: missing features: avx2", "cpu-incompatible"],
        [
            "error: the CPU is incompatible with host CPU: Host CPU does not provide required features: avx512f",
            "cpu-incompatible",
        ],
        [
            "error: Path '/var/lib/libvirt/images/x.qcow2' is not accessible: No such file or directory",
            "storage-missing",
        ],
        [
            "error: Cannot access storage file '/var/lib/libvirt/images/x.qcow2': No such file or directory",
            "storage-missing",
        ],
        ["error: operation failed: Postcopy is not supported: userfaultfd not available", "postcopy-unsupported"],
        ["error: Requested operation is not valid: domain is not running", "not-running"],
        [
            "error: argument unsupported: offline migration must be specified with the persistent flag set",
            "offline-needs-persistent",
        ],
        [
            "error: Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainMigratePerform3Params)",
            "busy",
        ],
        ["error: operation failed: domain 'x' already exists with uuid 1234", "already-exists"],
        ["error: failed to get domain 'x'", "domain-missing"],
        [
            "error: Unsafe migration: Migration may lead to data corruption if disks use cache other than none or directsync",
            "unsafe",
        ],
        ["error: something nobody has seen", "unknown"],
    ])("%s -> %s", (stderr, cause) => {
        const e = explainMigrationError(stderr);
        expect(e.cause).toBe(cause);
        expect(e.title.length).toBeGreaterThan(5);
        expect(e.fix.length).toBeGreaterThan(5);
    });
    it("keeps libvirt's message without the error: prefixes and the generic connect line", () => {
        expect(
            libvirtMessage(
                "error: failed to connect to the hypervisor\nerror: unable to connect to server at 'h:16509': Connection refused\n",
            ),
        ).toBe("unable to connect to server at 'h:16509': Connection refused");
    });
});
