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

/** The figures the card can show: bytes per second (speed, dirtyRate), a count (iteration), or milliseconds. */
export type FigureKey = "speed" | "dirtyRate" | "iteration" | "expectedDowntime" | "elapsed" | "timeLeft";

export interface ProgressView {
    phase: ViewPhase;
    /** 0..100 once libvirt has a total to measure against; null: no bar, the phase says what happens. */
    percent: number | null;
    /** Bytes, once libvirt counts them (a total above zero). */
    data: { processed: number; remaining: number | null; total: number } | null;
    /** Each figure; null where it is not known (the card leaves it out). */
    figures: Record<FigureKey, number | null>;
}

export function progressView(i: ViewInput): ProgressView {
    const x = i.sample;
    const running = x?.type === "bounded" || x?.type === "unbounded";
    // the figures come from the running job's last sample: they stay while cancelling or completing
    const s = running ? x : i.seen;
    const counting = (s?.dataTotal ?? 0) > 0;
    const phase: ViewPhase = i.verifying
        ? "verifying"
        : i.jobEnded || x?.type === "completed"
          ? "completing"
          : i.cancelRequested
            ? "cancelling"
            : !s
              ? "started"
              : // libvirt's job is over (it answered "none" after a running one): the process is finishing
                x && !running
                ? "completing"
                : i.postcopySwitched || (s.postcopyRequests ?? 0) > 0
                  ? "postcopy"
                  : !counting
                    ? "connecting"
                    : (s.diskRemaining ?? 0) > 0 && !s.memoryProcessed
                      ? "storage"
                      : s.dataRemaining === 0
                        ? "completing"
                        : "precopy";
    const p = s && counting ? progress(s) : null;
    const copying = phase === "precopy" || phase === "storage";
    const MiB = 1048576;
    return {
        phase,
        // completing: everything is sent; verifying keeps what was last known (a cancelled job stopped short)
        percent: !p ? null : phase === "completing" ? 100 : p.percent,
        data: p ? { processed: s!.dataProcessed ?? 0, remaining: s!.dataRemaining, total: s!.dataTotal! } : null,
        figures: {
            speed:
                p?.mibPerSecond && (copying || phase === "postcopy" || phase === "cancelling")
                    ? p.mibPerSecond * MiB
                    : null,
            // QEMU measures the dirty rate over a completed pass: none during the first
            dirtyRate: p?.dirtyMiBPerSecond != null && (s!.iteration ?? 0) > 1 ? p.dirtyMiBPerSecond * MiB : null,
            iteration: (p && s!.iteration) || null,
            expectedDowntime: p && copying ? s!.downtimeMs : null,
            elapsed: Math.max(i.elapsedMs, s?.timeElapsedMs ?? 0),
            timeLeft: p?.etaSeconds != null && copying ? p.etaSeconds * 1000 : null,
        },
    };
}
