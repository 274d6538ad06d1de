import { describe, expect, it } from "vitest";
import { measureDirtyRate, predictPrecopy } from "../../src/preflight/dirtyrate";
import type { Runner } from "../../pkg/lib/runner";
import { uuidOf } from "./refs";

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
