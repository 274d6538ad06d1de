import { describe, expect, it } from "vitest";
import { DirtyRateMeter, measureDirtyRate, predictPrecopy } from "../../src/preflight/dirtyrate";
import { LOCAL, RunError, type Runner } from "../../pkg/lib/runner";
import { uuidOf } from "./refs";
import { qemuDirtyRate } from "./fakes";

describe("pre-copy prediction", () => {
    it("a quiet guest: one pass of its touched memory", () => {
        const p = predictPrecopy({ dirtyMiBs: 0, memoryMiB: 1024, residentMiB: 256, bandwidthMiBs: 64 });
        expect(p).toMatchObject({ converges: true, rounds: 1, firstPassMiB: 256 });
        expect(p.seconds).toBeCloseTo(4, 5);
    });
    it("each pass sends what the previous one let the guest dirty, until the rest fits in the downtime", () => {
        const p = predictPrecopy({ dirtyMiBs: 16, memoryMiB: 256, bandwidthMiBs: 32, maxDowntimeMs: 300 });
        // 8 s, then 4 s, 2 s, 1 s, 0.5 s, 0.25 s (8 MiB in 0.25 s fits in 300 ms)
        expect(p.rounds).toBe(5);
        expect(p.seconds).toBeCloseTo(8 + 4 + 2 + 1 + 0.5 + 0.25, 5);
        expect(
            predictPrecopy({ dirtyMiBs: 16, memoryMiB: 256, bandwidthMiBs: 32, maxDowntimeMs: 2000 }).rounds,
        ).toBeLessThan(p.rounds);
    });
    it("never converges when the guest dirties faster than the bandwidth", () => {
        expect(predictPrecopy({ dirtyMiBs: 40, memoryMiB: 256, bandwidthMiBs: 32 })).toMatchObject({
            converges: false,
            seconds: Infinity,
        });
        expect(predictPrecopy({ dirtyMiBs: 5, memoryMiB: 256 }).assumption).toBe("at 1 Gbit/s (about 112 MiB/s)");
        expect(predictPrecopy({ dirtyMiBs: 5, memoryMiB: 256, parallelConnections: 4 }).assumption).toMatch(
            /4 connections/,
        );
    });
});

describe("measureDirtyRate", () => {
    it("starts the calculation, waits the period, polls until measured, and reads the resident size", async () => {
        const calls: string[] = [];
        let polls = 0;
        const runner: Runner = {
            run: async (_t, argv) => {
                calls.push(argv.slice(3).join(" "));
                if (argv[3] === "domstats")
                    return ++polls < 3
                        ? "Domain: 'vm'\n  dirtyrate.calc_status=1\n"
                        : "Domain: 'vm'\n  dirtyrate.calc_status=2\n  dirtyrate.calc_period=5\n  dirtyrate.calc_mode=page-sampling\n  dirtyrate.megabytes_per_second=31\n  balloon.rss=204800\n";
                return "";
            },
        };
        const slept: number[] = [];
        const s = await measureDirtyRate(runner, { kind: "local" }, "qemu:///system", uuidOf("vm"), 5, {
            sleep: async (ms) => {
                slept.push(ms);
            },
        });
        expect(s).toEqual({ mibs: 31, seconds: 5, mode: "page-sampling", residentMiB: 200 });
        expect(calls[0]).toBe(`domdirtyrate-calc --domain ${uuidOf("vm")} --seconds 5`);
        expect(slept[0]).toBe(5100);
        expect(polls).toBe(3);
    });
    it("refuses a period libvirt does not accept", async () => {
        await expect(
            measureDirtyRate({ run: async () => "" }, { kind: "local" }, "u", uuidOf("vm"), 61),
        ).rejects.toThrow(/1 to 60/);
    });
});

describe("DirtyRateMeter: one measurement per VM", () => {
    const vm = uuidOf("vm");
    it("pre-flights for two destinations at once share one measurement", async () => {
        const q = qemuDirtyRate();
        const meter = new DirtyRateMeter();
        const [a, b] = await Promise.all([
            meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep }),
            meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep }),
        ]);
        expect(q.calcs).toEqual([3]);
        expect(a).toEqual(b);
        // and a third, a little later, reuses it
        await meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep });
        expect(q.calcs).toEqual([3]);
    });
    it("another period waits for the running measurement instead of colliding with it", async () => {
        const q = qemuDirtyRate();
        const meter = new DirtyRateMeter();
        const first = meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep });
        const second = meter.measure(q.runner, LOCAL, "qemu:///system", vm, 5, { sleep: q.sleep });
        await expect(first).resolves.toMatchObject({ seconds: 3 });
        await expect(second).resolves.toMatchObject({ seconds: 5, mibs: 16 });
        expect(q.calcs).toEqual([3, 5]);
    });
    it("a caller that gives up stops waiting; the measurement goes on for the next one", async () => {
        const q = qemuDirtyRate();
        const meter = new DirtyRateMeter();
        const abort = new AbortController();
        const gaveUp = meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, {
            sleep: q.sleep,
            signal: abort.signal,
        });
        abort.abort();
        await expect(gaveUp).rejects.toThrow(/Cancelled/);
        await expect(
            meter.measure(q.runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep }),
        ).resolves.toMatchObject({ mibs: 16 });
        expect(q.calcs).toEqual([3]);
    });
    it("a failed measurement is not kept", async () => {
        let fail = true;
        const q = qemuDirtyRate();
        const runner: Runner = {
            run: async (t, argv, o) => {
                if (fail && argv[3] === "domdirtyrate-calc") throw new RunError("exit-status", "no", argv, 1, "error");
                return q.runner.run(t, argv, o);
            },
        };
        const meter = new DirtyRateMeter();
        await expect(meter.measure(runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep })).rejects.toThrow();
        fail = false;
        await expect(meter.measure(runner, LOCAL, "qemu:///system", vm, 3, { sleep: q.sleep })).resolves.toMatchObject({
            mibs: 16,
        });
    });
});

describe("measureDirtyRate while someone else measures the same guest", () => {
    it("waits for libvirt's calc_status to leave 'measuring', then measures its own period", async () => {
        const q = qemuDirtyRate(20);
        q.startElsewhere(10); // another page or admin started a 10 s measurement
        const s = await measureDirtyRate(q.runner, LOCAL, "qemu:///system", uuidOf("vm"), 3, { sleep: q.sleep });
        expect(s).toMatchObject({ mibs: 20, seconds: 3 });
        expect(q.calcs).toEqual([3]);
    });
    it("any other refusal is the error it was", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                if (argv[3] === "domdirtyrate-calc")
                    throw new RunError("exit-status", "no", argv, 1, "error: Requested operation is not valid");
                return "Domain: 'vm'\n  dirtyrate.calc_status=0\n";
            },
        };
        await expect(measureDirtyRate(runner, LOCAL, "u", uuidOf("vm"), 3, { sleep: async () => {} })).rejects.toThrow(
            /no|not valid/,
        );
    });
});
