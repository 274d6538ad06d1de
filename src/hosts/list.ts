/** The hosts a list offers: this host first, then the known hosts in the admin's order. */
import { _ } from "../../pkg/lib/gettext";
import { LOCAL_HOST_ID, type Host, type KnownHost } from "./types";
import { hostUri, localUri } from "./uri";

/**
 * One host of a list: this host (known: null), or a known host by its URI. `driver` says which
 * libvirt connection of it; absent is the system connection (the page's selector also offers this
 * host's user session).
 */
export type ListedHost = Pick<Host, "id" | "label" | "uri" | "driver"> & Required<Pick<Host, "known">>;

/**
 * This host, then every known host. This host is always in the lists (it is never stored in
 * hosts.json); a known host that is this machine under its address is listed too, as the admin
 * wrote it (the host selector). A list that offers machines takes one entry per machine
 * (src/hosts/names.ts: destinationChoices for destinations, onePerMachine for the CPU baseline's
 * and the NFS flow's hosts, planHosts for a plan).
 */
export function hostList(known: readonly KnownHost[]): ListedHost[] {
    return [
        { id: LOCAL_HOST_ID, label: _("This host"), uri: localUri("system"), known: null },
        ...known.map((h) => ({ id: h.id, label: h.address, uri: hostUri(h), known: h })),
    ];
}
