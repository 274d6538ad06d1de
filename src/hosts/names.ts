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

const isSession = (h: Nameable) => h.driver === "session" || h.uri === localUri("session");

/** Whether a host is this machine: this host's own connection, or a connection whose machine is this machine's. */
export function isThisMachine(host: Nameable, identities: Identities): boolean {
    return (
        host.id === LOCAL_HOST_ID ||
        host.uri === LOCAL ||
        isSession(host) ||
        sameMachine(identities[host.uri], identities[LOCAL])
    );
}

/**
 * The one name of a host: "This host" for this machine however it is reached ("This host (user
 * session)" for its user session, another libvirt connection with its own VMs); otherwise the known
 * host's address, or the label it has, or the host named in its URI.
 */
export function displayName(host: Nameable, identities: Identities): string {
    if (isSession(host)) return _("This host (user session)");
    if (isThisMachine(host, identities)) return _("This host");
    return host.known?.address ?? host.label ?? parseLibvirtUri(host.uri)?.host ?? host.uri;
}

/**
 * Which machine a host is, for grouping: null when not known (not read yet, or unreachable: never
 * merged by guess) and for the user session (a connection of its own, other VMs unless it runs as root).
 */
function machineKey(h: Nameable, identities: Identities): string | null {
    return isSession(h) ? null : isThisMachine(h, identities) ? LOCAL : (identities[h.uri] ?? null);
}

/** Hosts that are one machine: `hosts` in their order, `name` the machine's one name. */
export interface MachineGroup<T> {
    name: string;
    /** The host that speaks for the machine: this host's own connection when it is in the group, else the first. */
    primary: T;
    hosts: T[];
}

/** The hosts grouped by machine (machineKey), in the order each machine first appears; an unknown one alone. */
export function groupByMachine<T extends Nameable>(hosts: readonly T[], identities: Identities): MachineGroup<T>[] {
    const groups = new Map<unknown, MachineGroup<T>>();
    for (const h of hosts) {
        const k = machineKey(h, identities) ?? {};
        const g = groups.get(k);
        if (!g) groups.set(k, { name: displayName(h, identities), primary: h, hosts: [h] });
        else {
            g.hosts.push(h);
            if (h.id === LOCAL_HOST_ID || h.uri === LOCAL) g.primary = h;
        }
    }
    return [...groups.values()];
}

/**
 * One entry per machine, for a list that offers machines (the CPU baseline's hosts, the NFS flow's hosts, the
 * hosts a baseline's VMs are read from): each machine's primary (groupByMachine), named by the machine's one name.
 */
export function onePerMachine<T extends Nameable>(
    hosts: readonly T[],
    identities: Identities,
): (T & Pick<Host, "label">)[] {
    return groupByMachine(hosts, identities).map((g) => ({ ...g.primary, label: g.name }));
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
 *
 * A host whose machine is not read yet is not offered: it may be the source, or this machine (a known entry
 * of 127.0.0.1 is), and a destination once offered is what a command shown at once would name. Nothing is
 * offered before the source's machine and this machine's are read (any host could be either);
 * readingDestinations says whether some are still held back. An unreachable host (read as null) is offered.
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
    if (!endsRead(sourceUri, identities)) return out;
    for (const g of groupByMachine(candidates, identities)) {
        if (!g.hosts.every((h) => identities[h.uri] !== undefined || h.uri === LOCAL)) continue;
        const local = g.hosts.some((h) => h.id === LOCAL_HOST_ID);
        const isSource = (h: Nameable) => h.uri === sourceUri || sameMachine(identities[h.uri], identities[sourceUri]);
        if (local ? sourceLocal : g.hosts.some(isSource)) continue;
        // this machine: a known entry of it says how the other hosts reach it
        const via = local ? (g.hosts.find((h) => h.known) ?? g.primary) : g.primary;
        const choice: DestinationChoice = { id: via.id, uri: via.uri, label: g.name, known: via.known ?? null };
        if (local)
            choice.help = via.known
                ? format(_("Reached as the known host $0"), via.known.address)
                : _(
                      "The source sends the data to this host's name (or qemu.conf's migration_host). If it cannot reach that name, add this host under Known hosts with a migration address.",
                  );
        out.push(choice);
    }
    return out;
}

/** Whether some destination is held back by destinationChoices because its machine (or the source's) is not read. */
export function readingDestinations(sourceUri: string, known: readonly KnownHost[], identities: Identities): boolean {
    return !endsRead(sourceUri, identities) || known.some((k) => identities[hostUri(k)] === undefined);
}

/** Whether the source's machine and this machine's are read (or the source is this machine by its URI). */
function endsRead(sourceUri: string, identities: Identities): boolean {
    const read = (uri: string) => identities[uri] !== undefined;
    return read(LOCAL) && (sourceUri === LOCAL || isSession({ uri: sourceUri }) || read(sourceUri));
}

/**
 * Whether two hosts are one host for a list of what happened on it (a host's history: migrations in
 * and out, however either end was reached). The user session is only itself.
 */
export function sameHost(a: Nameable, b: Nameable, identities: Identities): boolean {
    const k = machineKey(a, identities);
    return a.uri === b.uri || (k !== null && k === machineKey(b, identities));
}
