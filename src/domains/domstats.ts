/** `virsh domstats --raw` output, apart from the XML parsers: the boot module reads it before the page loads. */
import { DOMAIN_STATES, type DomainState } from "./types";
export interface RawStats {
    name: string;
    fields: Map<string, string>;
}

/**
 * `virsh domstats --raw`: blocks of `Domain: 'NAME'` followed by indented `key=value` lines.
 * virsh prints the name verbatim between single quotes, so the name is what lies between the
 * first quote and the final quote of that line.
 */
export function parseDomstats(out: string): RawStats[] {
    const result: RawStats[] = [];
    let current: RawStats | null = null;
    for (const line of out.split("\n")) {
        const header = /^Domain: '(.*)'$/.exec(line);
        if (header) {
            current = { name: header[1]!, fields: new Map() };
            result.push(current);
            continue;
        }
        const kv = /^ {2}([A-Za-z0-9_.-]+)=(.*)$/.exec(line);
        if (kv && current) current.fields.set(kv[1]!, kv[2]!);
    }
    return result;
}

/** virDomainState's number (`state.state`) as its name. */
export function stateFromNumber(n: number): DomainState {
    return DOMAIN_STATES[n] ?? "nostate";
}
