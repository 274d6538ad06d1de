/**
 * One answer per question for the life of this Runner. An evacuation plan's gather runs a
 * pre-flight for every VM × destination pair, and each of them asked the same hosts the same
 * read-only questions again (a destination's libvirt version, capabilities, host name, node info,
 * os-release, firewall, sysctls; the source's definition of a VM once per destination). Wrapped
 * around the gather's Runner, the first call of a question (same target, argv, standard input and
 * options that change the answer) runs, and every later call gets that same promise: its answer,
 * or its failure, so a fact that failed fails the same way for every VM that needed it.
 *
 * Unlike CoalescingRunner (./coalesce.ts), which shares only while a command runs, the answers are
 * kept: make one for one round of checks and drop it, so no answer is older than the round. Only
 * the commands `shareable` names are kept (those that read state that stays put during the round).
 */
import type { RunOptions, Runner, RunTarget } from "./runner";

export class MemoRunner implements Runner {
    private readonly answers = new Map<string, Promise<string>>();
    /** How many calls were answered by an earlier call (for tests and benches). */
    shared = 0;

    constructor(
        private readonly inner: Runner,
        private readonly shareable: (argv: readonly string[]) => boolean,
    ) {}

    run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        if (!this.shareable(argv)) return this.inner.run(target, argv, options);
        // the timeout is left out: a longer wait for the same question gets the same answer
        const key = JSON.stringify([
            target,
            argv,
            options?.input ?? null,
            options?.superuser ?? null,
            options?.libvirtTransport ?? false,
        ]);
        const known = this.answers.get(key);
        if (known) {
            this.shared++;
            return known;
        }
        const answer = this.inner.run(target, argv, options);
        this.answers.set(key, answer);
        return answer;
    }
}
