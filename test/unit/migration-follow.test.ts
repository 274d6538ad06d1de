import { describe, expect, it } from "vitest";
import { followJob, POLL_MS, POLL_WHILE_WAITING_MS, type FollowHandlers } from "../../src/migration/follow";
import type { JobStatus } from "../../pkg/lib/detach";
import { RunError } from "../../pkg/lib/runner";
import { ScriptedRunner } from "./fakes";

const JOB = "/run/cockpit-migrate/jobs/0abc-1";
const record = { jobDir: JOB, startedAt: 1_000 };
/** What the job readers print (pkg/lib/detach.ts): head, notes, stdout, stderr. */
const RUNNING = "running\n\x1e\x1e\x1e";
const DONE = "status 0\n\x1e\x1e\x1e";
const LOST = "lost\n\x1e\x1e\x1e";

/** The wait (`sh -c WAIT_SCRIPT sh DIR READ_SCRIPT`) has 6 words; the poll (`sh -c READ_SCRIPT sh DIR`) has 5. */
const isWait = (argv: readonly string[]) => argv.length === 6;

function deferred<T>() {
    let resolve!: (v: T) => void, reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** Handlers that record what they are told; `end` may fail the first `failures` times. */
function recorder(failures = 0) {
    const seen = { statuses: [] as JobStatus[], errors: [] as unknown[], ends: [] as JobStatus[] };
    const handlers: FollowHandlers = {
        onStatus: (j) => seen.statuses.push(j),
        onError: (e) => seen.errors.push(e),
        onEnd: async (j) => {
            seen.ends.push(j);
            if (seen.ends.length <= failures) throw new Error("history busy");
        },
    };
    return { seen, handlers };
}

/** A sleep that only ends when told to (or when following stops), recording each pause asked for. */
function manualSleep() {
    const pauses: number[] = [];
    const pending: (() => void)[] = [];
    const sleep = (ms: number, signal: AbortSignal) =>
        new Promise<void>((resolve) => {
            pauses.push(ms);
            pending.push(resolve);
            signal.addEventListener("abort", () => resolve(), { once: true });
        });
    /** Ends the pause in progress; returns once the next poll has been answered. */
    const tick = async () => {
        pending.shift()?.();
        await settle();
    };
    return { sleep, pauses, tick };
}

describe("following a migration job to its end", () => {
    it("learns the end from the job's exit at once, without waiting for the next poll", async () => {
        const exit = deferred<string>();
        const runner = new ScriptedRunner((argv) => (isWait(argv) ? () => exit.promise : RUNNING));
        const { seen, handlers } = recorder();
        const clock = manualSleep();
        followJob(runner, record, handlers, { sleep: clock.sleep, now: () => 2_000 });
        await settle();
        // one poll so far ("running"), and the next one a second away: the wait is what will tell
        expect(runner.argvs.filter((a) => !isWait(a))).toHaveLength(1);
        expect(clock.pauses).toEqual([POLL_WHILE_WAITING_MS]);
        expect(seen.ends).toEqual([]);

        exit.resolve(DONE); // the job's shell has exited
        await settle();
        expect(seen.ends).toMatchObject([{ exitStatus: 0, lost: false }]);
        // no poll was needed, and none comes after the end
        await clock.tick();
        expect(runner.argvs.filter((a) => !isWait(a))).toHaveLength(1);
        expect(runner.argvs.filter(isWait)).toEqual([["sh", "-c", expect.any(String), "sh", JOB, expect.any(String)]]);
    });

    it("a job without a lock (an older version's) is polled every 250 ms, as before", async () => {
        let polls = 0;
        const runner = new ScriptedRunner((argv) =>
            isWait(argv) ? new RunError("exit-status", "", argv, 3) : () => (++polls < 3 ? RUNNING : DONE),
        );
        const { seen, handlers } = recorder();
        const clock = manualSleep();
        followJob(runner, record, handlers, { sleep: clock.sleep, now: () => 2_000 });
        await settle();
        await clock.tick();
        await clock.tick();
        expect(seen.ends).toMatchObject([{ exitStatus: 0 }]);
        expect(clock.pauses).toEqual([POLL_MS, POLL_MS]);
        expect(seen.errors).toEqual([]);
    });

    it("a wait that fails falls back to the poll, and its failure is not shown", async () => {
        const runner = new ScriptedRunner((argv) =>
            isWait(argv) ? new RunError("disconnected", "lost", argv) : RUNNING,
        );
        const { seen, handlers } = recorder();
        const clock = manualSleep();
        followJob(runner, record, handlers, { sleep: clock.sleep, now: () => 2_000 });
        await settle();
        await clock.tick();
        expect(clock.pauses).toEqual([POLL_MS, POLL_MS]);
        expect(seen.errors).toEqual([]);
    });

    it("a job lost in its first 5 s is ended by the poll once it is 5 s old (jobEnded), not by the wait", async () => {
        let now = 2_000;
        const runner = new ScriptedRunner(() => LOST); // killed at once: the lock is free, nothing was written
        const { seen, handlers } = recorder();
        const clock = manualSleep();
        followJob(runner, record, handlers, { sleep: clock.sleep, now: () => now });
        await settle();
        expect(seen.ends).toEqual([]);
        now = record.startedAt + 5_001;
        await clock.tick();
        expect(seen.ends).toMatchObject([{ lost: true }]);
    });

    it("an end that fails (its outcome not checked or recorded) is said and tried again at the next poll", async () => {
        const runner = new ScriptedRunner((argv) => (isWait(argv) ? new RunError("exit-status", "", argv, 3) : DONE));
        const { seen, handlers } = recorder(1);
        const clock = manualSleep();
        followJob(runner, record, handlers, { sleep: clock.sleep, now: () => 2_000 });
        await settle();
        expect(seen.ends).toHaveLength(1);
        expect(seen.errors).toMatchObject([{ message: "history busy" }]);
        await clock.tick();
        expect(seen.ends).toHaveLength(2);
        expect(seen.errors).toHaveLength(1);
        // ended: no more polls
        const calls = runner.argvs.length;
        await clock.tick();
        expect(runner.argvs).toHaveLength(calls);
        expect(clock.pauses).toEqual([POLL_MS]);
    });

    it("stop closes the wait and ends the polling", async () => {
        const exit = deferred<string>();
        const runner = new ScriptedRunner((argv) => (isWait(argv) ? () => exit.promise : RUNNING));
        const { seen, handlers } = recorder();
        const clock = manualSleep();
        const stop = followJob(runner, record, handlers, { sleep: clock.sleep, now: () => 2_000 });
        await settle();
        stop();
        await settle();
        exit.resolve(DONE); // too late: the call was closed
        await settle();
        expect(runner.argvs).toHaveLength(2); // the wait and the first poll, nothing after
        expect(seen).toEqual({ statuses: [expect.objectContaining({ exitStatus: null })], errors: [], ends: [] });
    });
});
