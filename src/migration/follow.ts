/**
 * Following a detached migration job to its end. The end is learned from the job itself: a wait on
 * its lock (`waitJob`, pkg/lib/detach.ts) returns the moment its process exits, so the outcome is
 * checked at once instead of at the next poll, also by a page that comes back after a reload. The
 * status is still polled, for what the job notes while it runs (the maximum downtime) and a read
 * that fails, and as the fallback: a job without a lock (started by an older version or a host
 * without flock), a wait that failed, and a job lost too soon to be called lost (`jobEnded`) are
 * all learned by the poll, every 250 ms as before.
 */
import { readJob, waitJob, type JobStatus } from "../../pkg/lib/detach";
import type { Runner } from "../../pkg/lib/runner";
import type { MigrationRecord } from "../history/records";
import { jobEnded } from "./job";

/** The poll when nothing else tells the end. */
export const POLL_MS = 250;
/** The poll while the wait runs: only for the job's notes and a failed read. */
export const POLL_WHILE_WAITING_MS = 1000;

export interface FollowHandlers {
    /** Every status read, by the poll or the wait. */
    onStatus(job: JobStatus): void;
    /** A read failed, or `onEnd` did: the poll goes on, and tries to end again. */
    onError(e: unknown): void;
    /** The job has ended: called once (again only after it failed); following stops when it resolves. */
    onEnd(job: JobStatus): Promise<void>;
}

export interface FollowDeps {
    now?: () => number;
    /** Resolves after `ms`, or early when `signal` is aborted. */
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        function done() {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            resolve();
        }
    });
}

/** Follows `record`'s job until it has ended and `onEnd` has resolved; returns `stop`. */
export function followJob(
    runner: Runner,
    record: Pick<MigrationRecord, "jobDir" | "startedAt">,
    handlers: FollowHandlers,
    deps: FollowDeps = {},
): () => void {
    const now = deps.now ?? Date.now;
    const sleep = deps.sleep ?? abortableSleep;
    const stopped = new AbortController();
    const alive = () => !stopped.signal.aborted;
    let waiting = true;
    let ending: Promise<boolean> | null = null;
    const stop = () => stopped.abort();

    /** Ends once for a status that says the job has ended; true once `onEnd` has resolved. */
    const end = (job: JobStatus): Promise<boolean> => {
        if (ending) return ending;
        if (!alive() || !jobEnded(job, record, now())) return Promise.resolve(false);
        ending = handlers.onEnd(job).then(
            () => {
                stop();
                return true;
            },
            (e: unknown) => {
                ending = null;
                if (alive()) handlers.onError(e);
                return false;
            },
        );
        return ending;
    };

    void waitJob(runner, record.jobDir, stopped.signal).then(
        (job) => {
            waiting = false;
            if (!job || !alive()) return;
            handlers.onStatus(job);
            void end(job);
        },
        () => {
            waiting = false;
        },
    );

    void (async () => {
        while (alive()) {
            try {
                const job = await readJob(runner, record.jobDir);
                if (!alive()) return;
                handlers.onStatus(job);
                if (await end(job)) return;
            } catch (e) {
                if (alive()) handlers.onError(e);
            }
            if (!alive()) return;
            await sleep(waiting && !ending ? POLL_WHILE_WAITING_MS : POLL_MS, stopped.signal);
        }
    })();
    return stop;
}
