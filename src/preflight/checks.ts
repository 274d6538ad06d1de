/**
 * Pre-flight: why a migration would fail, and how long it would take, before it starts.
 * Every check runs in parallel with its own timeout; a check that cannot run says so.
 */
import type { Runner, RunTarget } from "../../pkg/lib/runner";
import { parseOsRelease, supportedPath } from "./hostversions";
import { isRunError } from "../../pkg/lib/runner";
import * as v from "../virsh/argv";
import { parseCapabilities, parseDomstats, parseMachineTypes, parseVersion } from "../domains/parse";
import { parseDefinition, type DomainDefinition } from "../domains/definition";
import { explainConnectionError } from "../hosts/errors";
import type { MigrationOptions } from "../migration/options";
import type { CheckResult } from "./types";

const LOCAL = { kind: "local" } as const;
const TIMEOUT = 30_000;

export interface PreflightInput {
    domain: string;
    sourceUri: string;
    destinationUri: string;
    destinationLabel: string;
    options: MigrationOptions;
    live: boolean;
    /** Where to read each host's /etc/os-release; null when unknown. */
    sourceTarget?: RunTarget | null;
    destinationTarget?: RunTarget | null;
}

export interface PreflightDeps { runner: Runner; sleep?: (ms: number) => Promise<void> }

const message = (e: unknown) => isRunError(e) ? (e.stderr || e.message) : String(e);

/** Runs every check; `onResult` receives each as it finishes. */
export async function runPreflight(deps: PreflightDeps, input: PreflightInput, onResult?: (r: CheckResult) => void): Promise<CheckResult[]> {
    const run = (argv: string[], input?: string) => deps.runner.run(LOCAL, argv, { timeoutMs: TIMEOUT, ...(input !== undefined ? { input } : {}) });
    const definition = run(v.dumpxml(input.sourceUri, input.domain, true)).then(parseDefinition);
    const destVersion = run(v.version(input.destinationUri));
    const destCapabilities = run(v.capabilities(input.destinationUri));
    destCapabilities.catch(() => undefined);
    const checks: Promise<CheckResult | CheckResult[]>[] = [
        reachable(input, destVersion),
        sameHost(run, input, destCapabilities),
        definition.then(d => cpu(run, input, d), e => cannot("cpu", "CPU compatibility", e)),
        definition.then(d => storage(run, input, d), e => cannot("storage", "Storage", e)),
        definition.then(d => devices(d), e => cannot("devices", "Devices", e)),
        definition.then(d => numa(d), e => cannot("numa", "NUMA pinning", e)),
        definition.then(d => machineType(destCapabilities, input, d), e => cannot("machine", "Machine type", e)),
        definition.then(d => networks(run, input, d), e => cannot("networks", "Networks", e)),
        definition.then(d => hostVersions(deps.runner, input, d.machine), e => cannot("host-versions", "Host versions", e)),
        definition.then(d => capacity(run, input, d), e => cannot("capacity", "Destination capacity", e)),
        ...(input.live ? [definition.then(d => dirtyRate(run, deps, input, d), e => cannot("dirtyrate", "Dirty rate", e))] : []),
    ];
    const results: CheckResult[] = [];
    // a check that throws unexpectedly still reports, instead of silencing the checks after it
    await Promise.all(checks.map((p, i) => p.catch(e => cannot(`check-${i}`, "A check", e)).then(r => {
        for (const x of Array.isArray(r) ? r : [r]) { results.push(x); onResult?.(x) }
    })));
    return results;
}

function cannot(id: string, what: string, e: unknown): CheckResult {
    return { id, severity: "warning", title: `${what}: could not be checked`, detail: message(e), commands: [] };
}

async function reachable(input: PreflightInput, version: Promise<string>): Promise<CheckResult> {
    const commands = [v.version(input.destinationUri)];
    try {
        const ver = parseVersion(await version);
        return { id: "reachable", severity: "pass", title: `${input.destinationLabel} answers: libvirt ${ver.libvirtVersion ?? "?"}, ${ver.hypervisor ?? "?"}`, commands };
    } catch (e) {
        const c = explainConnectionError(input.destinationLabel, message(e));
        return { id: "reachable", severity: "error", title: c.title, detail: c.message, fix: c.fix, commands };
    }
}

async function sameHost(run: (a: string[]) => Promise<string>, input: PreflightInput, destCapabilities: Promise<string>): Promise<CheckResult> {
    const commands = [v.capabilities(input.sourceUri), v.capabilities(input.destinationUri), v.hostname(input.sourceUri), v.hostname(input.destinationUri)];
    try {
        const [a, b, ha, hb] = await Promise.all([run(commands[0]!), destCapabilities, run(commands[2]!), run(commands[3]!)]);
        const ua = parseCapabilities(a!).hostUuid, ub = parseCapabilities(b!).hostUuid;
        if (ua && ua === ub)
            return { id: "same-host", severity: "error", title: `Source and destination have the same host UUID (${ua})`, commands,
                detail: "libvirt refuses with \"Attempt to migrate guest to the same host\". It is the same host, or a cloned installation.",
                fix: "Choose another destination, or give each host a unique host_uuid in /etc/libvirt/libvirtd.conf and restart libvirtd." };
        if (ha!.trim() && ha!.trim() === hb!.trim())
            return { id: "same-host", severity: "warning", title: `Both hosts are called ${ha!.trim()}`, commands,
                fix: "Give each host its own host name: migration resolves the destination by name unless a migration address is set." };
        return { id: "same-host", severity: "pass", title: `Different hosts (${ha!.trim()} → ${hb!.trim()})`, commands };
    } catch (e) {
        return { ...cannot("same-host", "Same-host check", e), commands };
    }
}

async function cpu(run: (a: string[], i?: string) => Promise<string>, input: PreflightInput, d: DomainDefinition): Promise<CheckResult> {
    const argv = v.hypervisorCpuCompare(input.destinationUri, d.type);
    if (d.cpuMode === "host-passthrough" || d.cpuMode === "maximum")
        return { id: "cpu", severity: "warning", title: `The VM uses ${d.cpuMode}: it can only move between identical CPUs`, commands: [],
            fix: "Use a CPU model both hosts support (a CPU baseline of the hosts), then restart the VM before migrating." };
    if (!d.cpuXml)
        return { id: "cpu", severity: "pass", title: d.cpuMode === "host-model" ? "host-model CPU: libvirt fixes the model when the VM starts" : "No specific CPU model: the hypervisor default", commands: [] };
    try {
        const out = await run(argv, d.cpuXml);
        return { id: "cpu", severity: "pass", title: `CPU model ${d.cpuModel} runs on ${input.destinationLabel}`, detail: out.trim(), commands: [argv] };
    } catch (e) {
        return { id: "cpu", severity: "error", title: `${input.destinationLabel} cannot run CPU model ${d.cpuModel}`, detail: message(e), commands: [argv],
            fix: "Use a CPU model both hosts support (the CPU baseline of both hosts), restart the VM, then migrate." };
    }
}

async function storage(run: (a: string[]) => Promise<string>, input: PreflightInput, d: DomainDefinition): Promise<CheckResult[]> {
    const disks = d.disks.filter(x => x.source);
    if (disks.length === 0) return [{ id: "storage", severity: "pass", title: "No disks to share or copy", commands: [] }];
    const copying = input.options.storage !== "shared";
    return Promise.all(disks.map(async (disk): Promise<CheckResult> => {
        const argv = v.volInfo(input.destinationUri, disk.source!);
        const id = `storage:${disk.target ?? disk.source}`;
        if (disk.device === "cdrom" || disk.device === "floppy")
            return { id, severity: "warning", title: `${disk.target}: local ${disk.device} image ${disk.source}`, commands: [],
                fix: "Eject it, or make sure the same image exists on the destination." };
        let visible = false;
        try { await run(argv); visible = true } catch { visible = false }
        if (copying) return { id, severity: "pass", title: `${disk.target}: ${disk.source} will be copied`, commands: [argv],
            ...(visible ? { detail: "The destination already has a volume at that path: it will be overwritten by the copy." } : {}) };
        return visible
            ? { id, severity: "pass", title: `${disk.target}: ${disk.source} is visible on ${input.destinationLabel}`, commands: [argv] }
            : { id, severity: "error", title: `${disk.target}: ${disk.source} is not visible on ${input.destinationLabel}`, commands: [argv],
                detail: "No storage pool on the destination holds a volume at this path.",
                fix: "Choose \"Copy all disks\", or share the images (NFS at the same path) and define a storage pool for them." };
    }));
}

function devices(d: DomainDefinition): CheckResult {
    if (d.hostdevs.length === 0) return { id: "devices", severity: "pass", title: "No passthrough, SR-IOV or mediated devices", commands: [] };
    return { id: "devices", severity: "error", title: `Devices that cannot migrate: ${d.hostdevs.join(", ")}`, commands: [],
        detail: "PCI passthrough, SR-IOV virtual functions and mediated devices (vGPU) are bound to this host's hardware.",
        fix: "Detach them before migrating (virsh detach-device), and attach the destination's own afterwards." };
}

function numa(d: DomainDefinition): CheckResult {
    if (!d.vcpupin && !d.numatune) return { id: "numa", severity: "pass", title: "No vCPU or NUMA pinning", commands: [] };
    return { id: "numa", severity: "warning", title: `The VM pins ${[d.vcpupin && "vCPUs", d.numatune && "memory (numatune)"].filter(Boolean).join(" and ")}`, commands: [],
        fix: "Check that the destination has the same host CPUs and NUMA nodes, or remove the pinning; otherwise performance may suffer or the start fails." };
}

async function machineType(destCapabilities: Promise<string>, input: PreflightInput, d: DomainDefinition): Promise<CheckResult> {
    const argv = v.capabilities(input.destinationUri);
    if (!d.machine) return { id: "machine", severity: "info", title: "The VM names no machine type", commands: [] };
    try {
        const offered = [...parseMachineTypes(await destCapabilities).values()].some(set => set.has(d.machine!));
        return offered
            ? { id: "machine", severity: "pass", title: `Machine type ${d.machine} is available on ${input.destinationLabel}`, commands: [argv] }
            : { id: "machine", severity: "error", title: `${input.destinationLabel}'s QEMU does not offer machine type ${d.machine}`, commands: [argv],
                detail: "A VM keeps its machine type when it migrates; the destination's QEMU must offer it (older QEMU versions lack newer types).",
                fix: "Migrate to a host with the same or a newer QEMU, or change the VM's machine type while it is shut down." };
    } catch (e) {
        return { ...cannot("machine", "Machine type", e), commands: [argv] };
    }
}

/** Every libvirt network the VM's interfaces use must exist and be active on the destination. */
async function networks(run: (a: string[]) => Promise<string>, input: PreflightInput, d: DomainDefinition): Promise<CheckResult[]> {
    const nets = [...new Set(d.interfaces.filter(i => i.type === "network" && i.source).map(i => i.source!))];
    const bridges = [...new Set(d.interfaces.filter(i => i.type === "bridge" && i.source).map(i => i.source!))];
    const results: CheckResult[] = await Promise.all(nets.map(async (net): Promise<CheckResult> => {
        const argv = v.netInfo(input.destinationUri, net);
        try {
            const active = /^Active:\s+yes/m.test(await run(argv));
            return active ? { id: `network:${net}`, severity: "pass", title: `Network ${net} is active on ${input.destinationLabel}`, commands: [argv] }
                : { id: `network:${net}`, severity: "error", title: `Network ${net} is not active on ${input.destinationLabel}`, commands: [argv], fix: `Start it there: virsh net-start ${net}` };
        } catch (e) {
            return { id: `network:${net}`, severity: "error", title: `Network ${net} does not exist on ${input.destinationLabel}`, detail: message(e), commands: [argv],
                fix: "Define the same network on the destination, or change the VM's interface." };
        }
    }));
    for (const br of bridges) results.push({ id: `bridge:${br}`, severity: "info", title: `Bridge ${br} must exist on ${input.destinationLabel}`, commands: [],
        fix: "The VM's interface attaches to a host bridge of that name; create it there with the same network behind it." });
    if (results.length === 0) results.push({ id: "networks", severity: "pass", title: "No network interfaces to match", commands: [] });
    return results;
}

const OS_RELEASE = ["cat", "/etc/os-release"];

async function hostVersions(runner: Runner, input: PreflightInput, machine: string | null): Promise<CheckResult> {
    if (!input.sourceTarget || !input.destinationTarget)
        return { id: "host-versions", severity: "info", title: "Host versions: no way to read the hosts' /etc/os-release", commands: [] };
    try {
        const [a, b] = await Promise.all([input.sourceTarget, input.destinationTarget].map(t => runner.run(t!, OS_RELEASE, { timeoutMs: TIMEOUT })));
        return supportedPath(parseOsRelease(a!), parseOsRelease(b!), machine, [OS_RELEASE]);
    } catch (e) {
        return { ...cannot("host-versions", "Host versions", e), severity: "info" };
    }
}

async function capacity(run: (a: string[]) => Promise<string>, input: PreflightInput, d: DomainDefinition): Promise<CheckResult> {
    const commands = [v.nodeinfo(input.destinationUri), v.domstatsActive(input.destinationUri)];
    try {
        const [info, stats] = await Promise.all(commands.map(c => run(c)));
        const totalKiB = Number(/^Memory size:\s+(\d+) KiB/m.exec(info!)?.[1] ?? NaN);
        const cpus = Number(/^CPU\(s\):\s+(\d+)/m.exec(info!)?.[1] ?? NaN);
        const committed = parseDomstats(stats!).reduce((sum, s) => sum + Number(s.fields.get("balloon.current") ?? s.fields.get("balloon.maximum") ?? 0), 0);
        const need = d.memoryKiB ?? 0;
        const ratio = (committed + need) / totalKiB;
        const gib = (k: number) => (k / 1048576).toFixed(1);
        const title = `${input.destinationLabel}: ${gib(committed + need)} of ${gib(totalKiB)} GiB memory committed with this VM (${Math.round(ratio * 100)}%), ${cpus} CPUs`;
        if (!Number.isFinite(ratio)) return { ...cannot("capacity", "Destination capacity", "nodeinfo gave no memory size"), commands };
        if (ratio > 1) return { id: "capacity", severity: "error", title, commands,
            detail: "Running VMs would be promised more memory than the host has (memory overcommit): the host may swap or the OOM killer may end a VM.",
            fix: "Choose a destination with more free memory, or move or shut down other VMs there first." };
        if (ratio > 0.9) return { id: "capacity", severity: "warning", title, commands, fix: "Less than 10% of the destination's memory would stay free for the host itself." };
        return { id: "capacity", severity: "pass", title, commands };
    } catch (e) {
        return { ...cannot("capacity", "Destination capacity", e), commands };
    }
}

/** Measures the guest's dirty-page rate for 1 s and predicts the migration's duration. */
async function dirtyRate(run: (a: string[]) => Promise<string>, deps: PreflightDeps, input: PreflightInput, d: DomainDefinition): Promise<CheckResult> {
    const commands = [v.domdirtyrateCalc(input.sourceUri, input.domain, 1), v.domstats(input.sourceUri, input.domain, "--dirtyrate")];
    const sleep = deps.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
    try {
        await run(commands[0]!);
        let mibs: number | null = null;
        for (let i = 0; i < 20 && mibs === null; i++) {
            await sleep(i === 0 ? 1100 : 250);
            const f = parseDomstats(await run(commands[1]!))[0]?.fields;
            if (f?.get("dirtyrate.calc_status") === "2") mibs = Number(f.get("dirtyrate.megabytes_per_second") ?? NaN);
        }
        if (mibs === null || !Number.isFinite(mibs)) return { ...cannot("dirtyrate", "Dirty rate", "the measurement did not finish"), commands };
        return predict(mibs, (d.memoryKiB ?? 0) / 1024, input.options.bandwidthMiBs, commands);
    } catch (e) {
        return { ...cannot("dirtyrate", "Dirty rate", e), commands };
    }
}

/** Pre-copy sends the memory once, then what was dirtied meanwhile, round after round. */
export function predict(dirtyMiBs: number, memoryMiB: number, bandwidthMiBs: number | undefined, commands: string[][]): CheckResult {
    const bw = bandwidthMiBs ?? 112; // 1 Gbit/s when no limit is set: a conservative link speed
    const assumed = bandwidthMiBs ? `at the ${bw} MiB/s limit` : "at 1 Gbit/s (about 112 MiB/s)";
    if (dirtyMiBs >= bw * 0.9)
        return { id: "dirtyrate", severity: "warning", title: `The VM dirties ${dirtyMiBs} MiB/s: faster than it can be copied ${assumed}`, commands,
            fix: "Allow post-copy or auto-converge, raise the bandwidth, or migrate when the VM is less busy." };
    const seconds = memoryMiB / (bw - dirtyMiBs);
    return { id: "dirtyrate", severity: "pass", title: `Dirty rate ${dirtyMiBs} MiB/s: about ${seconds < 1 ? "1" : Math.round(seconds)} s for ${Math.round(memoryMiB)} MiB ${assumed}`, commands };
}
