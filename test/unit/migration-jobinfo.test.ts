import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseJobInfo, progress } from "../../src/migration/jobinfo";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("domjobinfo --rawstats (captured on the lab: lab-bigram A->B at 50 MiB/s)", () => {
    const s = parseJobInfo(fixture("domjobinfo-rawstats-running.txt"));
    it("reads the typed fields", () => {
        expect(s).toMatchObject({
            type: "unbounded",
            operation: "migration-out",
            timeElapsedMs: 1610,
            dataTotal: 537264128,
            dataProcessed: 57693794,
            dataRemaining: 463060992,
            memoryBps: 52449300,
            dirtyRate: 0,
            pageSize: 4096,
            iteration: 1,
            postcopyRequests: 0,
            downtimeMs: 300,
            setupTimeMs: 1,
            diskTotal: 0,
        });
    });
    it("derives progress and ETA", () => {
        const p = progress(s);
        expect(p.phase).toBe("memory");
        expect(p.percent).toBeCloseTo(13.81, 1);
        expect(p.mibPerSecond).toBeCloseTo(50.02, 1);
        expect(p.etaSeconds).toBeCloseTo(463060992 / 52449300, 3);
    });
    it("no job, and a completed job", () => {
        expect(parseJobInfo("Job type: 0\n\n").type).toBe("none");
        expect(progress(parseJobInfo("Job type: 0\n")).phase).toBe("starting");
        const done = parseJobInfo("Job type: 3\n\noperation: 5\ntime_elapsed: 4180\ndowntime: 212\ndata_total: 10\n");
        expect(done).toMatchObject({ type: "completed", downtimeMs: 212, timeElapsedMs: 4180 });
        expect(progress(done)).toMatchObject({ phase: "done", percent: 100 });
    });
    it("no ETA when the guest dirties memory faster than it is sent", () => {
        const s2 = parseJobInfo(
            "Job type: 2\ndata_total: 100\ndata_remaining: 50\nmemory_bps: 4096\nmemory_dirty_rate: 2\nmemory_page_size: 4096\ntime_elapsed: 5\ndata_processed: 50\nmemory_processed: 50\n",
        );
        expect(progress(s2).etaSeconds).toBeNull();
        expect(progress(s2).dirtyMiBPerSecond).toBeCloseTo(8192 / 1048576);
    });
    it("post-copy phase", () => {
        expect(progress(parseJobInfo("Job type: 2\nmemory_postcopy_requests: 3\ntime_elapsed: 9\n")).phase).toBe(
            "postcopy",
        );
    });
});
