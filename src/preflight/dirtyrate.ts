/**
 * Dirty rate: how fast the guest writes its memory (`virsh domdirtyrate-calc`, read back with
 * `domstats --dirtyrate`), and a pre-copy model that predicts whether the migration converges
 * and how long it takes.
 */
import type { Runner, RunTarget } from "../../pkg/lib/runner";
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
    options: { mode?: v.DirtyRateMode; sleep?: (ms: number) => Promise<void>; signal?: AbortSignal } = {},
): Promise<DirtyRateSample> {
    const [calc, stats] = dirtyRateCommands(uri, domain, seconds, options.mode);
    const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    await runner.run(target, calc!, { timeoutMs: 30_000 });
    await sleep(seconds * 1000 + 100);
    for (let i = 0; i < 40; i++) {
        if (options.signal?.aborted) throw new Error("Cancelled");
        const f = parseDomstats(await runner.run(target, stats!, { timeoutMs: 30_000 }))[0]?.fields;
        if (f?.get("dirtyrate.calc_status") === "2") {
            const mibs = Number(f.get("dirtyrate.megabytes_per_second") ?? NaN);
            if (!Number.isFinite(mibs)) throw new Error("libvirt reported no dirty rate");
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
    throw new Error("The measurement did not finish");
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
