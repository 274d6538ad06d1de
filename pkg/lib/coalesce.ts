/**
 * One run for identical questions asked at the same time. Pre-flight of one VM against several
 * hosts, or an evacuation plan's pre-flight of several VMs, asks the same host the same read-only
 * question at once (the source's definition, both hosts' versions, capabilities, host names,
 * node info): while such a command runs, a second identical call (same target, argv and options,
 * no standard input) waits for the same answer instead of starting it again. Nothing is kept once
 * the command ends: a later call runs it afresh, so no answer is ever stale. A caller's `signal` ends
 * its own wait; the command is closed once no caller waits for it any more (one run cancelled does
 * not fail the run that shares its read).
 */
import { cancelledError, untilAborted, type RunOptions, type Runner, type RunTarget } from "./runner";

export class CoalescingRunner implements Runner {
    private readonly running = new Map<string, Shared>();
    /** How many calls were answered by a command already running (for tests and benches). */
    shared = 0;

    /** `shareable`: the commands that only read (running one twice at once gives nothing more). */
    constructor(
        private readonly inner: Runner,
        private readonly shareable: (argv: readonly string[]) => boolean,
    ) {}

    run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        if (options?.input !== undefined || !this.shareable(argv)) return this.inner.run(target, argv, options);
        const key = JSON.stringify([
            target,
            argv,
            options?.superuser ?? null,
            options?.timeoutMs ?? null,
            options?.libvirtTransport ?? false,
        ]);
        if (options?.signal?.aborted) return Promise.reject(cancelledError(argv));
        let entry = this.running.get(key);
        if (entry) this.shared++;
        else {
            // the command runs for whoever still waits: it is closed only when every caller has given up on it
            const close = new AbortController();
            const answer = this.inner.run(target, argv, { ...options, signal: close.signal });
            const started: Shared = { answer, close, waiting: 0 };
            entry = started;
            this.running.set(key, started);
            const forget = () => {
                if (this.running.get(key) === started) this.running.delete(key);
            };
            answer.then(forget, forget);
        }
        return wait(entry, argv, options?.signal);
    }
}

interface Shared {
    answer: Promise<string>;
    close: AbortController;
    /** Callers still waiting for the answer. */
    waiting: number;
}

/** The shared answer for one caller; its `signal` gives up its own wait, and the command's once no one waits. */
function wait(entry: Shared, argv: readonly string[], signal: AbortSignal | undefined): Promise<string> {
    entry.waiting++;
    return untilAborted(entry.answer, signal, () => {
        if (--entry.waiting === 0) entry.close.abort();
        return cancelledError(argv);
    });
}
