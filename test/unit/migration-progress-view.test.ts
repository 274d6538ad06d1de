import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseJobInfo } from "../../src/migration/jobinfo";
import { progressView, type ViewInput } from "../../src/migration/progress-view";

const fixture = (name: string) => parseJobInfo(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

// captured on the lab (libvirt 9.0): a 64 MiB tiny guest A -> B, polled as fast as virsh answers
const none = fixture("domjobinfo-rawstats-none.txt");
const connecting = fixture("domjobinfo-rawstats-connecting.txt");
const tinyFinal = fixture("domjobinfo-rawstats-tiny-final.txt");
// a 512 MiB guest at 50 MiB/s, 1.6 s in
const running = fixture("domjobinfo-rawstats-running.txt");

const input = (o: Partial<ViewInput>): ViewInput => ({
    sample: null,
    seen: null,
    jobEnded: false,
    verifying: false,
    cancelRequested: false,
    postcopySwitched: false,
    elapsedMs: 400,
    ...o,
});
/** The figures shown (the known ones), in the card's order. */
const keys = (v: ReturnType<typeof progressView>) =>
    Object.entries(v.figures)
        .filter(([, x]) => x !== null)
        .map(([k]) => k);

describe("the progress card's view of a migration (issue 21 item 4)", () => {
    it("before libvirt has a job: started, no bar, no data, only the time since the start", () => {
        expect(none.type).toBe("none");
        const v = progressView(input({ sample: none }));
        expect(v).toMatchObject({ phase: "started", percent: null, data: null });
        expect(keys(v)).toEqual(["elapsed"]);
        expect(v.figures.elapsed).toBe(400);
        expect(progressView(input({})).phase).toBe("started");
    });
    it("libvirt's job runs but reports zeros while it prepares the destination: no 0 B, no 0 %", () => {
        expect(connecting).toMatchObject({ type: "unbounded", dataTotal: 0, dataProcessed: 0, timeElapsedMs: 211 });
        const v = progressView(input({ sample: connecting, seen: connecting }));
        expect(v.phase).toBe("connecting");
        expect(v.percent).toBeNull();
        expect(v.data).toBeNull();
        expect(keys(v)).toEqual(["elapsed"]);
    });
    it("pre-copy: bar, data, speed, iteration, expected downtime and time left", () => {
        const v = progressView(input({ sample: running, seen: running, elapsedMs: 1500 }));
        expect(v.phase).toBe("precopy");
        expect(v.percent).toBeCloseTo(13.81, 1);
        expect(v.data).toEqual({ processed: 57693794, remaining: 463060992, total: 537264128 });
        // first pass: QEMU has no dirty rate yet (it reports 0)
        expect(keys(v)).toEqual(["speed", "iteration", "expectedDowntime", "elapsed", "timeLeft"]);
        expect(v.figures.speed).toBe(52449300);
        expect(v.figures.elapsed).toBe(1610);
    });
    it("everything sent (remaining 0 in the last sample of a short migration): completing at 100 %", () => {
        const v = progressView(input({ sample: tinyFinal, seen: tinyFinal }));
        expect(v.phase).toBe("completing");
        expect(v.percent).toBe(100);
        expect(v.data).toEqual({ processed: 578325, remaining: 0, total: 67502080 });
        // a second pass ran: the dirty rate is a measurement now
        expect(keys(v)).toEqual(["dirtyRate", "iteration", "elapsed"]);
    });
    it("libvirt's job is gone after one was seen: completing, with the figures last seen", () => {
        const v = progressView(input({ sample: none, seen: running }));
        expect(v.phase).toBe("completing");
        expect(v.data?.total).toBe(537264128);
    });
    it("the process has exited, then the outcome is checked: completing, then verifying", () => {
        expect(progressView(input({ sample: running, seen: running, jobEnded: true })).phase).toBe("completing");
        const v = progressView(input({ sample: running, seen: running, jobEnded: true, verifying: true }));
        expect(v.phase).toBe("verifying");
        // what was last known, not a made-up 100 %
        expect(v.percent).toBeCloseTo(13.81, 1);
    });
    it("while cancelling, the figures keep coming from the running job", () => {
        const v = progressView(input({ sample: running, seen: running, cancelRequested: true }));
        expect(v.phase).toBe("cancelling");
        expect(v.data?.processed).toBe(57693794);
        expect(keys(v)).toContain("speed");
        expect(keys(v)).not.toContain("timeLeft");
    });
    it("post-copy once the switch was accepted, or once the destination requests pages", () => {
        expect(progressView(input({ sample: running, seen: running, postcopySwitched: true })).phase).toBe("postcopy");
        const requested = { ...running, postcopyRequests: 3 };
        expect(progressView(input({ sample: requested, seen: requested })).phase).toBe("postcopy");
    });
    it("disks first: copying disks while no memory has gone", () => {
        const disks = { ...running, diskTotal: 1e9, diskRemaining: 5e8, diskProcessed: 5e8, memoryProcessed: 0 };
        expect(progressView(input({ sample: disks, seen: disks })).phase).toBe("storage");
    });
});
