/** The commands that list a host's domains: kept apart from the parsers so the boot module can start them early. */
import * as v from "../virsh/argv";

/** The argvs loadDomains runs (also shown as "the equivalent command"). */
export function loadDomainsArgvs(uri: string): string[][] {
    return [
        v.domstatsAll(uri),
        v.listUuidNames(uri),
        v.listUuids(uri, "--persistent"),
        v.listUuids(uri, "--autostart"),
    ];
}

export const LOAD_DOMAINS_OPTIONS = { timeoutMs: 60_000 } as const;
