import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argProblem } from "../../pkg/lib/runner";
import { detachedArgv, parseJobStatus, readJobArgv } from "../../pkg/lib/detach";
import { downtimeOutcome, withMaxDowntime } from "../../src/migration/downtime";
import { finishMigration, startMigration } from "../../src/migration/job";
import { withAutopilot } from "../../src/migration/autopilot";
import { defaultOptions } from "../../src/migration/options";
import { readHistory } from "../../src/history/records";
import { RunError } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { ref, uuidOf } from "./refs";
import { MemoryFiles, ScriptedRunner } from "./fakes";

const made: string[] = [];
const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "cm-downtime-"));
    made.push(d);
    return d;
};
afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
});
const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
const waitFor = async (p: string) => {
    for (let i = 0; i < 300 && !existsSync(p); i++) await new Promise((r) => setTimeout(r, 50));
};
const args = HOSTILE.filter((s) => argProblem(s) === null);

/**
 * A stand-in for migrate-setmaxdowntime: refused (as libvirt does before the migration job exists) `refusals` times,
 * then records its argv.
 */
const setCommand = (dir: string, refusals: number) => [
    "sh",
    "-c",
    'n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n + 1)) > "$0.count"; if [ "$n" -lt "$1" ]; then echo "error: Requested operation is not valid: no job is active on the domain" >&2; exit 1; fi; shift; printf "%s\\0" "$@" > "$0"',
    join(dir, "set"),
    String(refusals),
    ...args,
];

describe("maximum downtime set by the detached job (real setsid and sh)", () => {
    it("set once libvirt takes it, while the migration runs; both argvs exact; the job exits with migrate's status", async () => {
        const base = tmp(),
            dir = join(base, "job");
        const migrate = ["sh", "-c", 'sleep 1; printf "%s\\0" "$@"; echo oops >&2; exit 3', "sh", ...args];
        run(detachedArgv(dir, withMaxDowntime(dir, setCommand(base, 2), migrate)));
        await waitFor(join(dir, "status"));
        const job = parseJobStatus(run(readJobArgv(dir)));
        expect(job).toMatchObject({ exitStatus: 3, stderr: "oops" });
        expect(job.stdout.split("\0").slice(0, -1)).toEqual(args);
        expect(readFileSync(join(base, "set"), "utf8").split("\0").slice(0, -1)).toEqual(args);
        expect(readFileSync(join(base, "set.count"), "utf8").trim()).toBe("3");
        expect(downtimeOutcome(job)).toEqual({ applied: true, message: "" });
    });
    it("refused until the migration ended: noted as not applied, with libvirt's message", async () => {
        const base = tmp(),
            dir = join(base, "job");
        run(detachedArgv(dir, withMaxDowntime(dir, setCommand(base, 1000), ["sh", "-c", "sleep 0.6"])));
        await waitFor(join(dir, "status"));
        const job = parseJobStatus(run(readJobArgv(dir)));
        expect(job.exitStatus).toBe(0);
        expect(downtimeOutcome(job)).toEqual({
            applied: false,
            message: expect.stringMatching(
                /ended before it could be set: Requested operation is not valid: no job is active/,
            ),
        });
    });
});

const memoryStore = () => new MemoryFiles();
const live = (dir: string, job: string[]) => withAutopilot(dir, job, "qemu:///system", uuidOf("vm"), []);
const recording = (answer: (argv: readonly string[]) => string) => new ScriptedRunner(() => answer);
const req = (maxDowntimeMs: number | undefined) => ({
    domain: ref("vm"),
    argv: [
        "virsh",
        "-c",
        "qemu:///system",
        "migrate",
        "--live",
        "--domain",
        uuidOf("vm"),
        "--desturi",
        "qemu+tcp://b/system",
    ],
    options: { ...defaultOptions("running"), maxDowntimeMs },
    wasRunning: true,
    wasPersistent: true,
    wasAutostart: false,
    user: "admin",
    source: { hostId: "localhost", label: "A", uri: "qemu:///system" },
    destination: { hostId: "b", label: "B", uri: "qemu+tcp://b/system" },
});

describe("maximum downtime in the migration's record", () => {
    it("the detached job carries migrate-setmaxdowntime; the page runs nothing after the start", async () => {
        const files = memoryStore();
        const runner = recording((argv) => {
            if (argv[0] === "setsid") return "";
            throw new RunError("exit-status", "unexpected", argv, 1);
        });
        const rec = await startMigration({ runner, files, sleep: async () => undefined }, req(500));
        await new Promise((r) => setTimeout(r, 300));
        expect(runner.argvs).toHaveLength(1);
        const started = runner.argvs[0]!;
        // wrapped in the autopilot's loop (src/migration/autopilot.ts), without a policy: it only samples
        expect(started).toEqual(
            detachedArgv(
                rec.jobDir,
                live(
                    rec.jobDir,
                    withMaxDowntime(
                        rec.jobDir,
                        [
                            "virsh",
                            "-c",
                            "qemu:///system",
                            "migrate-setmaxdowntime",
                            "--domain",
                            uuidOf("vm"),
                            "--downtime",
                            "500",
                        ],
                        req(500).argv,
                    ),
                ),
            ),
        );
        expect((await readHistory(files)).records[0]).toMatchObject({ maxDowntime: { ms: 500, applied: null } });
        // without a maximum downtime, the job is virsh migrate itself, in the loop
        const plain = recording(() => "");
        const rec2 = await startMigration({ runner: plain, files: memoryStore() }, req(undefined));
        expect(plain.argvs).toEqual([detachedArgv(rec2.jobDir, live(rec2.jobDir, req(undefined).argv))]);
        expect(rec2.maxDowntime).toBeUndefined();
    });
    it("the history records whether it was applied", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: recording(() => ""), files }, req(500));
        const end = recording((argv) => {
            if (argv[3] === "dominfo" && argv[2] === "qemu:///system")
                throw new RunError("exit-status", "x", argv, 1, "error: failed to get domain 'vm'");
            return argv[3] === "dominfo" ? "State:          running\nPersistent:     yes\n" : "";
        });
        const { record } = await finishMigration(
            { runner: end, files },
            rec,
            {
                exitStatus: 0,
                lost: false,
                stdout: "",
                stderr: "",
                notes: "downtime failed\nerror: Requested operation is not valid: no job is active on the domain",
            },
            null,
        );
        expect(record.maxDowntime).toEqual({
            ms: 500,
            applied: false,
            message: "Requested operation is not valid: no job is active on the domain",
        });
        expect((await readHistory(files)).records[0]!.maxDowntime).toEqual(record.maxDowntime);
    });
});
