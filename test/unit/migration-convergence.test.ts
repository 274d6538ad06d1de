import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJobInfo } from "../../src/migration/jobinfo";
import { sampleOf, thin, type Sample } from "../../src/migration/samples";
import { estimate, stalledPasses, verdict } from "../../src/migration/convergence";
import { downtimeNeededMs, remedies } from "../../src/migration/remedies";
import { uuidOf } from "./refs";

/** A series captured on the lab: `# at MS` then `virsh domjobinfo --rawstats`, once a second. */
function series(file: string): Sample[] {
    const text = readFileSync(join(import.meta.dirname, "fixtures", file), "utf8");
    const out: Sample[] = [];
    for (const chunk of text.split(/^(?=# at )/m)) {
        const at = Number(/^# at (\d+)/.exec(chunk)?.[1]);
        const s = sampleOf(parseJobInfo(chunk), at);
        if (s) out.push(s);
    }
    return out;
}
/** The guest wrote 16 MiB/s over a 96 MiB region; --bandwidth 4; switched to post-copy in its 2nd pass. */
const BW4 = series("domjobinfo-series-dirty16-bw4.txt");
/** The same guest (starved by a busy host: QEMU read 9 MB/s, then 2); --bandwidth 8; it completed in pass 6. */
const BW8 = series("domjobinfo-series-dirty16-bw8.txt");
const upTo = (xs: Sample[], n: number) => xs.slice(0, n);
const u = uuidOf("vm");

describe("the convergence verdict over real samples (lab, libvirt 9.0)", () => {
    it("the fixtures are what was captured: 51 running samples at 4 MiB/s, passes 1 and 2", () => {
        expect(BW4).toHaveLength(51);
        expect(new Set(BW4.map((s) => s.iteration))).toEqual(new Set([1, 2]));
        expect(BW8.at(-1)).toMatchObject({ iteration: 6, remaining: 0 });
    });

    it("first pass: no dirty rate yet (QEMU measures it per pass); the pass's end is remaining / rate", () => {
        const v = verdict(upTo(BW4, 29), 300);
        expect(v.kind).toBe("first-pass");
        // 104,910,848 B left at 4,227,300 B/s
        expect(v.kind === "first-pass" && v.passS).toBeCloseTo(24.8, 1);
    });

    it("first pass with the pre-flight's measurement: at or above the rate sent, it will not converge", () => {
        // the pre-flight measured 16 MiB/s; 4.2 MB/s are sent
        expect(verdict(upTo(BW4, 29), 300, 16 * 1048576)).toEqual({
            kind: "diverges",
            dirtyBps: 16 * 1048576,
            bps: 4227300,
        });
        // 2 MiB/s measured: below the rate sent, the first pass says only when it ends
        expect(verdict(upTo(BW4, 29), 300, 2 * 1048576).kind).toBe("first-pass");
        // later too, QEMU's rate being a lower bound (the bench at 32 MiB/s read "converges" in pass 2 without it)
        expect(verdict(BW4, 300, 16 * 1048576)).toMatchObject({
            kind: "diverges",
            dirtyBps: 16 * 1048576,
        });
        // (pass 2 at 4 MiB/s: QEMU reads 2 MB/s, the pre-flight 16 MiB/s; without it the model says "converges")
        expect(verdict(BW4, 300).kind).toBe("converges");
        // but once libvirt expects the rest to fit, it switches over at the end of this pass
        expect(verdict(BW8.slice(0, 11), 2000, 16 * 1048576).kind).toBe("converges");
    });

    it("dirtied faster than sent (9.4 MB/s at 6.5-8.4 MB/s): will not converge", () => {
        const v = verdict(upTo(BW8, 8), 300);
        expect(v).toEqual({ kind: "diverges", dirtyBps: 2287 * 4096, bps: 8413380 });
    });

    it("a pass that leaves less than the maximum downtime: converges at the end of this pass", () => {
        // pass 3: 8,957,952 B at 8,416,260 B/s; libvirt expects 1461 ms, allowed 2000
        const v = verdict(upTo(BW8, 11), 2000);
        expect(v.kind).toBe("converges");
        expect(v.kind === "converges" && v.etaS).toBeCloseTo(1.06, 1);
        // the real migration's last sample came 2.4 s later, with nothing left
        expect(BW8.at(-1)!.at - BW8[10]!.at).toBeLessThan(2500);
    });

    it("pass 2 at 4 MiB/s: the model converges on QEMU's rate, a pass later the same start says stalled", () => {
        // QEMU counts a page once per pass: 497 pages/s is the 96 MiB working set over the 48 s first pass
        const v = verdict(BW4, 300);
        expect(v.kind).toBe("converges");
        expect(v.kind === "converges" && v.etaS).toBeGreaterThan(30);
        // pass 3 begins where pass 2 began (the guest re-dirtied its working set): stalled
        const start = BW4.find((s) => s.iteration === 2)!;
        const next = { ...start, at: BW4.at(-1)!.at + 25_000, iteration: 3 };
        expect(stalledPasses([...BW4, next])).toBe(1);
        expect(verdict([...BW4, next], 300)).toEqual({ kind: "stalled", iterations: 1 });
        // a pass that sent it down by more than 5 % is progress
        expect(stalledPasses([...BW4, { ...next, remaining: start.remaining * 0.8 }])).toBe(0);
    });

    it("in post-copy it completes whatever the rates", () => {
        expect(verdict([{ ...BW4.at(-1)!, postcopy: true }], 300)).toEqual({ kind: "postcopy" });
        expect(verdict([], 300)).toEqual({ kind: "unknown" });
    });
});

describe("the ETA never grows without its reason", () => {
    const s = (at: number, o: Partial<Sample> = {}): Sample => ({
        at,
        elapsedMs: at,
        total: 1000 * 1048576,
        remaining: 200 * 1048576,
        bps: 100 * 1048576,
        dirtyBps: 10 * 1048576,
        iteration: 3,
        expectedDowntimeMs: 1000,
        postcopy: false,
        ...o,
    });
    it("a small rise keeps the countdown from the earlier estimate", () => {
        const a = s(0);
        const e = estimate(a, 300);
        expect(e).toBeGreaterThan(2);
        // 1 s later, 1 MiB/s less sent: the model says a little later; the ETA shown counts down instead
        const v = verdict([a, s(1000, { bps: 99 * 1048576 })], 300);
        expect(v).toEqual({ kind: "converges", etaS: expect.closeTo(e - 1, 3), later: null });
    });
    it("a guest that dirties faster makes it later, with that reason; a slower link, with that one", () => {
        const faster = verdict([s(0), s(1000, { dirtyBps: 60 * 1048576, remaining: 300 * 1048576 })], 300);
        expect(faster).toMatchObject({ kind: "converges", later: "dirty-rate" });
        expect(faster.kind === "converges" && faster.etaS).toBeGreaterThan(estimate(s(0), 300));
        const slower = verdict([s(0), s(1000, { bps: 50 * 1048576 })], 300);
        expect(slower).toMatchObject({ kind: "converges", later: "bandwidth" });
        // libvirt expected the rest to fit (the end of this pass); the next pass found more than would fit
        const rates = { bps: 10 * 1048576, dirtyBps: 5 * 1048576 };
        const fits = s(0, { ...rates, remaining: 20 * 1048576, expectedDowntimeMs: 200 });
        const more = verdict([fits, s(1000, { ...rates, remaining: 18 * 1048576, iteration: 4 })], 300);
        expect(more).toMatchObject({ kind: "converges", later: "new-pass" });
    });
    it("thin keeps the first and the last", () => {
        const xs = Array.from({ length: 1000 }, (_v, i) => i);
        const t = thin(xs, 100);
        expect(t).toHaveLength(100);
        expect([t[0], t.at(-1)]).toEqual([0, 999]);
        expect(thin([1, 2], 100)).toEqual([1, 2]);
    });
});

describe("remedies, ranked by cost to the guest, each with its argv", () => {
    it("at 4 MiB/s with a 96 MiB working set: raise the downtime to what libvirt expects (+25 %), or switch, or pause", () => {
        const last = BW4.at(-1)!;
        // libvirt expects 25,951 ms
        expect(downtimeNeededMs(last)).toBe(32500);
        const r = remedies({
            uri: "qemu:///system",
            domain: u,
            last,
            maxDowntimeMs: 300,
            postcopyAllowed: true,
            autoConverge: false,
        });
        expect(r.map((x) => x.id)).toEqual(["downtime", "auto-converge", "postcopy", "suspend"]);
        expect(r[0]!.argv).toEqual([
            "virsh",
            "-c",
            "qemu:///system",
            "migrate-setmaxdowntime",
            "--domain",
            u,
            "--downtime",
            "32500",
        ]);
        expect(r[0]!.effect).toMatch(/32500 ms.*about 22 s/);
        expect(r[1]).toMatchObject({ argv: null, why: expect.stringMatching(/--auto-converge/) });
        expect(r[2]!.argv).toEqual(["virsh", "-c", "qemu:///system", "migrate-postcopy", "--domain", u]);
        expect(r[2]!.effect).toMatch(/87 MiB/);
        expect(r[3]!.argv).toEqual(["virsh", "-c", "qemu:///system", "suspend", "--domain", u]);
        expect(r[3]!.effect).toMatch(/about 22 s/);
    });
    it("post-copy not allowed at the start: shown without a command, and why", () => {
        const r = remedies({
            uri: "qemu:///system",
            domain: u,
            last: BW4.at(-1)!,
            maxDowntimeMs: 300,
            postcopyAllowed: false,
            autoConverge: true,
        });
        expect(r.find((x) => x.id === "postcopy")).toMatchObject({ argv: null, why: expect.any(String) });
        expect(r.find((x) => x.id === "auto-converge")!.why).toBe("Already on");
    });
    it("a downtime already above what is needed is not offered", () => {
        const r = remedies({
            uri: "qemu:///system",
            domain: u,
            last: BW4.at(-1)!,
            maxDowntimeMs: 40_000,
            postcopyAllowed: true,
            autoConverge: false,
        });
        expect(r.map((x) => x.id)).not.toContain("downtime");
    });
});
