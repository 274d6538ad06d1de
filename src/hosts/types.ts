/** Hosts in libvirt's vocabulary: a host is reached through a connection URI. */

export type Transport = "ssh" | "tls" | "tcp";
export type Driver = "system" | "session";

/** A host the admin added. Stored without secrets: keys and certificates stay in ~/.ssh and /etc/pki. */
export interface KnownHost {
    /** Stable identifier used in deep links. */
    id: string;
    /** Host name or IP address. */
    address: string;
    /** SSH user, for the ssh transport and for commands run on the host. */
    sshUser: string;
    sshPort?: number;
    transport: Transport;
    /** libvirtd port for tls/tcp when not the default (16514/16509). */
    libvirtPort?: number;
    /**
     * Address the host's QEMU listens on for incoming migrations (`--migrateuri tcp://ADDR
     * --listen-address ADDR`). Needed where the host's name resolves to a loopback or wrong address.
     */
    migrationAddress?: string;
    /**
     * Fields of hosts.json this version does not take (unknown, or a value it cannot read): written back as they were.
     */
    kept?: Record<string, unknown>;
}

/** This host: always present, not stored. */
export const LOCAL_HOST_ID = "localhost";

export interface HostRef {
    id: string;
    /** What the UI shows. */
    label: string;
    local: boolean;
    known?: KnownHost;
}

export interface HostsConfig {
    version: 1;
    hosts: KnownHost[];
    /** What hosts.json holds that this version does not understand: written back unchanged. */
    unread?: { fields: Record<string, unknown>; hosts: unknown[] };
}
