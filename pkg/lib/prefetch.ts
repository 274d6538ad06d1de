/**
 * Commands started before the page's code has loaded. The small boot module starts the first
 * screen's commands (this host's VM list) as soon as cockpit.js is there, so they run while the
 * browser fetches and compiles the rest; the page's first identical call takes the answer instead
 * of running the command again. Each answer is taken once, and only for a short while: any later
 * call runs the command afresh.
 */
import type { RunOptions, Runner, RunTarget } from "./runner";

const key = (target: RunTarget, argv: readonly string[]) => JSON.stringify([target, argv]);

export class PrefetchRunner implements Runner {
    private readonly early = new Map<string, { answer: Promise<string>; at: number }>();
    constructor(
        private readonly inner: Runner,
        private readonly maxAgeMs = 10_000,
        private readonly now: () => number = () => Date.now(),
    ) {}

    /**
     * Starts `argv` now; the first `run` of the same argv on the same target within maxAgeMs gets its answer (whatever
     * its options). The answer is also returned (the boot module shows the first rows from it).
     */
    start(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        const answer = this.inner.run(target, argv, options);
        // reported to whoever takes it, never unhandled; the mark shows in the browser's performance timeline
        answer.then(
            () => performance.mark(`cockpit-migrate:early ${argv.join(" ").slice(0, 60)}`),
            () => undefined,
        );
        this.early.set(key(target, argv), { answer, at: this.now() });
        return answer;
    }

    run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        const k = key(target, argv);
        const e = this.early.get(k);
        if (e) {
            this.early.delete(k);
            if (this.now() - e.at <= this.maxAgeMs) return e.answer;
        }
        return this.inner.run(target, argv, options);
    }
}
