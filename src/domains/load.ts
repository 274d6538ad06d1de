/** Loading a host's domains and identity: a few bulk calls in parallel, never one call per domain. */
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import * as v from "../virsh/argv";
import { domainsFrom, parseCapabilities, parseDomstats, parseUuidList, parseUuidNames, parseVersion } from "./parse";
import type { Domain, HostIdentity } from "./types";
import { LOAD_DOMAINS_OPTIONS, loadDomainsArgvs } from "./argvs";

export { loadDomainsArgvs, LOAD_DOMAINS_OPTIONS } from "./argvs";

export async function loadDomains(runner: Runner, uri: string): Promise<Domain[]> {
    const [stats, uuidNames, persistent, autostart] = await Promise.all(
        loadDomainsArgvs(uri).map((argv) => runner.run(LOCAL, argv, LOAD_DOMAINS_OPTIONS)),
    );
    return domainsFrom(
        parseDomstats(stats!),
        parseUuidNames(uuidNames!),
        parseUuidList(persistent!),
        parseUuidList(autostart!),
    );
}

/**
 * Host identity. Quick calls (hostname, version) and `capabilities` run in parallel; callers get
 * each part as it arrives through `onPart`, so nothing waits on the slowest.
 */
export async function loadIdentity(
    runner: Runner,
    uri: string,
    onPart: (part: Partial<HostIdentity>) => void,
): Promise<void> {
    const run = (argv: string[]) => runner.run(LOCAL, argv, { timeoutMs: 60_000 });
    await Promise.all([
        run(v.hostname(uri)).then((out) => onPart({ hostname: out.trim() || null })),
        run(v.version(uri)).then((out) => onPart(parseVersion(out))),
        run(v.capabilities(uri)).then((out) => onPart(parseCapabilities(out))),
    ]);
}
