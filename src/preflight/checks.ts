/**
 * Pre-flight: why a migration would fail, and how long it would take, before it starts.
 * Every check runs in parallel with its own timeout and can be cancelled on its own; a check
 * that cannot run says so, it never passes silently.
 */
import { isRunError, LOCAL, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { parseOsRelease, supportedPath } from "./hostversions";
import * as v from "../virsh/argv";
import { parseCapabilities, parseDomstats, parseMachineTypes, parseTopology, parseVersion } from "../domains/parse";
import { parseDefinition, type DomainDefinition } from "../domains/definition";
import { explainConnectionError } from "../hosts/errors";
import { isColdMove, type MigrationOptions } from "../migration/options";
import { coldMoveChecks } from "./coldmove";
import type { CheckResult } from "./types";
import { assessCapacity, committed, parseNodeinfo, parseSysctl } from "./capacity";
import { DEFAULT_POLICY, type OvercommitPolicy } from "./policy";
import { measureDirtyRate, predictPrecopy, recommendations, dirtyRateCommands, type DirtyRateMeter } from "./dirtyrate";
import { numaCheck } from "./numa";
import { p2pCheck } from "./p2p";
import { IPTABLES_SAVE, NFT_LIST, portChecks, probeArgv } from "./ports";
import { FIREWALLD_QUERY, FIREWALLD_STATE } from "./firewall";
import { devices, networks } from "./resources";
import { storage } from "./storage";
import { firmware } from "./firmware";
import { cannot, message } from "./util";
import { _, format, ngettext } from "../../pkg/lib/gettext";

const TIMEOUT = 30_000;

export interface PreflightInput {
    /** The VM's name, for messages. */
    domain: string;
    /** The VM's UUID: what the checks' commands address. */
    uuid: v.DomainUuid;
    sourceUri: string;
    destinationUri: string;
    destinationLabel: string;
    options: MigrationOptions;
    live: boolean;
    /** Measure the dirty rate of a live migration (default: yes); a plan checking many moves at once does not. */
    measureDirtyRate?: boolean;
    /** Where to run commands on each host itself (os-release, sysctls, firewall); null when unknown. */
    sourceTarget?: RunTarget | null;
    destinationTarget?: RunTarget | null;
    /** The admin's overcommit policy (defaults when not given). */
    policy?: OvercommitPolicy;
    /** How long to measure the dirty rate, 1–60 s (default 3). */
    dirtyRateSeconds?: number;
    dirtyRateMode?: v.DirtyRateMode;
}

export interface PreflightDeps {
    runner: Runner;
    sleep?: (ms: number) => Promise<void>;
    /** Shares one dirty-rate measurement per VM between runs (the UI keeps one); without it each run measures. */
    dirtyRates?: DirtyRateMeter;
}

/** A check still running, as the UI lists it (with a Cancel button). */
export interface PendingCheck {
    id: string;
    title: string;
}

export interface PreflightHandle {
    done: Promise<CheckResult[]>;
    /** Cancels one check (its result says it was not checked), or all of them. */
    cancel(id?: string): void;
}

interface CheckSpec {
    id: string;
    title: string;
    timeoutMs: number;
    run: () => Promise<CheckResult | CheckResult[]>;
}

export const DEFAULT_DIRTYRATE_SECONDS = 3;

/** Starts every check in parallel; `onResult` receives each as it finishes, `onPending` the ones still running. */
export function startPreflight(
    deps: PreflightDeps,
    input: PreflightInput,
    onResult?: (r: CheckResult) => void,
    onPending?: (p: PendingCheck[]) => void,
): PreflightHandle {
    // cancelling the whole run (another destination or option chosen, the dialog closed) closes its commands:
    // a superseded run must not keep the hosts busy under the one that replaced it (a shared read goes on while
    // another run still waits for it: pkg/lib/coalesce.ts)
    const whole = new AbortController();
    const direct = deps.runner;
    deps = { ...deps, runner: { run: (t, a, o) => direct.run(t, a, { signal: whole.signal, ...o }) } };
    const run = (argv: string[], stdin?: string) =>
        deps.runner.run(LOCAL, argv, { timeoutMs: TIMEOUT, ...(stdin !== undefined ? { input: stdin } : {}) });
    // A live migration sends the running VM as it is: its live definition in the form libvirt sends
    // (--migratable), with the expanded host-model CPU the destination must run and the devices and
    // disks attached with --live. An offline migration moves only the persistent definition.
    const definition = run(
        v.dumpxml(input.sourceUri, input.uuid, input.live ? { migratable: true } : { inactive: true }),
    ).then(parseDefinition);
    // through libvirt's own transport: the connection the migration will make from here
    const destVersion = deps.runner.run(LOCAL, v.version(input.destinationUri), {
        timeoutMs: TIMEOUT,
        libvirtTransport: true,
    });
    const destCapabilities = run(v.capabilities(input.destinationUri));
    destCapabilities.catch(() => undefined);
    definition.catch(() => undefined);
    const dirtySeconds = input.dirtyRateSeconds ?? DEFAULT_DIRTYRATE_SECONDS;
    const abort = new AbortController();
    const withDef =
        (
            id: string,
            title: string,
            f: (d: DomainDefinition) => Promise<CheckResult | CheckResult[]> | CheckResult | CheckResult[],
        ) =>
        () =>
            definition.then(f, (e) => cannot(id, title, e));
    const specs: CheckSpec[] = [
        {
            id: "reachable",
            title: _("Destination reachable"),
            timeoutMs: 45_000,
            run: () => reachable(input, destVersion, run(v.version(input.sourceUri))),
        },
        {
            id: "same-host",
            title: _("Not the same host"),
            timeoutMs: 45_000,
            run: () => sameHost(run, input, destCapabilities),
        },
        {
            id: "ports",
            title: _("Ports and firewall"),
            timeoutMs: 45_000,
            run: () =>
                portChecks(deps.runner, {
                    destinationUri: input.destinationUri,
                    destinationLabel: input.destinationLabel,
                    probeFrom: input.sourceTarget ?? LOCAL,
                    destinationTarget: input.destinationTarget ?? null,
                    options: input.options,
                    live: input.live,
                }),
        },
        ...(input.options.p2p
            ? [
                  {
                      id: "peer-to-peer",
                      title: _("Peer-to-peer"),
                      timeoutMs: 45_000,
                      run: () =>
                          p2pCheck(deps.runner, {
                              options: input.options,
                              destinationUri: input.destinationUri,
                              destinationLabel: input.destinationLabel,
                              sourceTarget: input.sourceTarget ?? null,
                          }),
                  },
              ]
            : []),
        {
            id: "cpu",
            title: _("CPU compatibility"),
            timeoutMs: 45_000,
            run: withDef("cpu", _("CPU compatibility"), (d) => cpu(run, input, d)),
        },
        {
            id: "storage",
            title: _("Storage"),
            timeoutMs: 60_000,
            run: withDef("storage", _("Storage"), (d) =>
                storage(run, input, d, pathExists(deps.runner, input.destinationTarget)),
            ),
        },
        ...(isColdMove(input.options)
            ? [
                  {
                      id: "cold-move",
                      title: _("Disks to carry"),
                      timeoutMs: 60_000,
                      run: withDef("cold-move", _("Disks to carry"), (d) => coldMoveChecks(deps.runner, input, d)),
                  },
              ]
            : []),
        {
            id: "firmware",
            title: _("UEFI and TPM state"),
            timeoutMs: 60_000,
            run: withDef("firmware", _("UEFI and TPM state"), (d) =>
                firmware(run, input, d, pathExists(deps.runner, input.destinationTarget)),
            ),
        },
        {
            id: "devices",
            title: _("Devices"),
            timeoutMs: 45_000,
            run: withDef("devices", _("Devices"), (d) => devices(d)),
        },
        {
            id: "numa",
            title: _("NUMA pinning"),
            timeoutMs: 45_000,
            run: withDef("numa", _("NUMA pinning"), (d) => numa(destCapabilities, input, d)),
        },
        {
            id: "machine",
            title: _("Machine type"),
            timeoutMs: 45_000,
            run: withDef("machine", _("Machine type"), (d) => machineType(destCapabilities, input, d)),
        },
        {
            id: "networks",
            title: _("Networks"),
            timeoutMs: 45_000,
            run: withDef("networks", _("Networks"), (d) => networks(run, input, d)),
        },
        {
            id: "host-versions",
            title: _("Host versions"),
            timeoutMs: 45_000,
            // the hosts' os-release is read at once; only the verdict waits for the VM's machine type
            run: () => withDef("host-versions", _("Host versions"), hostVersions(deps.runner, input))(),
        },
        {
            id: "capacity",
            title: _("Destination capacity"),
            timeoutMs: 45_000,
            // the destination's node info, guests and sysctls are read at once; the verdict waits for the VM's size
            run: () => withDef("capacity", _("Destination capacity"), capacity(deps.runner, input))(),
        },
        ...(input.live && input.measureDirtyRate !== false
            ? [
                  {
                      id: "dirtyrate",
                      title: format(_("Dirty rate (measuring for $0 s)"), dirtySeconds),
                      timeoutMs: dirtySeconds * 1000 + 45_000,
                      // the measurement starts at once: only its prediction needs the VM's memory size
                      run: () =>
                          withDef(
                              "dirtyrate",
                              _("Dirty rate"),
                              dirtyRate({ ...deps, runner: direct }, input, abort.signal),
                          )(),
                  },
              ]
            : []),
    ];
    const pending = new Map(specs.map((s) => [s.id, s]));
    const cancels = new Map<string, () => void>();
    const results: CheckResult[] = [];
    const report = () => onPending?.([...pending.values()].map((s) => ({ id: s.id, title: s.title })));
    report();
    const done = Promise.all(
        specs.map((spec) => {
            let timer: ReturnType<typeof setTimeout> | undefined;
            const stopped = new Promise<CheckResult>((resolve) => {
                timer = setTimeout(
                    () =>
                        resolve({
                            id: spec.id,
                            severity: "warning",
                            title: format(
                                _("$0: not checked (no answer within $1 s)"),
                                spec.title,
                                Math.round(spec.timeoutMs / 1000),
                            ),
                            commands: [],
                            unchecked: true,
                        }),
                    spec.timeoutMs,
                );
                cancels.set(spec.id, () =>
                    resolve({
                        id: spec.id,
                        severity: "warning",
                        title: format(_("$0: not checked (cancelled)"), spec.title),
                        commands: [],
                        unchecked: true,
                    }),
                );
            });
            // a check that throws unexpectedly still reports, instead of silencing the checks after it
            const result = spec.run().catch((e) => cannot(spec.id, spec.title, e));
            return Promise.race([result, stopped]).then((r) => {
                clearTimeout(timer);
                pending.delete(spec.id);
                for (const x of Array.isArray(r) ? r : [r]) {
                    results.push(x);
                    onResult?.(x);
                }
                report();
            });
        }),
    ).then(() => results);
    return {
        done,
        cancel(id?: string) {
            if (id === undefined) whole.abort();
            if (id === undefined || id === "dirtyrate") abort.abort();
            for (const [k, c] of cancels) if (id === undefined || k === id) c();
        },
    };
}

/** Runs every check and returns all results. */
export function runPreflight(
    deps: PreflightDeps,
    input: PreflightInput,
    onResult?: (r: CheckResult) => void,
): Promise<CheckResult[]> {
    return startPreflight(deps, input, onResult).done;
}

function pathExists(runner: Runner, target: RunTarget | null | undefined): ((path: string) => Promise<boolean>) | null {
    if (!target) return null;
    return (path) =>
        runner.run(target, ["test", "-e", path], { timeoutMs: TIMEOUT }).then(
            () => true,
            () => false,
        );
}

async function reachable(
    input: PreflightInput,
    version: Promise<string>,
    sourceVersion: Promise<string>,
): Promise<CheckResult> {
    const commands = [v.version(input.destinationUri), v.version(input.sourceUri)];
    // the source's answer is optional: taken (or its failure dropped) whether or not the destination answers
    const source = sourceVersion.then(parseVersion, () => null);
    try {
        const ver = parseVersion(await version);
        const src = await source;
        const dest = [input.destinationLabel, ver.libvirtVersion ?? "?", ver.hypervisor ?? "?"];
        const title = src
            ? format(
                  _("$0 answers: libvirt $1, $2 (source: libvirt $3, $4)"),
                  ...dest,
                  src.libvirtVersion ?? "?",
                  src.hypervisor ?? "?",
              )
            : format(_("$0 answers: libvirt $1, $2"), ...dest);
        if (ver.hypervisor && !/^QEMU\b/.test(ver.hypervisor))
            return {
                id: "reachable",
                severity: "error",
                title,
                commands,
                detail: format(_("The destination runs $0, not QEMU/KVM."), ver.hypervisor),
                fix: _("Choose a destination whose libvirt manages QEMU/KVM guests (a qemu:// URI)."),
            };
        return { id: "reachable", severity: "pass", title, commands };
    } catch (e) {
        const c = explainConnectionError(input.destinationLabel, message(e), isRunError(e) ? e.cause : undefined);
        return { id: "reachable", severity: "error", title: c.title, detail: c.message, fix: c.fix, commands };
    }
}

async function sameHost(
    run: (a: string[]) => Promise<string>,
    input: PreflightInput,
    destCapabilities: Promise<string>,
): Promise<CheckResult> {
    const commands = [
        v.capabilities(input.sourceUri),
        v.capabilities(input.destinationUri),
        v.hostname(input.sourceUri),
        v.hostname(input.destinationUri),
    ];
    try {
        const [a, b, ha, hb] = await Promise.all([
            run(commands[0]!),
            destCapabilities,
            run(commands[2]!),
            run(commands[3]!),
        ]);
        const ua = parseCapabilities(a!).hostUuid,
            ub = parseCapabilities(b!).hostUuid;
        if (ua && ua === ub)
            return {
                id: "same-host",
                severity: "error",
                title: format(_("Source and destination have the same host UUID ($0)"), ua),
                commands,
                detail: _(
                    'libvirt refuses with "Attempt to migrate guest to the same host". It is the same host, or a cloned installation.',
                ),
                fix: _(
                    "Choose another destination, or give each host a unique host_uuid in /etc/libvirt/libvirtd.conf and restart libvirtd.",
                ),
            };
        if (ha!.trim() && ha!.trim() === hb!.trim())
            return {
                id: "same-host",
                severity: "warning",
                title: format(_("Both hosts are called $0"), ha!.trim()),
                commands,
                fix: _(
                    "Give each host its own host name: migration resolves the destination by name unless a migration address is set.",
                ),
            };
        return {
            id: "same-host",
            severity: "pass",
            title: format(_("Different hosts ($0 → $1)"), ha!.trim(), hb!.trim()),
            commands,
        };
    } catch (e) {
        return { ...cannot("same-host", _("Same-host check"), e), commands };
    }
}

async function cpu(
    run: (a: string[], i?: string) => Promise<string>,
    input: PreflightInput,
    d: DomainDefinition,
): Promise<CheckResult> {
    const argv = v.hypervisorCpuCompare(input.destinationUri, d.type);
    if (d.cpuMode === "host-passthrough" || d.cpuMode === "maximum")
        return {
            id: "cpu",
            severity: "warning",
            title: format(_("The VM uses $0: it can only move between identical CPUs"), d.cpuMode),
            commands: [],
            fix: _(
                "Use a CPU model both hosts support (a CPU baseline of the hosts), then restart the VM before migrating.",
            ),
        };
    // a running host-model VM's live <cpu> is the expanded model (libvirt 9.0: mode='custom' with the
    // model and features), compared below; only a VM that starts on the destination picks its host-model there
    if (!d.cpuXml && d.cpuMode === "host-model" && input.live)
        return {
            id: "cpu",
            severity: "warning",
            unchecked: true,
            commands: [],
            title: _("CPU compatibility: the running VM's definition names no expanded host-model CPU to compare"),
            detail: _(
                "libvirt expands a host-model CPU into a model and features when the VM starts; this live definition has none, so nothing tells whether the destination can run it.",
            ),
            fix: _(
                "Compare the VM's CPU (virsh dumpxml --migratable, the <cpu> element) with virsh hypervisor-cpu-compare on the destination before migrating.",
            ),
        };
    if (!d.cpuXml)
        return {
            id: "cpu",
            severity: "pass",
            title:
                d.cpuMode === "host-model"
                    ? _("host-model CPU: libvirt fixes the model when the VM starts")
                    : _("No specific CPU model: the hypervisor default"),
            commands: [],
        };
    try {
        const out = await run(argv, d.cpuXml);
        return {
            id: "cpu",
            severity: "pass",
            title: format(_("CPU model $0 runs on $1"), d.cpuModel, input.destinationLabel),
            detail: out.trim(),
            commands: [argv],
        };
    } catch (e) {
        return {
            id: "cpu",
            severity: "error",
            title: format(_("$0 cannot run CPU model $1"), input.destinationLabel, d.cpuModel),
            detail: message(e),
            commands: [argv],
            remedy: "cpu-baseline",
            fix: _(
                "Use a CPU model both hosts support (the CPU baseline of both hosts), restart the VM, then migrate.",
            ),
        };
    }
}

async function numa(
    destCapabilities: Promise<string>,
    input: PreflightInput,
    d: DomainDefinition,
): Promise<CheckResult> {
    const commands = [v.capabilities(input.destinationUri)];
    if (!d.vcpupin && !d.numatune && d.pinnedCpus.length === 0) return numaCheck(d, [], input.destinationLabel, []);
    try {
        return numaCheck(d, parseTopology(await destCapabilities), input.destinationLabel, commands);
    } catch (e) {
        return cannot("numa", _("NUMA pinning"), e, commands);
    }
}

async function machineType(
    destCapabilities: Promise<string>,
    input: PreflightInput,
    d: DomainDefinition,
): Promise<CheckResult> {
    const argv = v.capabilities(input.destinationUri);
    if (!d.machine) return { id: "machine", severity: "info", title: _("The VM names no machine type"), commands: [] };
    try {
        const offered = [...parseMachineTypes(await destCapabilities).values()].some((set) => set.has(d.machine!));
        return offered
            ? {
                  id: "machine",
                  severity: "pass",
                  title: format(_("Machine type $0 is available on $1"), d.machine, input.destinationLabel),
                  commands: [argv],
              }
            : {
                  id: "machine",
                  severity: "error",
                  title: format(_("$0's QEMU does not offer machine type $1"), input.destinationLabel, d.machine),
                  commands: [argv],
                  detail: _(
                      "A VM keeps its machine type when it migrates; the destination's QEMU must offer it (older QEMU versions lack newer types).",
                  ),
                  fix: _(
                      "Migrate to a host with the same or a newer QEMU, or change the VM's machine type while it is shut down.",
                  ),
              };
    } catch (e) {
        return { ...cannot("machine", _("Machine type"), e), commands: [argv] };
    }
}

const OS_RELEASE = ["cat", "/etc/os-release"];

/** Asks for the hosts' os-release at once; the verdict also needs the VM's machine type (from its definition). */
function hostVersions(runner: Runner, input: PreflightInput): (d: DomainDefinition) => Promise<CheckResult> {
    const targets =
        input.sourceTarget && input.destinationTarget ? [input.sourceTarget, input.destinationTarget] : null;
    const reads = targets && Promise.all(targets.map((t) => runner.run(t, OS_RELEASE, { timeoutMs: TIMEOUT })));
    reads?.catch(() => undefined);
    return (d) => hostVersionsVerdict(reads, d.machine);
}

async function hostVersionsVerdict(reads: Promise<string[]> | null, machine: string | null): Promise<CheckResult> {
    if (!reads)
        return {
            id: "host-versions",
            severity: "info",
            title: _("Host versions: no way to read the hosts' /etc/os-release"),
            commands: [],
        };
    try {
        const [a, b] = await reads;
        return supportedPath(parseOsRelease(a!), parseOsRelease(b!), machine, [OS_RELEASE]);
    } catch (e) {
        return { ...cannot("host-versions", _("Host versions"), e), severity: "info" };
    }
}

const SYSCTL = ["cat", "/proc/sys/vm/overcommit_memory", "/proc/sys/vm/panic_on_oom"];

/** The virsh subcommands of a pre-flight that read what stays put while a plan is checked (no polling, no change). */
const STEADY = new Set([
    "capabilities",
    "dumpxml",
    "hostname",
    "hypervisor-cpu-compare",
    "net-info",
    "nodeinfo",
    "secret-list",
    "version",
    "vol-info",
]);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const PROBE = probeArgv("h", 1).slice(0, -2);

/**
 * The commands of a pre-flight whose answer one plan can share between all its VM × destination
 * checks (pkg/lib/memo.ts): the hosts' libvirt facts (version, capabilities, host name, node info,
 * running guests, networks, secrets), a VM's definition, storage lookups, the hosts' os-release,
 * sysctls and firewall (firewalld's state and port too), whether a path exists there, and the port
 * probe from a source to a destination. Not the dirty-rate measurement or anything that polls or changes state.
 */
export function steadyRead(argv: readonly string[]): boolean {
    if (argv[0] === "virsh" && argv[1] === "-c" && argv.length >= 4)
        return STEADY.has(argv[3]!) || same(argv, v.domstatsActive(argv[2]!));
    if (argv[0] === "test") return argv.length === 3 && argv[1] === "-e";
    if (same(argv.slice(0, PROBE.length), PROBE)) return argv.length === PROBE.length + 2;
    return [OS_RELEASE, SYSCTL, NFT_LIST, IPTABLES_SAVE, FIREWALLD_STATE, FIREWALLD_QUERY].some((r) => same(argv, r));
}

/** Asks for the destination's node info, guests and sysctls at once; the verdict also needs the VM's definition. */
function capacity(runner: Runner, input: PreflightInput): (d: DomainDefinition) => Promise<CheckResult[]> {
    const commands = [v.nodeinfo(input.destinationUri), v.domstatsActive(input.destinationUri)];
    const run = (argv: string[]) => runner.run(LOCAL, argv, { timeoutMs: TIMEOUT });
    // as the same user as the migration (over SSH: whose keys and known_hosts are used)
    let sysctlError: string | undefined;
    const sysctl = input.destinationTarget
        ? runner.run(input.destinationTarget, SYSCTL, { timeoutMs: TIMEOUT }).then(parseSysctl, (e) => {
              sysctlError = message(e);
              return null;
          })
        : Promise.resolve(null);
    const reads = Promise.all([run(commands[0]!), run(commands[1]!), sysctl]);
    reads.catch(() => undefined);
    return async (d) => {
        try {
            const [info, stats, sys] = await reads;
            // the VM itself may already run there (a same-host check reports that); do not count it twice
            const others = parseDomstats(stats).filter(
                (s) => s.name !== input.domain || input.sourceUri !== input.destinationUri,
            );
            return assessCapacity({
                label: input.destinationLabel,
                node: parseNodeinfo(info),
                running: committed(others),
                guest: d,
                policy: input.policy ?? DEFAULT_POLICY,
                sysctl: sys,
                ...(sysctlError !== undefined ? { sysctlError } : {}),
                commands: input.destinationTarget ? [...commands, SYSCTL] : commands,
            });
        } catch (e) {
            return [cannot("capacity", _("Destination capacity"), e, commands)];
        }
    };
}

/** Measures the guest's dirty-page rate and predicts whether pre-copy converges, and how long it takes. */
function dirtyRate(
    deps: PreflightDeps,
    input: PreflightInput,
    signal: AbortSignal,
): (d: DomainDefinition) => Promise<CheckResult> {
    const seconds = input.dirtyRateSeconds ?? DEFAULT_DIRTYRATE_SECONDS;
    const commands = dirtyRateCommands(input.sourceUri, input.uuid, seconds, input.dirtyRateMode);
    const options = {
        ...(input.dirtyRateMode ? { mode: input.dirtyRateMode } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        signal,
    };
    // started before the definition answers: the period is most of the pre-flight's wall time
    const measured = (deps.dirtyRates ?? { measure: measureDirtyRate }).measure(
        deps.runner,
        LOCAL,
        input.sourceUri,
        input.uuid,
        seconds,
        options,
    );
    measured.catch(() => undefined);
    return async (d) => {
        try {
            const sample = await measured;
            return dirtyRateResult(
                sample.mibs,
                seconds,
                (d.memoryKiB ?? 0) / 1024,
                sample.residentMiB,
                input.options,
                commands,
            );
        } catch (e) {
            return cannot("dirtyrate", _("Dirty rate"), e, commands);
        }
    };
}

export function dirtyRateResult(
    mibs: number,
    seconds: number,
    memoryMiB: number,
    residentMiB: number | null,
    o: MigrationOptions,
    commands: string[][],
): CheckResult {
    const inp = {
        dirtyMiBs: mibs,
        memoryMiB,
        residentMiB,
        ...(o.bandwidthMiBs ? { bandwidthMiBs: o.bandwidthMiBs } : {}),
        ...(o.maxDowntimeMs ? { maxDowntimeMs: o.maxDowntimeMs } : {}),
        ...(o.parallelConnections ? { parallelConnections: o.parallelConnections } : {}),
    };
    const p = predictPrecopy(inp);
    const measured = format(_("measured over $0 s"), seconds);
    const detail = format(
        _(
            "Pre-copy sends $0 MiB of touched memory (of $1 MiB) first, then what the guest dirtied meanwhile, until the rest fits in the maximum downtime ($2 ms).",
        ),
        Math.round(p.firstPassMiB),
        Math.round(memoryMiB),
        o.maxDowntimeMs ?? 300,
    );
    if (!p.converges) {
        const rescue = o.postcopy
            ? ` ${_("Post-copy is allowed: switch to it when the copy stalls.")}`
            : o.autoConverge
              ? ` ${_("Auto-converge will slow the guest until it converges.")}`
              : "";
        return {
            id: "dirtyrate",
            dirtyMiBs: mibs,
            severity: o.postcopy || o.autoConverge ? "info" : "warning",
            title: format(
                _("The VM dirties $0 MiB/s ($1): faster than it can be copied $2; pre-copy will not converge.$3"),
                mibs,
                measured,
                p.assumption,
                rescue,
            ),
            detail,
            commands,
            fix: format(
                _("To finish: $0."),
                recommendations({ ...inp, postcopy: o.postcopy, autoConverge: o.autoConverge }).join("; "),
            ),
        };
    }
    const s = Math.max(1, Math.round(p.seconds));
    const slow = p.rounds > 30 || mibs > p.bandwidthMiBs * 0.8;
    return {
        id: "dirtyrate",
        dirtyMiBs: mibs,
        severity: slow ? "warning" : "pass",
        title: format(
            ngettext(
                "Dirty rate $0 MiB/s ($1): about $2 s for $3 MiB $4, $5 pass",
                "Dirty rate $0 MiB/s ($1): about $2 s for $3 MiB $4, $5 passes",
                p.rounds,
            ),
            mibs,
            measured,
            s,
            Math.round(memoryMiB),
            p.assumption,
            p.rounds,
        ),
        detail,
        commands,
        ...(slow ? { fix: format(_("It converges slowly: $0."), recommendations(inp).join("; ")) } : {}),
    };
}
