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
    if (!o.p2p) no(_("Tunnelled migration needs peer-to-peer (--p2p): libvirt refuses it without"));
    if (o.mode === "offline") no(_("An offline migration moves no memory: there is nothing to tunnel"));
    if (o.parallelConnections !== undefined)
        no(_("Tunnelled migration has one stream, libvirtd's connection: parallel connections cannot be used with it"));
    if (o.postcopy) no(_("libvirt does not support post-copy with tunnelled migration"));
    if (o.storage !== "shared")
        no(_("libvirt cannot copy disks through the tunnel: use shared storage, or a direct channel to copy disks"));
    if (o.tls)
        no(
            _(
                "Tunnelled data is encrypted by libvirtd's connection; native TLS (--tls) is the other channel, not both",
            ),
        );
    if (o.migrateUri || o.listenAddress)
        no(
            _(
                "A tunnelled migration opens no connection of its own: libvirt refuses a migration address (--migrateuri, --listen-address) with it",
            ),
        );
    return e;
}

/**
 * With --p2p the source's libvirtd opens the destination URI itself: a URI without a host
 * (qemu:///system) names the source's own libvirtd there, and libvirt refuses "Attempt to migrate
 * guest to the same host". Null when the route is fine.
 */
export function p2pRouteError(o: MigrationOptions, sourceUri: string, destinationUri: string): string | null {
    if (!o.p2p && !o.tunnelled) return null;
    const src = parseLibvirtUri(sourceUri),
        dst = parseLibvirtUri(destinationUri);
    if (src?.host && !dst?.host)
        return format(
            _(
                "With peer-to-peer the source host connects to $0 itself, and there it names the source's own libvirt. Choose a destination URI with a host name (qemu+ssh://…).",
            ),
            destinationUri,
        );
    return null;
}

export interface ChannelDescription {
    /** "Plain TCP on ports 49152–49215" */
    title: string;
    encrypted: boolean;
    detail: string;
}

/** How the memory (and copied disks) travel with these options, in plain words. */
export function describeChannel(o: MigrationOptions, destinationUri: string): ChannelDescription {
    if (o.mode === "offline")
        return {
            title: _("Only the definition moves"),
            encrypted: false,
            detail: _(
                "An offline migration sends the VM's definition over libvirt's connection; no memory moves and no migration port is used.",
            ),
        };
    if (o.tunnelled) {
        const transport = parseLibvirtUri(destinationUri)?.transport ?? null;
        const encrypted =
            transport === "ssh" || transport === "libssh" || transport === "libssh2" || transport === "tls";
        return {
            title: _("Tunnelled through libvirtd's connection"),
            encrypted,
            detail: encrypted
                ? format(
                      _(
                          "The source's libvirtd sends the memory inside its own $0 connection to the destination: no migration ports, encrypted by $1.",
                      ),
                      transport!,
                      transport === "tls" ? "TLS" : "SSH",
                  )
                : format(
                      _(
                          "The source's libvirtd sends the memory inside its own connection to the destination: no migration ports, but this $0 connection is not encrypted.",
                      ),
                      transport ?? _("local"),
                  ),
        };
    }
    if (o.tls)
        return {
            title: _("Native TLS on ports 49152–49215"),
            encrypted: true,
            detail: _(
                "QEMU connects to the destination's migration port and encrypts the memory and copied disks with TLS (--tls); both hosts need QEMU's certificates in /etc/pki/qemu.",
            ),
        };
    return {
        title: _("Plain TCP on ports 49152–49215"),
        encrypted: false,
        detail: _(
            "QEMU sends the memory and copied disks unencrypted to the destination's migration ports. A qemu+ssh connection encrypts only libvirt's control messages, not this data.",
        ),
    };
}
