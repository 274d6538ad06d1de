import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { migrationSummary, parseJobInfo, progress } from "../../src/migration/jobinfo";

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
        expect(p.percent).toBeCloseTo(13.81, 1);
        expect(p.mibPerSecond).toBeCloseTo(50.02, 1);
        expect(p.etaSeconds).toBeCloseTo(463060992 / 52449300, 3);
    });
    it("no job, and a completed job", () => {
        expect(parseJobInfo("Job type: 0\n\n").type).toBe("none");
        const done = parseJobInfo("Job type: 3\n\noperation: 5\ntime_elapsed: 4180\ndowntime: 212\ndata_total: 10\n");
        expect(done).toMatchObject({ type: "completed", downtimeMs: 212, timeElapsedMs: 4180 });
    });
    it("no ETA when the guest dirties memory faster than it is sent", () => {
        const s2 = parseJobInfo(
            "Job type: 2\ndata_total: 100\ndata_remaining: 50\nmemory_bps: 4096\nmemory_dirty_rate: 2\nmemory_page_size: 4096\ntime_elapsed: 5\ndata_processed: 50\nmemory_processed: 50\n",
        );
        expect(progress(s2).etaSeconds).toBeNull();
        expect(progress(s2).dirtyMiBPerSecond).toBeCloseTo(8192 / 1048576);
    });
});

describe("the summary of a finished migration (issue 21 item 4; captured on the lab, libvirt 9.0, 64 MiB guest)", () => {
    // Permanent A -> B: the source's domain is gone ("failed to get domain"); B keeps the incoming job
    const incoming = parseJobInfo(fixture("domjobinfo-rawstats-completed-in.txt"));
    // Temporary B -> A: the source keeps its domain, and its outgoing job
    const outgoing = parseJobInfo(fixture("domjobinfo-rawstats-completed-out.txt"));
    const connecting = parseJobInfo(fixture("domjobinfo-rawstats-connecting.txt"));
    it("reads the completed jobs", () => {
        expect(incoming).toMatchObject({ type: "completed", operation: "migration-in", timeElapsedMs: 1014 });
        expect(outgoing).toMatchObject({ type: "completed", operation: "migration-out", timeElapsedMs: 912 });
    });
    it("from the source's own outgoing job", () => {
        expect(migrationSummary({ out: outgoing, in: null }, null, 1500, true)).toEqual({
            durationMs: 912,
            dataBytes: 578325,
            downtimeMs: 43,
        });
    });
    it("from the destination's incoming job when the source has no domain left to ask", () => {
        expect(migrationSummary({ out: null, in: incoming }, connecting, 1500, true)).toEqual({
            durationMs: 1014,
            dataBytes: 578325,
            downtimeMs: 70,
        });
    });
    it("not from an incoming job after a failure, nor from one longer than this migration", () => {
        expect(migrationSummary({ out: null, in: incoming }, null, 1500, false).dataBytes).toBeNull();
        expect(migrationSummary({ out: null, in: incoming }, null, 900, true).dataBytes).toBeNull();
    });
    it("else what the last sample had sent; a set-up sample's zeros are unknown, not 0 B", () => {
        expect(migrationSummary({ out: null, in: null }, connecting, 1500, false)).toEqual({
            durationMs: 1500,
            dataBytes: null,
            downtimeMs: null,
        });
        const running = parseJobInfo(fixture("domjobinfo-rawstats-running.txt"));
        expect(migrationSummary({ out: null, in: null }, running, 5000, false).dataBytes).toBe(57693794);
    });
});
