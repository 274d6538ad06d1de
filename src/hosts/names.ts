/**
 * One machine, one name. This machine is reached as `qemu:///system`, and often also as a known host
 * (`qemu+ssh://root@127.0.0.1/system`) when the admin lists every host of the fleet; both are the same
 * machine (same host UUID and host name, src/hosts/machine.ts), so both are named "This host", and a
 * list that offers machines (a destination list, a plan) offers it once. Every other host is named by
 * its address, as the admin wrote it.
 */
import { _, format } from "../../pkg/lib/gettext";
import type { Destination } from "./destination";
import { sameMachine } from "./machine";
import { LOCAL_HOST_ID, type Host, type KnownHost } from "./types";
import { hostUri, localUri, parseLibvirtUri } from "./uri";

/** The machine behind each connection URI, as machineOf() read it ("UUID NAME"); absent or null: not known. */
export type Identities = Readonly<Record<string, string | null | undefined>>;

/** What naming a host needs: its connection, and its known-host entry when it has one. */
export type Nameable = Pick<Host, "uri"> & Partial<Pick<Host, "id" | "label" | "known" | "driver">>;

const LOCAL = localUri("system");

/** Whether a host is this machine: this host's own connection, or a connection whose machine is this machine's. */
export function isThisMachine(host: Nameable, identities: Identities): boolean {
    if (host.id === LOCAL_HOST_ID || host.uri === LOCAL || host.uri === localUri("session")) return true;
    return sameMachine(identities[host.uri], identities[LOCAL]);
}

/**
 * The one name of a host: "This host" for this machine however it is reached ("This host (user
 * session)" for its user session, another libvirt connection with its own VMs); otherwise the known
 * host's address, or the label it has, or the host named in its URI.
 */
export function displayName(host: Nameable, identities: Identities): string {
    if (host.driver === "session" || host.uri === localUri("session")) return _("This host (user session)");
    if (isThisMachine(host, identities)) return _("This host");
    return host.known?.address ?? host.label ?? parseLibvirtUri(host.uri)?.host ?? host.uri;
}

/** Hosts that are one machine: `hosts` in their order, `name` the machine's one name. */
export interface MachineGroup<T> {
    name: string;
    /** The host that speaks for the machine: this host's own connection when it is in the group, else the first. */
    primary: T;
    hosts: T[];
}

/**
 * The hosts grouped by machine, in the order each machine first appears. A host whose machine is not
 * known (not read yet, or unreachable) is a group of its own: it is never merged by guess. The user
 * session is a connection of its own (other VMs, unless it runs as root) and stays apart.
 */
export function groupByMachine<T extends Nameable>(hosts: readonly T[], identities: Identities): MachineGroup<T>[] {
    const groups: MachineGroup<T>[] = [];
    const key = (h: T): string | null =>
        h.driver === "session" || h.uri === localUri("session")
            ? null
            : isThisMachine(h, identities)
              ? `local\n${identities[LOCAL] ?? ""}`
              : (identities[h.uri] ?? null);
    const keys: (string | null)[] = [];
    for (const h of hosts) {
        const k = key(h);
        const i = k === null ? -1 : keys.indexOf(k);
        if (i < 0) {
            keys.push(k);
            groups.push({ name: displayName(h, identities), primary: h, hosts: [h] });
        } else {
            const g = groups[i]!;
            g.hosts.push(h);
            if (h.id === LOCAL_HOST_ID || h.uri === LOCAL) g.primary = h;
        }
    }
    return groups;
}

/** A destination a list offers: which machine (its one name), how it is reached, and what the admin should know. */
export interface DestinationChoice extends Destination {
    /** The option's value: the known host's id, or LOCAL_HOST_ID for this host by its own connection. */
    id: string;
    /** Said under the list when it is chosen. */
    help?: string;
}

/**
 * The destinations for a VM on `sourceUri`: one per machine other than the source's, this host first
 * when the source is another machine. This host is reached as the known host that is this machine when
 * there is one (its address and migration address are how the other hosts reach it); otherwise by its
 * own connection: the migration is driven from here (virsh opens both connections, not peer to peer),
 * and the source's QEMU sends the data to the address this host's libvirt announces (its host name, or
 * qemu.conf's migration_host), which the help text says.
 */
export function destinationChoices(
    sourceUri: string,
    known: readonly KnownHost[],
    identities: Identities,
): DestinationChoice[] {
    const source: Nameable = { uri: sourceUri };
    const candidates: (Nameable & { id: string })[] = [
        { id: LOCAL_HOST_ID, uri: LOCAL, known: null },
        ...known.map((k) => ({ id: k.id, uri: hostUri(k), known: k })),
    ];
    const sourceLocal = isThisMachine(source, identities);
    const out: DestinationChoice[] = [];
    for (const g of groupByMachine(candidates, identities)) {
        const local = g.hosts.some((h) => h.id === LOCAL_HOST_ID);
        const isSource = (h: Nameable) => h.uri === sourceUri || sameMachine(identities[h.uri], identities[sourceUri]);
        if (local ? sourceLocal : g.hosts.some(isSource)) continue;
        // this machine: a known entry of it says how the other hosts reach it
        const via = local ? (g.hosts.find((h) => h.known) ?? g.primary) : g.primary;
        const choice: DestinationChoice = { id: via.id, uri: via.uri, label: g.name, known: via.known ?? null };
        if (local)
            choice.help = !via.known
                ? _(
                      "The source sends the migration data to the address this host's libvirt announces (its host name, or migration_host in qemu.conf). If the source cannot reach this host by that name, add this host under Known hosts with a migration address.",
                  )
                : via.known.migrationAddress
                  ? format(
                        _("This host, reached as the known host $0; the migration data comes to $1"),
                        via.known.address,
                        via.known.migrationAddress,
                    )
                  : format(_("This host, reached as the known host $0"), via.known.address);
        out.push(choice);
    }
    return out;
}

const isSession = (h: Nameable) => h.driver === "session" || h.uri === localUri("session");

/**
 * Whether two hosts are one host for a list of what happened on it (a host's history: migrations in
 * and out, however either end was reached). The user session is only itself.
 */
export function sameHost(a: Nameable, b: Nameable, identities: Identities): boolean {
    if (a.uri === b.uri) return true;
    if (isSession(a) || isSession(b)) return false;
    const la = isThisMachine(a, identities),
        lb = isThisMachine(b, identities);
    if (la || lb) return la && lb;
    return sameMachine(identities[a.uri], identities[b.uri]);
}

/** The name of a recorded end of a migration: "This host" for this machine, else the label it was recorded with. */
export function endpointName(e: { hostId?: string; uri: string; label: string }, identities: Identities): string {
    const h: Nameable = { uri: e.uri, ...(e.hostId ? { id: e.hostId } : {}) };
    return isThisMachine(h, identities) ? displayName(h, identities) : e.label;
}
