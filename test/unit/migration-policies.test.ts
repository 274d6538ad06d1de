import { describe, expect, it } from "vitest";
import {
    completionTimeoutS,
    policyProblem,
    POLICY_IDS,
    schedule,
    stepArgv,
    withSchedule,
} from "../../src/migration/policies";
import { finishMigration, startMigration } from "../../src/migration/job";
import { withAutopilot } from "../../src/migration/autopilot";
import { detachedArgv } from "../../pkg/lib/detach";
import { defaultOptions, migrateFlags } from "../../src/migration/options";
import { readHistory } from "../../src/history/records";
import { RunError } from "../../pkg/lib/runner";
import { ref, uuidOf } from "./refs";
import { bySubcommand, MemoryFiles, ScriptedRunner } from "./fakes";

const GiB = 1073741824;
const u = uuidOf("vm");
const SRC = "qemu+ssh://root@a/system";

describe("named policies: schedules of steps, and the flags they need at the start", () => {
    it("Finish within 2 minutes: the downtime at 30 s and 60 s, post-copy at 90 s; --postcopy at the start", () => {
        const s = schedule({ id: "finish-within", minutes: 2 }, 256 * 1048576);
        expect(s).toEqual({
            postcopy: true,
            autoConverge: false,
            steps: [
                { when: { seconds: 30 }, action: { kind: "downtime", ms: 1000 } },
                { when: { seconds: 60 }, action: { kind: "downtime", ms: 3000 } },
                { when: { seconds: 90 }, action: { kind: "postcopy" } },
            ],
        });
        expect(s.steps.map((x) => stepArgv(x, SRC, u))).toEqual([
            ["virsh", "-c", SRC, "migrate-setmaxdowntime", "--domain", u, "--downtime", "1000"],
            ["virsh", "-c", SRC, "migrate-setmaxdowntime", "--domain", u, "--downtime", "3000"],
            ["virsh", "-c", SRC, "migrate-postcopy", "--domain", u],
        ]);
        const o = withSchedule(defaultOptions("running"), s);
        expect(migrateFlags(o)).toContain("--postcopy");
        expect(migrateFlags(o)).not.toContain("--auto-converge");
    });
    it("a chosen maximum downtime above a step's is kept (a step never lowers it)", () => {
        const s = schedule({ id: "finish-within", minutes: 4 }, GiB, 2500);
        expect(s.steps.map((x) => x.action)).toEqual([
            { kind: "downtime", ms: 5000 },
            { kind: "downtime", ms: 12500 },
            { kind: "postcopy" },
        ]);
    });
    it("Never post-copy: auto-converge, the downtime at passes 3 and 5, abort at the timeout per GiB", () => {
        const s = schedule({ id: "never-postcopy" }, 4 * GiB);
        expect(s.postcopy).toBe(false);
        expect(s.autoConverge).toBe(true);
        expect(s.steps).toEqual([
            { when: { iteration: 3 }, action: { kind: "downtime", ms: 1000 } },
            { when: { iteration: 5 }, action: { kind: "downtime", ms: 2000 } },
            { when: { seconds: 2400 }, action: { kind: "abort" } },
        ]);
        expect(stepArgv(s.steps[2]!, SRC, u)).toEqual(["virsh", "-c", SRC, "domjobabort", "--domain", u]);
        expect(migrateFlags(withSchedule(defaultOptions("running"), s))).toContain("--auto-converge");
    });
    it("Post-copy when stalled and Minimal downtime", () => {
        expect(schedule({ id: "postcopy-when-stalled" }, GiB).steps[0]).toEqual({
            when: { iteration: 4 },
            action: { kind: "postcopy" },
        });
        expect(schedule({ id: "minimal-downtime" }, GiB)).toEqual({
            postcopy: false,
            autoConverge: true,
            steps: [{ when: { seconds: 600 }, action: { kind: "abort" } }],
        });
    });
    it("the completion timeout: 600 s per GiB, at least 300 s; an unknown size counts as 1 GiB", () => {
        expect(completionTimeoutS(256 * 1048576)).toBe(300);
        expect(completionTimeoutS(8 * GiB)).toBe(4800);
        expect(completionTimeoutS(null)).toBe(600);
    });
    it("Finish within needs a whole number of minutes", () => {
        expect(policyProblem({ id: "finish-within", minutes: 0 })).not.toBeNull();
        expect(policyProblem({ id: "finish-within", minutes: 1.5 })).not.toBeNull();
        expect(policyProblem({ id: "finish-within" })).not.toBeNull();
        expect(policyProblem({ id: "finish-within", minutes: 3 })).toBeNull();
        for (const id of POLICY_IDS) if (id !== "finish-within") expect(policyProblem({ id })).toBeNull();
    });
});

describe("a migration with a policy", () => {
    const req = () => {
        const choice = { id: "finish-within" as const, minutes: 2 };
        const sched = schedule(choice, 256 * 1048576);
        return {
            domain: ref("vm"),
            argv: [
                "virsh",
                "-c",
                "qemu:///system",
                "migrate",
                "--live",
                "--postcopy",
                "--domain",
                u,
                "--desturi",
                "qemu+tcp://b/system",
            ],
            options: withSchedule(defaultOptions("running"), sched),
            wasRunning: true,
            wasPersistent: true,
            wasAutostart: false,
            user: "admin",
            source: { hostId: "localhost", label: "A", uri: "qemu:///system" },
            destination: { hostId: "b", label: "B", uri: "qemu+tcp://b/system" },
            policy: { choice, schedule: sched },
        };
    };
    it("the job takes the schedule; the record keeps it with each step's argv; the end records the steps taken", async () => {
        const files = new MemoryFiles();
        const start = new ScriptedRunner(bySubcommand({ setsid: () => "" }), { unknown: "run-error" });
        const rec = await startMigration({ runner: start, files }, req());
        expect(start.argvs).toEqual([
            detachedArgv(
                rec.jobDir,
                withAutopilot(rec.jobDir, req().argv, "qemu:///system", u, req().policy.schedule.steps),
            ),
        ]);
        expect(rec.autopilot).toEqual({
            policy: { id: "finish-within", minutes: 2 },
            schedule: [
                {
                    step: req().policy.schedule.steps[0],
                    argv: [
                        "virsh",
                        "-c",
                        "qemu:///system",
                        "migrate-setmaxdowntime",
                        "--domain",
                        u,
                        "--downtime",
                        "1000",
                    ],
                },
                {
                    step: req().policy.schedule.steps[1],
                    argv: [
                        "virsh",
                        "-c",
                        "qemu:///system",
                        "migrate-setmaxdowntime",
                        "--domain",
                        u,
                        "--downtime",
                        "3000",
                    ],
                },
                {
                    step: req().policy.schedule.steps[2],
                    argv: ["virsh", "-c", "qemu:///system", "migrate-postcopy", "--domain", u],
                },
            ],
        });
        const end = new ScriptedRunner(
            bySubcommand({
                cat: (argv) => {
                    expect(argv).toEqual(["cat", "--", `${rec.jobDir}/steps`]);
                    return "1000\t0\tok\t\n2000\t1\tok\t\n3000\t2\tok\t\n";
                },
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": (argv) => {
                    throw new RunError("exit-status", "x", argv, 1, "error: failed to get domain 'vm'");
                },
                "qemu+tcp://b/system dominfo": () => "State:          running\nPersistent:     yes\n",
                rm: () => "",
            }),
            { unknown: "run-error" },
        );
        await finishMigration(
            { runner: end, files },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        const kept = (await readHistory(files)).records[0]!;
        expect(kept.outcome).toBe("completed");
        expect(kept.autopilot!.taken).toEqual([
            { at: 1000, index: 0, result: "ok", message: "" },
            { at: 2000, index: 1, result: "ok", message: "" },
            { at: 3000, index: 2, result: "ok", message: "" },
        ]);
    });
});
