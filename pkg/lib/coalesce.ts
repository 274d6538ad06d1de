/**
 * One run for identical questions asked at the same time. Pre-flight of one VM against several
 * hosts, or an evacuation plan's pre-flight of several VMs, asks the same host the same read-only
 * question at once (the source's definition, both hosts' versions, capabilities, host names,
 * node info): while such a command runs, a second identical call (same target, argv and options,
 * no standard input) waits for the same answer instead of starting it again. Nothing is kept once
 * the command ends: a later call runs it afresh, so no answer is ever stale.
 */
import type { RunOptions, Runner, RunTarget } from "./runner";

export class CoalescingRunner implements Runner {
    private readonly running = new Map<string, Promise<string>>();
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
        const now = this.running.get(key);
        if (now) {
            this.shared++;
            return now;
        }
        const answer = this.inner.run(target, argv, options);
        this.running.set(key, answer);
        const forget = () => {
            if (this.running.get(key) === answer) this.running.delete(key);
        };
        answer.then(forget, forget);
        return answer;
    }
}
