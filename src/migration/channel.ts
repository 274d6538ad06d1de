/**
 * The channel that carries a VM's memory and disks, and whether it is encrypted: QEMU's own TCP
 * connection to the destination's migration ports (plain, or native TLS with `--tls`), or a tunnel
 * through libvirtd's connection to the destination (`--p2p --tunnelled`), which is as encrypted as
 * that connection's transport (SSH, TLS; a qemu+tcp connection is not).
 *
 * The refusals are libvirt's own, each seen from virsh 9.0 on the lab (B → C, qemu+tcp):
 * - tunnelled without --p2p: "cannot perform tunnelled migration without using peer2peer flag"
 *   (virDomainMigrate*, libvirt-domain.c);
 * - with --parallel: "Flags 'VIR_MIGRATE_TUNNELLED' and 'VIR_MIGRATE_PARALLEL' are mutually exclusive";
 * - with --postcopy: "post-copy is not supported with tunnelled migration" (qemuMigrationSrcBeginPhase);
 * - offline: "tunnelled offline migration does not make sense" (the same function);
 * - with --migrateuri / --listen-address: "migration URI is not supported by tunnelled migration",
 *   "listen address is not supported by tunnelled migration" (the tunnel opens no connection of its own);
 * - with --copy-storage-*: upstream refuses it with a QEMU that has blockdev (every QEMU ≥ 4.2:
 *   "migration of non-shared storage is not supported with tunnelled migration and this QEMU");
 *   libvirt 9.0 here fails instead with "argument key 'host' must not have null value".
 * One is ours: --tls with tunnelled. libvirt 9.0 then sets up QEMU's TLS credentials for a stream
 * that never leaves libvirtd's connection; the two are alternative ways to encrypt the data, and the
 * dialog offers one or the other.
 */
import { parseLibvirtUri } from "../hosts/uri";
import type { MigrationOptions } from "./options";
import { _, format } from "../../pkg/lib/gettext";

export type ChannelErrors = Partial<Record<"tunnelled" | "p2p", string>>;

/** The combinations with --tunnelled (and --p2p) that libvirt refuses, with the reason. */
export function channelErrors(o: MigrationOptions): ChannelErrors {
    const e: ChannelErrors = {};
    if (!o.tunnelled) return e;
    const no = (why: string) => (e.tunnelled ??= why);
    if (!o.p2p) no(_("Tunnelled needs peer-to-peer (--p2p)"));
    if (o.mode === "offline") no(_("Offline moves no memory to tunnel"));
    if (o.parallelConnections !== undefined) no(_("A tunnel is one stream: no parallel connections"));
    if (o.postcopy) no(_("libvirt has no post-copy through a tunnel"));
    if (o.storage !== "shared") no(_("libvirt cannot copy disks through a tunnel"));
    if (o.tls) no(_("TLS or the tunnel, not both"));
    if (o.migrateUri || o.listenAddress) no(_("A tunnel takes no migration address"));
    return e;
}

/**
 * With --p2p the source's libvirtd opens the destination URI itself: a URI without a host
 * (qemu:///system) names the source's own libvirtd there, and libvirt refuses "Attempt to migrate
 * guest to the same host". Null when the route is fine.
 */
export function p2pRouteError(o: MigrationOptions, sourceUri: string, destinationUri: string): string | null {
    if (!o.p2p && !o.tunnelled) return null;
    if (parseLibvirtUri(sourceUri)?.host && !parseLibvirtUri(destinationUri)?.host)
        return _("Peer-to-peer: the source opens this URI itself, where it names the source; choose one with a host");
    return null;
}

export interface ChannelDescription {
    /** "Plain TCP on ports 49152–49215" */
    title: string;
    encrypted: boolean;
}

/** How the memory (and copied disks) travel with these options, in plain words. */
export function describeChannel(o: MigrationOptions, destinationUri: string): ChannelDescription {
    if (o.mode === "offline")
        return { title: _("Only the definition moves, over libvirt's connection"), encrypted: false };
    if (o.tunnelled) {
        const t = parseLibvirtUri(destinationUri)?.transport ?? "unix";
        return { title: format(_("In libvirtd's $0 connection, no migration ports"), t), encrypted: /ssh|tls/.test(t) };
    }
    if (o.tls) return { title: _("TLS to ports 49152–49215 (certificates in /etc/pki/qemu)"), encrypted: true };
    // a qemu+ssh connection carries only libvirt's control messages, not this data
    return { title: _("Plain TCP to ports 49152–49215, whatever the URI's transport"), encrypted: false };
}
