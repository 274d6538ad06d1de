/**
 * The wizard's actions on real hosts: fetch each host's CPU, compute the baseline, validate it on
 * every host, apply it to VM definitions (with a backup for a one-click restore), restart VMs.
 */
import type { Host } from "../hosts/types";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";
import * as v from "../virsh/argv";
import * as c from "../virsh/cpu";
import {
    hostModelCpu,
    mergeHostCpus,
    parseCompare,
    parseCpu,
    type CompareVerdict,
    type CpuModel,
    type HostCpu,
} from "./hostcpu";
import { cpuOf, replaceCpuExplained } from "./definition";
import type { DomainRef, DomainUuid } from "../domains/types";

export const BACKUP_DIR = "/var/lib/cockpit-migrate/cpu-backups";
const message = (e: unknown) => errorText(e, { stderr: true, trim: true });

export type CpuHost = Pick<Host, "label" | "uri">;

export async function fetchHostCpu(runner: Runner, host: CpuHost, virttype?: string): Promise<HostCpu> {
    return hostModelCpu(
        host.label,
        await runner.run(LOCAL, c.domcapabilities(host.uri, virttype), { timeoutMs: 60_000 }),
    );
}

export interface Baseline extends CpuModel {
    xml: string;
    input: string;
    argv: string[];
    /** The virtualization type it was computed for (`--virttype`); null: the host's default. */
    virttype: string | null;
}

export async function computeBaseline(
    runner: Runner,
    on: CpuHost,
    cpus: HostCpu[],
    options: { virttype?: string; features?: boolean; migratable?: boolean },
): Promise<Baseline> {
    const input = mergeHostCpus(cpus);
    const argv = c.hypervisorCpuBaseline(on.uri, options);
    const xml = await runner.run(LOCAL, argv, { input, timeoutMs: 60_000 });
    return { ...parseCpu(xml), xml, input, argv, virttype: options.virttype ?? null };
}

export interface Validation {
    host: string;
    verdict: CompareVerdict;
    reason: string;
    argv: string[];
}

/** `hypervisor-cpu-compare` of the baseline on every host. */
export function validateBaseline(
    runner: Runner,
    hosts: CpuHost[],
    baselineXml: string,
    virttype?: string,
): Promise<Validation[]> {
    return Promise.all(
        hosts.map(async (h) => {
            const argv = c.cpuCompare(h.uri, virttype);
            try {
                const out = await runner.run(LOCAL, argv, { input: baselineXml, timeoutMs: 60_000 });
                return { host: h.label, ...parseCompare(out, true), argv };
            } catch (e) {
                return { host: h.label, ...parseCompare(message(e), false), argv };
            }
        }),
    );
}

export interface ApplyResult {
    domain: string;
    uuid: DomainUuid;
    ok: boolean;
    backup: string | null;
    error?: string;
    before?: string;
    after?: string;
    dropped?: string[];
}

const stamp = (now: number) => new Date(now).toISOString().replace(/[:.]/g, "-");
/**
 * A file name for the backup of a domain's definition: the name is encoded, never a path, and the
 * UUID makes it the VM's own (two hosts' VMs of one name applied in the same millisecond would
 * otherwise write one file, and the first backup would be lost).
 */
export function backupPath(domain: string, uuid: DomainUuid, now: number): string {
    const safe = Array.from(new TextEncoder().encode(domain), (b) =>
        /[A-Za-z0-9_-]/.test(String.fromCharCode(b))
            ? String.fromCharCode(b)
            : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    ).join("");
    return `${BACKUP_DIR}/${safe.slice(0, 140)}-${uuid}-${stamp(now)}.xml`;
}

/**
 * The new definition of one VM (for the diff), without changing anything. Read with its secure
 * fields (console passwords, …): it is defined again, and a definition without them would erase
 * them. The backup then holds them too (written 0600 in a 0700 directory).
 */
export async function preview(
    runner: Runner,
    uri: string,
    domain: DomainUuid,
    baselineXml: string,
): Promise<{ before: string; after: string; dropped: string[] }> {
    const before = await runner.run(LOCAL, v.dumpxml(uri, domain, { inactive: true, securityInfo: true }), {
        timeoutMs: 30_000,
    });
    const r = replaceCpuExplained(before, baselineXml);
    return { before, after: r.xml, dropped: r.dropped };
}

/**
 * Applies the baseline to each VM's persistent definition: the current definition is saved first,
 * then `virsh define` replaces it (libvirt keeps the old one when define fails). Each VM is
 * reported; one failure does not stop the others.
 */
export async function applyBaseline(
    runner: Runner,
    files: FileStore,
    uri: string,
    domains: DomainRef[],
    baselineXml: string,
    now = Date.now,
): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const { uuid, name: domain } of domains) {
        let backup: string | null = null;
        try {
            const { before, after, dropped } = await preview(runner, uri, uuid, baselineXml);
            backup = backupPath(domain, uuid, now());
            await writePrivate(runner, files, backup, before);
            await runner.run(LOCAL, c.defineFromStdin(uri), { input: after, timeoutMs: 30_000 });
            results.push({ domain, uuid, ok: true, backup, before, after, dropped });
        } catch (e) {
            results.push({ domain, uuid, ok: false, backup, error: message(e) });
        }
    }
    return results;
}

/**
 * Writes a file that may hold secrets: its directory is made 0700 first, the file is created
 * 0600 (the file channel creates new files so) and set 0600 again in case it existed.
 */
async function writePrivate(runner: Runner, files: FileStore, path: string, content: string): Promise<void> {
    await runner.run(LOCAL, ["mkdir", "-p", "-m", "700", "--", BACKUP_DIR]);
    await runner.run(LOCAL, ["chmod", "700", "--", BACKUP_DIR]);
    await files.replace(path, content, null);
    await runner.run(LOCAL, ["chmod", "600", "--", path]);
}

/** Defines the VM again from a backup taken by applyBaseline. */
export async function restoreDefinition(runner: Runner, files: FileStore, uri: string, backup: string): Promise<void> {
    const { content } = await files.read(backup);
    if (content === null) throw new Error(format(_("The backup $0 no longer exists"), backup));
    await runner.run(LOCAL, c.defineFromStdin(uri), { input: content, timeoutMs: 30_000 });
}

export type RestartPhase = "shutting-down" | "forcing-off" | "starting" | "running" | "failed";

/** Graceful shutdown, wait up to `timeoutMs` (then force off if allowed), start. */
export async function restartDomain(
    runner: Runner,
    uri: string,
    { uuid, name: domain }: DomainRef,
    o: {
        timeoutMs: number;
        force: boolean;
        onPhase?: (p: RestartPhase, secondsLeft?: number) => void;
        sleep?: (ms: number) => Promise<void>;
        now?: () => number;
    },
): Promise<void> {
    const sleep = o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = o.now ?? Date.now;
    const state = async () => (await runner.run(LOCAL, v.domstate(uri, uuid), { timeoutMs: 30_000 })).trim();
    o.onPhase?.("shutting-down", Math.round(o.timeoutMs / 1000));
    if (!/^shut off/.test(await state())) {
        await runner.run(LOCAL, c.shutdown(uri, uuid), { timeoutMs: 30_000 });
        const end = now() + o.timeoutMs;
        while (!/^shut off/.test(await state())) {
            if (now() >= end) {
                if (!o.force) {
                    o.onPhase?.("failed");
                    throw new Error(
                        format(
                            _("$0 did not shut down within $1 s; it still runs with its old CPU"),
                            domain,
                            Math.round(o.timeoutMs / 1000),
                        ),
                    );
                }
                o.onPhase?.("forcing-off");
                await runner.run(LOCAL, c.destroy(uri, uuid), { timeoutMs: 30_000 });
                break;
            }
            o.onPhase?.("shutting-down", Math.max(0, Math.round((end - now()) / 1000)));
            await sleep(1000);
        }
    }
    o.onPhase?.("starting");
    await runner.run(LOCAL, c.start(uri, uuid), { timeoutMs: 60_000 });
    o.onPhase?.("running");
}

/** Whether a running VM still uses another CPU than its persistent definition (it needs a restart). */
export async function needsRestart(runner: Runner, uri: string, domain: DomainUuid): Promise<boolean> {
    const [live, inactive] = await Promise.all([
        runner.run(LOCAL, v.dumpxml(uri, domain), { timeoutMs: 30_000 }),
        runner.run(LOCAL, v.dumpxml(uri, domain, { inactive: true }), { timeoutMs: 30_000 }),
    ]);
    const a = parseCpuOf(live),
        b = parseCpuOf(inactive);
    return a.model !== b.model || [...a.req].sort().join() !== [...b.req].sort().join();
}

function parseCpuOf(domainXml: string): { model: string | null; req: string[] } {
    const xml = cpuOf(domainXml);
    if (!xml) return { model: null, req: [] };
    const cpu = parseCpu(xml);
    return { model: cpu.model, req: cpu.features.filter((f) => f.policy === "require").map((f) => f.name) };
}
