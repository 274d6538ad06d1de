/**
 * Will this migration converge? A verdict from the job's samples over time (./samples.ts), with the
 * pre-copy model the pre-flight uses (predictPrecopy, src/preflight/dirtyrate.ts): each pass sends
 * what the guest dirtied during the one before, and QEMU switches over once the rest fits in the
 * maximum downtime. It can only converge while the guest dirties memory slower than it is sent.
 */
import { predictPrecopy } from "../preflight/dirtyrate";
import type { Sample } from "./samples";

const MiB = 1048576;

export type Verdict =
    /** no samples yet, or in post-copy (it always completes) */
    | { kind: "unknown" | "postcopy" }
    /** the first pass: QEMU has no dirty rate yet; the pass ends in about `passS` */
    | { kind: "first-pass"; passS: number }
    | { kind: "converges"; etaS: number; later: Later | null }
    | { kind: "diverges"; dirtyBps: number; bps: number }
    | { kind: "stalled"; iterations: number };

/** Why the ETA grew since the last estimate: it never grows without one of these. */
export type Later = "dirty-rate" | "bandwidth" | "new-pass";

/** The remaining data at the start of each pass (the first sample of each iteration). */
export function passStarts(samples: readonly Sample[]): Sample[] {
    return samples.filter((s, i) => i === 0 || s.iteration !== samples[i - 1]!.iteration);
}

/**
 * Passes in a row at the end whose start did not send the rest down by 5 % (the pass before last
 * counts too: a pass that ends where it began is one the guest re-dirtied in full).
 */
export function stalledPasses(samples: readonly Sample[]): number {
    const starts = passStarts(samples).filter((s) => s.iteration > 1);
    let n = 0;
    for (let i = starts.length - 1; i > 0; i--) {
        if (starts[i]!.remaining >= starts[i - 1]!.remaining * 0.95) n++;
        else break;
    }
    return n;
}

/** libvirt expects the rest to fit in the maximum downtime: the switch-over comes at the end of this pass. */
const fits = (s: Sample, maxDowntimeMs: number) =>
    s.expectedDowntimeMs !== null && s.iteration > 1 && s.expectedDowntimeMs <= maxDowntimeMs;

/** Seconds from this sample until the switch-over, by the model; Infinity when it will not converge. */
export function estimate(s: Sample, maxDowntimeMs: number, measuredBps = 0): number {
    if (s.bps <= 0) return Infinity;
    // libvirt's own figure: the rest would fit now, so the switch-over comes at the end of this pass
    if (fits(s, maxDowntimeMs)) return s.remaining / s.bps;
    const p = predictPrecopy({
        dirtyMiBs: Math.max(s.dirtyBps, measuredBps) / MiB,
        memoryMiB: s.remaining / MiB,
        bandwidthMiBs: s.bps / MiB,
        maxDowntimeMs,
    });
    return p.converges ? p.seconds : Infinity;
}

/** A pass-over limit: at or above it the guest re-dirties as fast as it is sent. */
const DIVERGES = 0.95;
/**
 * Passes that sent nothing down before the verdict says "stalled". One is enough: QEMU counts each
 * dirtied page once per pass, so a guest that re-dirties a bounded working set faster than a pass
 * sends it reads a dirty rate of "working set / pass time", below the bandwidth (seen on the lab:
 * 497 pages/s, 2 MB/s, at 4.2 MB/s sent, from a guest writing 16 MiB/s over 96 MiB), and only the
 * next pass starting where this one did shows that it will not converge.
 */
export const STALLED_PASSES = 1;

/**
 * The verdict after the last sample. The ETA is folded over the samples (so a reload gives the same
 * answer): an estimate later than the last one shown replaces it only with its reason (the guest
 * dirties faster, less is sent per second, or a new pass found more to send); otherwise the ETA
 * counts down from the earlier estimate.
 */
export function verdict(samples: readonly Sample[], maxDowntimeMs: number, measuredBps?: number): Verdict {
    const s = samples.at(-1);
    if (!s) return { kind: "unknown" };
    if (s.postcopy) return { kind: "postcopy" };
    if (s.iteration <= 1) {
        // QEMU has no rate yet: the pre-flight's measurement (page sampling, before the start) says it
        if (measuredBps !== undefined && s.bps > 0 && measuredBps >= s.bps * DIVERGES)
            return { kind: "diverges", dirtyBps: measuredBps, bps: s.bps };
        return { kind: "first-pass", passS: s.bps > 0 ? s.remaining / s.bps : Infinity };
    }
    // QEMU's rate is a lower bound (pages counted once per pass): the pre-flight's measurement counts too
    const dirty = Math.max(s.dirtyBps, measuredBps ?? 0);
    if (!fits(s, maxDowntimeMs) && dirty >= s.bps * DIVERGES) return { kind: "diverges", dirtyBps: dirty, bps: s.bps };
    const stalled = stalledPasses(samples);
    if (stalled >= STALLED_PASSES) return { kind: "stalled", iterations: stalled };
    let shown: { end: number; from: Sample } | null = null;
    let later: Later | null = null;
    for (const x of samples) {
        if (x.iteration <= 1 || x.postcopy) continue;
        const e = estimate(x, maxDowntimeMs, measuredBps);
        if (!Number.isFinite(e)) {
            shown = null;
            continue;
        }
        const end = x.at + e * 1000;
        const prev: { end: number; from: Sample } | null = shown;
        if (prev === null || end <= prev.end) {
            if (prev === null) later = null;
            shown = { end, from: x };
            continue;
        }
        // later by more than 2 s and 10 %: shown with its reason; a smaller wobble keeps the countdown
        if (end - prev.end > Math.max(2000, 0.1 * (prev.end - x.at))) {
            later =
                x.dirtyBps > prev.from.dirtyBps * 1.1
                    ? "dirty-rate"
                    : x.bps < prev.from.bps * 0.9
                      ? "bandwidth"
                      : "new-pass";
            shown = { end, from: x };
        }
    }
    if (shown === null) return { kind: "diverges", dirtyBps: dirty, bps: s.bps };
    return { kind: "converges", etaS: Math.max(0, (shown.end - s.at) / 1000), later };
}
