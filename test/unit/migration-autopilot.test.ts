import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argProblem } from "../../pkg/lib/runner";
import { detachedArgv, parseJobStatus, readJobArgv } from "../../pkg/lib/detach";
import {
    autopilotArgv,
    autopilotReadArgv,
    parseAutopilot,
    parseSteps,
    SAMPLE_AWK,
    withAutopilot,
} from "../../src/migration/autopilot";
import { parseSamples } from "../../src/migration/samples";
import type { Step } from "../../src/migration/policies";
import { HOSTILE } from "./hostile";
import { uuidOf } from "./refs";

const made: string[] = [];
const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "cm-autopilot-"));
    made.push(d);
    return d;
};
afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
});
const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
const waitFor = async (p: string, ms = 20_000) => {
    for (let i = 0; i < ms / 50 && !existsSync(p); i++) await new Promise((r) => setTimeout(r, 50));
};
const args = HOSTILE.filter((s) => argProblem(s) === null);

/** A stand-in for domjobinfo --rawstats: a running job whose pass is the number of calls so far (1, 2, 3, ...). */
const stats = (dir: string) => [
    "sh",
    "-c",
    'n=$(cat "$0" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$0"; printf "Job type: 2\\n\\noperation: 5\\ntime_elapsed: %s\\ndata_total: 1000\\ndata_remaining: 400\\nmemory_bps: 100\\nmemory_dirty_rate: 30\\nmemory_page_size: 4096\\nmemory_iteration: %s\\ndowntime: 900\\nmemory_postcopy_requests: 0\\n" "$((n * 1000))" "$n"',
    join(dir, "stats.n"),
];
/** A stand-in for a step: records its argv (NUL-separated) in FILE, exits with STATUS and says why on stderr. */
const recorder = (file: string, status: number) => [
    "sh",
    "-c",
    'f=$0; s=$1; shift; printf "%s\\0" "$@" > "$f"; [ "$s" = 0 ] || printf "error: refused\\nsecond line\\n" >&2; exit "$s"',
    file,
    String(status),
    ...args,
];
const step = (when: Step["when"], action: Step["action"]): Step => ({ when, action });

describe("the autopilot loop in the detached job (real setsid, sh, awk)", () => {
    it("samples every second, takes each step once when its pass comes, notes each, and exits with the job's status", async () => {
        const base = tmp(),
            dir = join(base, "job");
        const job = ["sh", "-c", 'sleep 4.5; printf "%s\\0" "$@"; echo oops >&2; exit 3', "sh", ...args];
        const argv = autopilotArgv(dir, job, stats(base), [
            { step: step({ iteration: 2 }, { kind: "downtime", ms: 1000 }), argv: recorder(join(base, "s0"), 0) },
            { step: step({ iteration: 3 }, { kind: "downtime", ms: 2000 }), argv: recorder(join(base, "s1"), 1) },
            { step: step({ iteration: 4 }, { kind: "postcopy" }), argv: recorder(join(base, "s2"), 0) },
            { step: step({ seconds: 1 }, { kind: "abort" }), argv: recorder(join(base, "s3"), 0) },
            { step: step({ seconds: 3600 }, { kind: "abort" }), argv: recorder(join(base, "never"), 0) },
        ]);
        run(detachedArgv(dir, argv));
        await waitFor(join(dir, "status"));
        const job2 = parseJobStatus(run(readJobArgv(dir)));
        // the job's own output and status are the migration's: the loop writes nothing there
        expect(job2).toMatchObject({ exitStatus: 3, stderr: "oops" });
        expect(job2.stdout.split("\0").slice(0, -1)).toEqual(args);
        for (const f of ["s0", "s1", "s2"])
            expect(readFileSync(join(base, f), "utf8").split("\0").slice(0, -1)).toEqual(args);
        expect(existsSync(join(base, "never"))).toBe(false);
        const read = parseAutopilot(run(autopilotReadArgv(dir)));
        const samples = parseSamples(read.samples);
        expect(samples.length).toBeGreaterThanOrEqual(4);
        expect(samples[0]).toMatchObject({
            elapsedMs: 1000,
            total: 1000,
            remaining: 400,
            bps: 100,
            dirtyBps: 30 * 4096,
            iteration: 1,
            expectedDowntimeMs: 900,
            postcopy: false,
        });
        expect(samples.map((s) => s.iteration)).toEqual(samples.map((_s, i) => i + 1));
        // the abort came due at 1 s, but at pass 1 it was not yet; steps are noted in the order taken
        const taken = read.steps.map((s) => [s.index, s.result]);
        expect(taken).toEqual(
            expect.arrayContaining([
                [0, "ok"],
                [1, "failed"],
                [2, "ok"],
            ]),
        );
        // after the switch to post-copy an abort is refused by libvirt: noted as skipped, not run
        const abort = read.steps.find((s) => s.index === 3)!;
        const pc = read.steps.find((s) => s.index === 2)!;
        if (abort.at >= pc.at) {
            expect(abort.result).toBe("skipped");
            expect(existsSync(join(base, "s3"))).toBe(false);
        } else expect(abort.result).toBe("ok");
        expect(read.steps.find((s) => s.index === 1)!.message).toBe("error: refused second line");
        expect(read.steps.filter((s) => s.index === 0)).toHaveLength(1);
        // a second read from where the first ended has nothing new
        expect(parseAutopilot(run(autopilotReadArgv(dir, read.bytes))).samples).toBe("");
    }, 30_000);

    it("a job that ends at once ends the loop at once, with no step taken", async () => {
        const base = tmp(),
            dir = join(base, "job");
        const t0 = Date.now();
        run(
            detachedArgv(
                dir,
                autopilotArgv(dir, ["true"], stats(base), [
                    { step: step({ seconds: 0 }, { kind: "abort" }), argv: recorder(join(base, "s0"), 0) },
                ]),
            ),
        );
        await waitFor(join(dir, "status"));
        expect(Date.now() - t0).toBeLessThan(3000);
        expect(parseJobStatus(run(readJobArgv(dir))).exitStatus).toBe(0);
    });

    it("the job's argv: the schedule's words from numbers only, each step's exact virsh argv on the source", () => {
        const u = uuidOf("vm");
        const job = ["virsh", "-c", "qemu:///system", "migrate", "--live"];
        const argv = withAutopilot("/run/j", job, "qemu+ssh://root@h/system", u, [
            step({ seconds: 30 }, { kind: "downtime", ms: 1000 }),
            step({ iteration: 4 }, { kind: "postcopy" }),
            step({ seconds: 600 }, { kind: "abort" }),
        ]);
        expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
        expect(argv.slice(3)).toEqual([
            "sh",
            "/run/j",
            "s:30:d i:4:p s:600:a",
            "4",
            "9",
            ...["timeout", "20", "virsh", "-c", "qemu+ssh://root@h/system", "domjobinfo", "--domain", u, "--rawstats"],
            "10",
            ...["timeout", "30", "virsh", "-c", "qemu+ssh://root@h/system", "migrate-setmaxdowntime", "--domain", u],
            ...["--downtime", "1000"],
            "8",
            ...["timeout", "30", "virsh", "-c", "qemu+ssh://root@h/system", "migrate-postcopy", "--domain", u],
            "8",
            ...["timeout", "30", "virsh", "-c", "qemu+ssh://root@h/system", "domjobabort", "--domain", u],
            ...job,
        ]);
        expect(() =>
            withAutopilot("/run/j", job, "qemu:///system", u, [step({ seconds: 1.5 }, { kind: "abort" })]),
        ).toThrow();
    });

    it("the sample line of real domjobinfo output (captured on the lab) is what parseSamples reads", () => {
        const text = readFileSync(join(import.meta.dirname, "fixtures", "domjobinfo-series-dirty16-bw4.txt"), "utf8");
        const chunk = text.split(/^# at \d+\n/m)[47]!;
        const line = execFileSync("awk", ["-F", ": *", "-v", "t=1796163237697", SAMPLE_AWK], {
            input: chunk,
            encoding: "utf8",
        });
        expect(parseSamples(line)).toEqual([
            {
                at: 1796163237697,
                elapsedMs: 50893,
                total: 268828672,
                remaining: 108859392,
                bps: 4227300,
                dirtyBps: 497 * 4096,
                iteration: 2,
                expectedDowntimeMs: 25951,
                postcopy: false,
            },
        ]);
        // a job that is not running (the domain's job has ended) gives no line
        expect(execFileSync("awk", ["-F", ": *", "-v", "t=1", SAMPLE_AWK], { input: "Job type: 0\n" })).toHaveLength(0);
    });

    it("steps noted by the job are read back; foreign lines are skipped", () => {
        expect(parseSteps("1\t0\tok\t\n2\t1\tfailed\terror: x y\nnonsense\n3\t2\tweird\t\n")).toEqual([
            { at: 1, index: 0, result: "ok", message: "" },
            { at: 2, index: 1, result: "failed", message: "error: x y" },
        ]);
    });
});
