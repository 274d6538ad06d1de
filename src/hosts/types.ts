/** Hosts in libvirt's vocabulary: a host is reached through a connection URI. */
import type { RunTarget } from "../../pkg/lib/runner";

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

/**
 * A host as every layer speaks of it: its id (the known host's, or LOCAL_HOST_ID), what the UI shows,
 * and the libvirt connection URI; the rest is there when a use needs it. The per-use shapes
 * (history endpoints, NFS and CPU hosts, plan hosts, the page's host choice) are Picks of it.
 */
export interface Host {
    id: string;
    /** What the UI shows. */
    label: string;
    /** The libvirt connection URI. */
    uri: string;
    /** Host name or IP address (for NFS clients and servers, SSH). */
    address?: string;
    /** Where its commands run; null for a host that cannot be reached by command. */
    target?: RunTarget | null;
    /** The known host's migration address (--migrateuri). */
    migrationAddress?: string | undefined;
    /** The entry in the known-hosts list; null for this host. */
    known?: KnownHost | null;
    driver?: Driver;
}

export interface HostsConfig {
    version: 1;
    hosts: KnownHost[];
    /** What hosts.json holds that this version does not understand: written back unchanged. */
    unread?: { fields: Record<string, unknown>; hosts: unknown[] };
}
