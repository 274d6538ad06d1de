/**
 * What the progress card of a running migration shows, decided from what the page knows: the
 * detached job's own state (running, ended, being verified), whether Cancel was pressed, and the
 * latest `domjobinfo` samples. Only what is known is shown: libvirt reports zeros while it sets up
 * the destination (seen on the lab: a 64 MiB guest spends most of its one second there, with
 * `data_total: 0`), and a zero there means "not begun", not "0 B".
 */
import { progress, type JobStats } from "./jobinfo";

/**
 * started: the job process runs, libvirt has no migration job yet; connecting: libvirt's job runs but
 * no data has gone (the destination is being prepared); storage / precopy: disks / memory are copied
 * while the VM runs on the source; postcopy: it runs on the destination, the rest of its memory
 * follows; cancelling: Cancel was accepted, libvirt is stopping the job; completing: everything is
 * sent, the job ends; verifying: the job has ended and both hosts are asked where the VM is.
 */
export type ViewPhase =
    "started" | "connecting" | "storage" | "precopy" | "postcopy" | "cancelling" | "completing" | "verifying";

export interface ViewInput {
    /** The latest sample, whatever its type; null before the first answer (or when libvirt did not answer). */
    sample: JobStats | null;
    /** The last sample of a running libvirt job (type bounded/unbounded), if any was seen. */
    seen: JobStats | null;
    /** The detached process has exited. */
    jobEnded: boolean;
    /** The outcome is being checked on both hosts. */
    verifying: boolean;
    /** Cancel was pressed and libvirt accepted it. */
    cancelRequested: boolean;
    /** The switch to post-copy was accepted. */
    postcopySwitched: boolean;
    /** Since the migration started (the record's start), as the page measures it. */
    elapsedMs: number;
}

export type FigureKey = "speed" | "dirtyRate" | "iteration" | "expectedDowntime" | "elapsed" | "timeLeft";

/** One known figure: bytes per second (speed, dirtyRate), a count (iteration), or milliseconds. */
export interface Figure {
    key: FigureKey;
    value: number;
}

export interface ProgressView {
    phase: ViewPhase;
    /** 0..100 once libvirt has a total to measure against; null: no bar, the phase says what happens. */
    percent: number | null;
    /** Bytes, once libvirt counts them (a total above zero). */
    data: { processed: number; remaining: number | null; total: number } | null;
    /** Only the figures that are known, in display order. */
    figures: Figure[];
}

const RUNNING = new Set(["bounded", "unbounded"]);

function phaseOf(input: ViewInput, s: JobStats | null): ViewPhase {
    if (input.verifying) return "verifying";
    if (input.jobEnded) return "completing";
    const sample = input.sample;
    if (sample?.type === "completed") return "completing";
    if (input.cancelRequested) return "cancelling";
    // libvirt's job is over (it answered "none" after a running job): the process is finishing
    if (sample !== null && !RUNNING.has(sample.type) && input.seen !== null) return "completing";
    if (s === null) return "started";
    if (input.postcopySwitched || (s.postcopyRequests ?? 0) > 0) return "postcopy";
    if (!((s.dataTotal ?? 0) > 0)) return "connecting";
    if ((s.diskRemaining ?? 0) > 0 && (s.memoryProcessed ?? 0) === 0) return "storage";
    if (s.dataRemaining === 0) return "completing";
    return "precopy";
}

export function progressView(input: ViewInput): ProgressView {
    // the figures come from the running job's last sample: they stay while cancelling or completing
    const s = input.sample !== null && RUNNING.has(input.sample.type) ? input.sample : input.seen;
    const phase = phaseOf(input, s);
    const counting = s !== null && (s.dataTotal ?? 0) > 0;
    const p = s !== null ? progress(s) : null;
    const figures: Figure[] = [];
    const moving = phase === "precopy" || phase === "storage" || phase === "postcopy" || phase === "cancelling";
    if (counting && p) {
        if (moving && p.mibPerSecond !== null) figures.push({ key: "speed", value: p.mibPerSecond * 1048576 });
        // QEMU measures the dirty rate over a completed pass: no figure during the first
        if (p.dirtyMiBPerSecond !== null && (s.iteration ?? 0) > 1)
            figures.push({ key: "dirtyRate", value: p.dirtyMiBPerSecond * 1048576 });
        if ((s.iteration ?? 0) > 0) figures.push({ key: "iteration", value: s.iteration! });
        if (s.downtimeMs !== null && (phase === "precopy" || phase === "storage"))
            figures.push({ key: "expectedDowntime", value: s.downtimeMs });
    }
    figures.push({ key: "elapsed", value: Math.max(input.elapsedMs, s?.timeElapsedMs ?? 0) });
    if (counting && p && p.etaSeconds !== null && (phase === "precopy" || phase === "storage"))
        figures.push({ key: "timeLeft", value: p.etaSeconds * 1000 });
    // completing: everything is sent; verifying keeps what was last known (a cancelled job stopped short)
    return {
        phase,
        percent: !counting ? null : phase === "completing" ? 100 : (p?.percent ?? null),
        data: counting ? { processed: s.dataProcessed ?? 0, remaining: s.dataRemaining, total: s.dataTotal! } : null,
        figures,
    };
}
