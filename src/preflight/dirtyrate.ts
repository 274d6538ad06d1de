/**
 * Dirty rate: how fast the guest writes its memory (`virsh domdirtyrate-calc`, read back with
 * `domstats --dirtyrate`), and a pre-copy model that predicts whether the migration converges
 * and how long it takes.
 */
import { untilAborted, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { parseDomstats } from "../domains/parse";
import * as v from "../virsh/argv";
import { _, format, ngettext } from "../../pkg/lib/gettext";

/** 1 Gbit/s in MiB/s: assumed for the link when no bandwidth limit is set. */
export const ASSUMED_LINK_MIBS = 112;
/** QEMU's default maximum downtime. */
export const DEFAULT_DOWNTIME_MS = 300;

export interface DirtyRateSample {
    mibs: number;
    seconds: number;
    mode: string | null;
    residentMiB: number | null;
}

export function dirtyRateCommands(
    uri: string,
    domain: v.DomainUuid,
    seconds: number,
    mode?: v.DirtyRateMode,
): string[][] {
    return [v.domdirtyrateCalc(uri, domain, seconds, mode), v.domstats(uri, domain, "--dirtyrate", "--balloon")];
}

/** Starts a measurement of `seconds`, then polls until libvirt reports it measured (calc_status 2). */
export async function measureDirtyRate(
    runner: Runner,
    target: RunTarget,
    uri: string,
    domain: v.DomainUuid,
    seconds: number,
    options: MeasureOptions = {},
): Promise<DirtyRateSample> {
    const [calc, stats] = dirtyRateCommands(uri, domain, seconds, options.mode);
    const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    const status = async () => parseDomstats(await runner.run(target, stats!, { timeoutMs: 30_000 }))[0]?.fields;
    try {
        await runner.run(target, calc!, { timeoutMs: 30_000 });
    } catch (e) {
        // QEMU measures one period at a time: another measurement (another page, another admin) is running.
        // Known by libvirt's calc_status 1 (measuring), not by QEMU's words: wait for it, then start ours.
        let measuring = (await status())?.get("dirtyrate.calc_status") === "1";
        if (!measuring) throw e;
        for (let i = 0; measuring && i < MAX_SECONDS * 4 + 40; i++) {
            if (options.signal?.aborted) throw new Error(_("Cancelled"));
            await sleep(250);
            measuring = (await status())?.get("dirtyrate.calc_status") === "1";
        }
        await runner.run(target, calc!, { timeoutMs: 30_000 });
    }
    await sleep(seconds * 1000 + 100);
    for (let i = 0; i < 40; i++) {
        if (options.signal?.aborted) throw new Error(_("Cancelled"));
        const f = await status();
        if (f?.get("dirtyrate.calc_status") === "2") {
            const mibs = Number(f.get("dirtyrate.megabytes_per_second") ?? NaN);
            if (!Number.isFinite(mibs)) throw new Error(_("libvirt reported no dirty rate"));
            const rss = Number(f.get("balloon.rss") ?? NaN);
            return {
                mibs,
                seconds: Number(f.get("dirtyrate.calc_period") ?? seconds),
                mode: f.get("dirtyrate.calc_mode") ?? null,
                residentMiB: Number.isFinite(rss) ? rss / 1024 : null,
            };
        }
        await sleep(250);
    }
    throw new Error(_("The measurement did not finish"));
}

/** libvirt accepts 1–60 s. */
const MAX_SECONDS = 60;

type MeasureOptions = { mode?: v.DirtyRateMode; sleep?: (ms: number) => Promise<void>; signal?: AbortSignal };

/**
 * The dirty rate is the guest's, not the destination's: one measurement per VM and period serves every pre-flight
 * that asks for it within `ttlMs` (a destination chosen, then another, then a bandwidth limit typed). QEMU measures
 * one period at a time ("already being measured"), so a measurement of another period for the same VM waits for
 * the running one to end. A caller's signal stops only that caller's wait: the measurement goes on for the others
 * (it ends by itself after its period). Failures are not kept.
 */
export class DirtyRateMeter {
    private readonly results = new Map<string, { sample: DirtyRateSample; at: number }>();
    private readonly pending = new Map<string, Promise<DirtyRateSample>>();
    /** Per VM: the last measurement started, which the next one for that VM waits for. */
    private readonly latest = new Map<string, Promise<unknown>>();

    constructor(
        private readonly ttlMs = 60_000,
        private readonly now: () => number = Date.now,
    ) {}

    measure(
        runner: Runner,
        target: RunTarget,
        uri: string,
        domain: v.DomainUuid,
        seconds: number,
        options: MeasureOptions = {},
    ): Promise<DirtyRateSample> {
        const vm = JSON.stringify([target.kind === "local" ? "" : target, uri, domain]);
        const key = JSON.stringify([vm, seconds, options.mode ?? null]);
        const kept = this.results.get(key);
        if (kept && this.now() - kept.at <= this.ttlMs) return Promise.resolve(kept.sample);
        let p = this.pending.get(key);
        if (!p) {
            const before = this.latest.get(vm) ?? Promise.resolve();
            const { mode, sleep } = options;
            const started: Promise<DirtyRateSample> = before
                .catch(() => undefined)
                .then(() =>
                    measureDirtyRate(runner, target, uri, domain, seconds, {
                        ...(mode ? { mode } : {}),
                        ...(sleep ? { sleep } : {}),
                    }),
                );
            p = started;
            this.pending.set(key, started);
            this.latest.set(vm, started);
            started.then(
                (sample) => this.results.set(key, { sample, at: this.now() }),
                () => undefined,
            );
            void started
                .catch(() => undefined)
                .finally(() => {
                    if (this.pending.get(key) === started) this.pending.delete(key);
                    if (this.latest.get(vm) === started) this.latest.delete(vm);
                });
        }
        return untilAborted(p, options.signal, () => new Error(_("Cancelled")));
    }
}

export interface PredictInput {
    dirtyMiBs: number;
    /** The guest's memory size. */
    memoryMiB: number;
    /** Memory QEMU has actually touched (balloon.rss): only that is sent in full in the first pass. */
    residentMiB?: number | null;
    bandwidthMiBs?: number;
    maxDowntimeMs?: number;
    parallelConnections?: number;
}

export interface Prediction {
    converges: boolean;
    /** Seconds from start to the switch-over (including the final pause). */
    seconds: number;
    rounds: number;
    bandwidthMiBs: number;
    /** What the first pass sends, MiB. */
    firstPassMiB: number;
    /** The bandwidth assumption in words. */
    assumption: string;
}

/**
 * Pre-copy: the first pass sends the touched memory; each later pass sends what the guest dirtied
 * during the previous one; QEMU pauses the guest and sends the rest once that fits in the maximum
 * downtime. It converges only while the guest dirties memory slower than it is sent.
 */
export function predictPrecopy(i: PredictInput): Prediction {
    const limited = i.bandwidthMiBs !== undefined && i.bandwidthMiBs > 0;
    const bw = limited ? Math.min(i.bandwidthMiBs!, ASSUMED_LINK_MIBS * 100) : ASSUMED_LINK_MIBS;
    const downtime = (i.maxDowntimeMs ?? DEFAULT_DOWNTIME_MS) / 1000;
    const conns = Math.max(1, i.parallelConnections ?? 1);
    const assumption = limited
        ? format(_("at the $0 MiB/s limit"), bw)
        : format(_("at 1 Gbit/s (about $0 MiB/s)"), ASSUMED_LINK_MIBS);
    const first = Math.min(i.memoryMiB, i.residentMiB && i.residentMiB > 0 ? i.residentMiB : i.memoryMiB);
    const base = {
        bandwidthMiBs: bw,
        firstPassMiB: first,
        assumption:
            conns > 1
                ? format(ngettext("$0, $1 connection", "$0, $1 connections", conns), assumption, conns)
                : assumption,
    };
    let seconds = first / bw,
        pending = i.dirtyMiBs * seconds,
        rounds = 1;
    while (pending / bw > downtime) {
        if (i.dirtyMiBs >= bw || rounds >= 1000) return { converges: false, seconds: Infinity, rounds, ...base };
        const t = pending / bw;
        seconds += t;
        pending = i.dirtyMiBs * t;
        rounds++;
    }
    return { converges: true, seconds: seconds + pending / bw, rounds, ...base };
}

/** What to do when pre-copy will not converge or takes long. */
export function recommendations(p: PredictInput & { postcopy?: boolean; autoConverge?: boolean }): string[] {
    const out: string[] = [];
    const bw = p.bandwidthMiBs && p.bandwidthMiBs > 0 ? p.bandwidthMiBs : ASSUMED_LINK_MIBS;
    if (!p.postcopy)
        out.push(
            _(
                "allow post-copy (it always completes: the guest runs on the destination and fetches the rest on demand)",
            ),
        );
    if (!p.autoConverge) out.push(_("enable auto-converge (QEMU slows the guest's vCPUs until it converges)"));
    if (p.bandwidthMiBs && p.bandwidthMiBs > 0)
        out.push(format(_("raise the bandwidth limit above $0 MiB/s"), Math.ceil(p.dirtyMiBs * 1.5)));
    else if ((p.parallelConnections ?? 1) < 4)
        out.push(_("use more parallel connections, if one connection cannot fill the link"));
    const downtimeMs = Math.ceil((p.dirtyMiBs / bw) * 1000);
    if (p.dirtyMiBs < bw)
        out.push(format(_("allow a longer maximum downtime (about $0 ms sends one second of dirtying)"), downtimeMs));
    out.push(_("or migrate when the VM is less busy"));
    return out;
}
