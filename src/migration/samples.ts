/**
 * Job statistics over time: the detached job (./autopilot.ts) appends one line per second to
 * "$dir/samples" while libvirt runs the migration, so the chart and the verdict survive a reload
 * and a closed tab. A line is what `awk` printed from `domjobinfo --rawstats`, in this order:
 * the time (ms since the epoch), then the raw fields of FIELDS, "-" where libvirt gave none.
 */
import type { JobStats } from "./jobinfo";

/** The raw `domjobinfo --rawstats` fields a sample keeps, in the order of a line. */
export const FIELDS = [
    "time_elapsed",
    "data_total",
    "data_remaining",
    "memory_bps",
    "memory_dirty_rate",
    "memory_page_size",
    "memory_iteration",
    "downtime",
    "memory_postcopy_requests",
] as const;

export interface Sample {
    /** ms since the epoch, on the clock of the host that runs the job */
    at: number;
    elapsedMs: number;
    total: number;
    remaining: number;
    /** bytes per second sent */
    bps: number;
    /** bytes per second dirtied (QEMU measures it over a completed pass: 0 during the first) */
    dirtyBps: number;
    iteration: number;
    /** libvirt's expected downtime while running */
    expectedDowntimeMs: number | null;
    postcopy: boolean;
}

/** The sample a running job's statistics make; null before libvirt counts any data. */
export function sampleOf(s: JobStats, at: number): Sample | null {
    if (!(s.type === "bounded" || s.type === "unbounded") || !s.dataTotal) return null;
    return {
        at,
        elapsedMs: s.timeElapsedMs ?? 0,
        total: s.dataTotal,
        remaining: s.dataRemaining ?? s.dataTotal,
        bps: (s.memoryBps ?? 0) + (s.diskBps ?? 0),
        dirtyBps: (s.dirtyRate ?? 0) * (s.pageSize ?? 4096),
        iteration: s.iteration ?? 0,
        expectedDowntimeMs: s.downtimeMs,
        postcopy: (s.postcopyRequests ?? 0) > 0,
    };
}

/** The samples of the job's file; a line that is not one (cut short, from another version) is skipped. */
export function parseSamples(text: string): Sample[] {
    const out: Sample[] = [];
    for (const line of text.split("\n")) {
        const w = line.trim().split(/\s+/);
        if (w.length !== FIELDS.length + 1) continue;
        const n = w.map((x) => (/^\d+$/.test(x) ? Number(x) : null));
        const [at, elapsed, total, remaining, bps, dirty, page, iteration, downtime, requests] = n;
        if (at == null || !total) continue;
        out.push({
            at,
            elapsedMs: elapsed ?? 0,
            total,
            remaining: remaining ?? total,
            bps: bps ?? 0,
            dirtyBps: (dirty ?? 0) * (page ?? 4096),
            iteration: iteration ?? 0,
            expectedDowntimeMs: downtime,
            postcopy: (requests ?? 0) > 0,
        });
    }
    return out;
}

/** At most `max` samples, evenly picked, always with the last (for a chart of a long migration). */
export function thin<T>(xs: readonly T[], max: number): T[] {
    if (xs.length <= max) return [...xs];
    const step = (xs.length - 1) / (max - 1);
    return Array.from({ length: max }, (_v, i) => xs[Math.round(i * step)]!);
}
