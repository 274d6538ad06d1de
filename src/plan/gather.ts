/**
 * What placement needs, read from the hosts: each host's memory, CPUs and what its running guests
 * are promised; the source's VMs; and, per VM and destination, the pre-flight errors that forbid
 * the move (capacity is left to placement, which accounts for the plan's own earlier moves).
 */
import { errorText } from "../../pkg/lib/error-text";
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import { loadDomains } from "../domains/load";
import { isActive, type Domain } from "../domains/types";
import { parseDomstats } from "../domains/parse";
import { committed, parseNodeinfo } from "../preflight/capacity";
import { runPreflight, steadyRead } from "../preflight/checks";
import { MemoRunner } from "../../pkg/lib/memo";
import { preflightInput } from "../preflight/input";
import type { OvercommitPolicy } from "../preflight/policy";
import { defaultOptions, type MigrationOptions } from "../migration/options";
import * as v from "../virsh/argv";
import type { PlanHost, PlanVm } from "./placement";
import type { CheckResult } from "../preflight/types";
import { machineOf } from "../hosts/machine";
import { groupByMachine, type Identities } from "../hosts/names";
import { _, format } from "../../pkg/lib/gettext";

// the hosts a plan can use live in ./hosts.ts: the page imports them without the gathering code
export { hostRefs, type HostRef } from "./hosts";
import type { HostRef } from "./hosts";

export interface Gathered {
    /** The hosts the plan uses: one per machine, each named once (groupByMachine). */
    refs: HostRef[];
    hosts: PlanHost[];
    vms: PlanVm[];
    domains: Domain[];
    unreachable: { label: string; error: string }[];
    /** Each host's machine ("HOST-UUID HOSTNAME", machineOf) by URI: the plan script checks where it runs. */
    machines: Record<string, string | null>;
}

export async function readHost(runner: Runner, h: HostRef): Promise<PlanHost> {
    const [info, stats] = await Promise.all(
        [v.nodeinfo(h.uri), v.domstatsActive(h.uri)].map((argv) => runner.run(LOCAL, argv, { timeoutMs: 60_000 })),
    );
    const node = parseNodeinfo(info!);
    const c = committed(parseDomstats(stats!));
    return {
        id: h.id,
        label: h.label,
        uri: h.uri,
        memoryKiB: node.memoryKiB,
        cpus: node.cpus,
        committedKiB: c.memoryKiB,
        committedVcpus: c.vcpus,
    };
}

/** Checks that do not decide whether a VM may move to a host (placement handles capacity). */
const NOT_BLOCKING = new Set(["capacity", "capacity-cpu", "dirtyrate"]);

/**
 * One host per machine, named once: of the entries of one machine (this host and the known host that
 * is this machine, or two known hosts for one), a source is kept (the host being evacuated), else the
 * group's primary. One machine counted twice would have its capacity counted twice, and be a
 * destination for its own VMs.
 */
export function planHosts(refs: readonly HostRef[], identities: Identities, sourceIds: readonly string[]): HostRef[] {
    return groupByMachine(refs, identities).map((g) => {
        const kept = g.hosts.find((h) => sourceIds.includes(h.id)) ?? g.primary;
        // the machine's migration address, wherever it is written (this host's own ref has none: its known-host
        // entry does), as the Migrate dialog uses it
        const migrationAddress = kept.migrationAddress ?? g.hosts.find((h) => h.migrationAddress)?.migrationAddress;
        return { ...kept, label: g.name, ...(migrationAddress ? { migrationAddress } : {}) };
    });
}

/**
 * Reads every host, the VMs of `sourceIds` and the blocking pre-flight errors of each possible move.
 * `onPartial` gets what is known so far each time every move of one more VM has been checked, so a
 * plan can be shown as it is found (the checks of a fleet take about a minute).
 */
export async function gather(
    runner: Runner,
    refs: HostRef[],
    sourceIds: string[],
    policy: OvercommitPolicy,
    o: {
        copyStorage: boolean;
        includeShutOff: boolean;
        onProgress?: (done: number, total: number) => void;
        onPartial?: (g: Gathered) => void;
    },
): Promise<Gathered> {
    const unreachable: Gathered["unreachable"] = [];
    // each host's facts are read once per round of checks, not once per VM × destination: every
    // check of the round gets the same answer (or the same failure); the retry round reads afresh
    const firstRound = new MemoRunner(runner, steadyRead);
    const machines: Record<string, string | null> = Object.fromEntries(
        await Promise.all(refs.map(async (h) => [h.uri, await machineOf(firstRound, h.uri)] as const)),
    );
    refs = planHosts(refs, machines, sourceIds);
    const read = await Promise.all(
        refs.map((h) =>
            readHost(firstRound, h).then(
                (x) => x,
                (e) => {
                    unreachable.push({ label: h.label, error: errorText(e) });
                    return null;
                },
            ),
        ),
    );
    const hosts = read.filter((x): x is PlanHost => x !== null);
    const vms: PlanVm[] = [];
    const domains: Domain[] = [];
    const pairs: { vm: PlanVm; source: HostRef; dest: HostRef; domain: Domain }[] = [];
    for (const sid of sourceIds) {
        const source = refs.find((r) => r.id === sid);
        if (!source || !hosts.some((h) => h.id === sid)) continue;
        for (const d of await loadDomains(firstRound, source.uri)) {
            if (!isActive(d.state) && !(o.includeShutOff && d.persistent)) continue;
            const vm: PlanVm = {
                name: d.name,
                uuid: d.uuid,
                hostId: sid,
                running: isActive(d.state),
                memoryKiB: d.memoryKiB ?? d.maxMemoryKiB ?? 0,
                vcpus: d.vcpus ?? 1,
                blocked: {},
            };
            vms.push(vm);
            domains.push(d);
            for (const dest of refs)
                if (dest.id !== sid && hosts.some((h) => h.id === dest.id)) pairs.push({ vm, source, dest, domain: d });
        }
    }
    let done = 0;
    o.onProgress?.(0, pairs.length);
    // a VM is known once every move of it is checked: the VMs so far, in the order they were found
    const left = new Map(vms.map((vm) => [vm, pairs.filter((p) => p.vm === vm).length]));
    const ready = (vm: PlanVm) => left.get(vm) === 0;
    const snapshot = (): Gathered => ({
        refs,
        hosts,
        vms: vms.filter(ready),
        domains: domains.filter((_d, i) => ready(vms[i]!)),
        unreachable,
        machines,
    });
    if (vms.some(ready)) o.onPartial?.(snapshot());
    const check = (p: (typeof pairs)[number], round: Runner) => {
        // checked as shared storage: that tells, per disk, whether the destination sees it; a
        // copying plan then copies exactly the disks it does not see (verdict below)
        const options: MigrationOptions = defaultOptions(p.domain.state);
        // a running VM moves live: checked with its live definition and what a live migration carries (TPM state)
        return runPreflight(
            { runner: round },
            preflightInput(
                p.domain,
                {
                    sourceUri: p.source.uri,
                    destinationUri: p.dest.uri,
                    destinationLabel: p.dest.label,
                    sourceTarget: p.source.target,
                    destinationTarget: p.dest.target,
                },
                options,
                { measureDirtyRate: false, policy },
            ),
        );
    };
    const verdict = (p: (typeof pairs)[number], results: CheckResult[]) => {
        // a disk the destination cannot see is what the copy is for: its error is the copy, not a block
        const copy = o.copyStorage && isActive(p.domain.state);
        const copied = (r: CheckResult) => copy && r.disk !== undefined && !r.disk.visible;
        if (copy) (p.vm.copyDisks ??= {})[p.dest.id] = results.filter(copied).map((r) => r.disk!.target);
        const deciding = results.filter((r) => !NOT_BLOCKING.has(r.id) && !copied(r));
        const errors = deciding.filter((r) => r.severity === "error");
        const unchecked = deciding.filter((r) => r.unchecked);
        if (errors.length) p.vm.blocked[p.dest.id] = errors.map((e) => e.title).join("; ");
        else if (unchecked.length)
            p.vm.blocked[p.dest.id] = format(_("not checked: $0"), unchecked.map((e) => e.title).join("; "));
        else delete p.vm.blocked[p.dest.id];
        return errors.length === 0 && unchecked.length > 0;
    };
    // a few at a time: each pre-flight runs a dozen commands
    const again: typeof pairs = [];
    for (let i = 0; i < pairs.length; i += 3) {
        await Promise.all(
            pairs.slice(i, i + 3).map(async (p) => {
                if (verdict(p, await check(p, firstRound))) again.push(p);
                const n = left.get(p.vm)! - 1;
                left.set(p.vm, n);
                if (n === 0) o.onPartial?.(snapshot());
                o.onProgress?.(++done, pairs.length);
            }),
        );
    }
    // a check that could not answer (a busy host, a timeout) is asked once more, alone; a move
    // whose checks still cannot answer is not planned: nothing moves unchecked
    const retryRound = new MemoRunner(runner, steadyRead);
    for (const p of again) verdict(p, await check(p, retryRound));
    return { refs, hosts, vms, domains, unreachable, machines };
}
