import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { domainPresence, finishMigration, jobEnded, startMigration } from "../../src/migration/job";
import { commandsBeforeStart } from "../../src/migration/autostart";
import { defaultOptions, type MigrationOptions } from "../../src/migration/options";
import { readHistory, HistoryConflictError } from "../../src/history/records";
import { RunError } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";
import { ref, uuidOf } from "./refs";
import { bySubcommand, MemoryFiles, ScriptedRunner } from "./fakes";

const memoryStore = () => new MemoryFiles();

/** A scripted runner: answers by the virsh subcommand (or the program), records every argv. */
function scripted(answers: Record<string, (argv: readonly string[]) => string | Promise<string>>): ScriptedRunner {
    return new ScriptedRunner(bySubcommand(answers), { unknown: "run-error" });
}

/** A runner for the end of a migration A → B that completed; job directories are removed with rm. */
const finished = () =>
    scripted({
        "qemu:///system domjobinfo": () => "Job type: 0\n",
        "qemu:///system dominfo": (argv: readonly string[]) => notFound(argv),
        "qemu+tcp://b/system dominfo": () => "Name: vm\nState:          running\nPersistent:     yes\n",
        rm: () => "",
    });
const notFound = (argv: readonly string[]) => {
    throw new RunError("exit-status", "error: failed to get domain 'vm'", argv, 1, "error: failed to get domain 'vm'");
};
const req = (o: Partial<MigrationOptions> = {}, wasPersistent = true, wasAutostart = false) => ({
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
    options: { ...defaultOptions("running"), ...o },
    wasRunning: true,
    wasPersistent,
    wasAutostart,
    user: "admin",
    source: { hostId: "localhost", label: "A", uri: "qemu:///system" },
    destination: { hostId: "b", label: "B", uri: "qemu+tcp://b/system" },
});

describe("migration job", () => {
    it("records, starts detached, and refuses a second start of the same VM", async () => {
        const files = memoryStore();
        const runner = scripted({ setsid: () => "" });
        const rec = await startMigration({ runner, files, now: () => 1000 }, req());
        expect(runner.argvs[0]!.slice(0, 2)).toEqual(["setsid", "--fork"]);
        expect(runner.argvs[0]!.slice(-req().argv.length)).toEqual(req().argv);
        expect(runner.argvs[0]).toContain(rec.jobDir);
        expect((await readHistory(files)).records[0]).toMatchObject({
            outcome: "running",
            domain: "vm",
            user: "admin",
        });
        await expect(startMigration({ runner, files, now: () => 2000 }, req())).rejects.toBeInstanceOf(
            HistoryConflictError,
        );
    });
    it("a start that cannot run is recorded as failed", async () => {
        const files = memoryStore();
        const runner = scripted({});
        await expect(startMigration({ runner, files }, req())).rejects.toBeInstanceOf(RunError);
        expect((await readHistory(files)).records[0]!.outcome).toBe("failed");
    });
    it("finishes a completed job with verification on both hosts", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files, now: () => 1000 }, req());
        const runner = scripted({
            "qemu:///system domjobinfo": () => "Job type: 0\n",
            "qemu:///system dominfo": notFound,
            "qemu+tcp://b/system dominfo": () => "Name: vm\nState:          running\nPersistent:     yes\n",
        });
        const { record: done } = await finishMigration(
            { runner, files, now: () => 5000 },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(done).toMatchObject({
            outcome: "completed",
            endedAt: 5000,
            verification: { ok: true, where: "Running on B" },
        });
        expect((await readHistory(files)).records[0]!.outcome).toBe("completed");
    });
    it("finishes a cancelled job: explained, VM on the source", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        const runner = scripted({
            "qemu:///system domjobinfo": () => "Job type: 0\n",
            "qemu:///system dominfo": () => "State:          running\nPersistent:     yes\n",
            "qemu+tcp://b/system dominfo": notFound,
        });
        const { record: done } = await finishMigration(
            { runner, files },
            rec,
            {
                exitStatus: 1,
                lost: false,
                notes: "",
                stdout: "",
                stderr: "error: operation aborted: migration out: canceled by client",
            },
            null,
        );
        expect(done).toMatchObject({ outcome: "cancelled", verification: { ok: true, where: "Running on A" } });
    });
    it("asks again for a while when a host's libvirtd does not answer (it may be restarting after the very fault)", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        let asked = 0;
        const runner = scripted({
            "qemu:///system domjobinfo": () => "Job type: 0\n",
            "qemu:///system dominfo": () => "State:          running\nPersistent:     yes\n",
            "qemu+tcp://b/system dominfo": (argv) => {
                if (++asked < 3)
                    throw new RunError("exit-status", "x", argv, 1, "error: failed to connect to the hypervisor");
                return notFound(argv);
            },
        });
        const slept: number[] = [];
        const { record: done } = await finishMigration(
            {
                runner,
                files,
                sleep: async (ms) => {
                    slept.push(ms);
                },
            },
            rec,
            {
                exitStatus: 1,
                lost: false,
                notes: "",
                stdout: "",
                stderr: "error: operation failed: job 'migration out' failed: Unable to write to socket: Bad file descriptor",
            },
            null,
        );
        expect(asked).toBe(3);
        expect(slept).toEqual([2000, 2000]);
        expect(done).toMatchObject({
            outcome: "failed",
            explanation: { title: "The connection to the destination was lost" },
            verification: { ok: true, where: "Running on A" },
        });
        // a host that never answers is reported as unknown, after five more tries
        const files2 = memoryStore();
        const rec2 = await startMigration({ runner: scripted({ setsid: () => "" }), files: files2 }, req());
        const down = scripted({
            "qemu:///system domjobinfo": () => "",
            "qemu:///system dominfo": () => "State:          running\nPersistent:     yes\n",
        });
        const { record: unknown } = await finishMigration(
            { runner: down, files: files2, sleep: async () => undefined },
            rec2,
            { exitStatus: 1, lost: false, notes: "", stdout: "", stderr: "error: internal error" },
            null,
        );
        expect(unknown.verification).toMatchObject({ ok: false, where: "Unknown" });
    });
    describe("the summary uses domjobinfo --completed only when it is this migration-out job (issue 17 item 10)", () => {
        const completedJob = (operation: number, elapsedMs: number) =>
            `Job type: 3\n\noperation: ${operation}\ntime_elapsed: ${elapsedMs}\ndowntime: 42\ndata_processed: 999\n`;
        const finish = async (completed: string, stderr: string, exitStatus: number) => {
            const files = memoryStore();
            const rec = await startMigration(
                { runner: scripted({ setsid: () => "" }), files, now: () => 10_000 },
                req(),
            );
            const runner = scripted({
                "qemu:///system domjobinfo": (argv) => {
                    expect(argv).toContain("--completed");
                    return completed;
                },
                "qemu:///system dominfo": (argv) =>
                    exitStatus === 0 ? notFound(argv) : "State:          running\nPersistent:     yes\n",
                "qemu+tcp://b/system dominfo": (argv) =>
                    exitStatus === 0 ? "State:          running\nPersistent:     yes\n" : notFound(argv),
            });
            return (
                await finishMigration(
                    { runner, files, now: () => 13_000 },
                    rec,
                    { exitStatus, lost: false, notes: "", stdout: "", stderr },
                    null,
                )
            ).record;
        };
        it("a failure before the job began: the older incoming migration's stats are not this migration's", async () => {
            // operation 4 = migration-in: the job that brought the VM here, days ago, 60 s long
            const done = await finish(
                completedJob(4, 60_000),
                "error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused",
                1,
            );
            expect(done.summary).toEqual({ durationMs: 3000, dataBytes: null, downtimeMs: null });
        });
        it("an outgoing migration longer than this whole migration began before it: not this one", async () => {
            const done = await finish(completedJob(5, 60_000), "error: internal error", 1);
            expect(done.summary).toEqual({ durationMs: 3000, dataBytes: null, downtimeMs: null });
        });
        it("a Permanent migration: the source has no domain left, the destination's incoming job gives the figures (issue 21 item 4)", async () => {
            const files = memoryStore();
            const rec = await startMigration(
                { runner: scripted({ setsid: () => "" }), files, now: () => 10_000 },
                req(),
            );
            const gone = readFileSync(
                new URL("./fixtures/domjobinfo-completed-source-gone.txt", import.meta.url),
                "utf8",
            );
            const incoming = readFileSync(
                new URL("./fixtures/domjobinfo-rawstats-completed-in.txt", import.meta.url),
                "utf8",
            );
            const runner = scripted({
                "qemu:///system domjobinfo": (argv) => {
                    throw new RunError("exit-status", gone, argv, 1, gone);
                },
                "qemu+tcp://b/system domjobinfo": (argv) => {
                    // read, not consumed: whoever asks next (virsh, another page) still sees it
                    expect(argv.slice(-2)).toEqual(["--completed", "--keep-completed"]);
                    return incoming;
                },
                "qemu:///system dominfo": notFound,
                "qemu+tcp://b/system dominfo": () => "State:          running\nPersistent:     yes\n",
                rm: () => "",
            });
            const done = await finishMigration(
                { runner, files, now: () => 13_000 },
                rec,
                { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
                null,
            );
            expect(done.record.summary).toEqual({ durationMs: 1014, dataBytes: 578325, downtimeMs: 70 });
        });
        it("this migration's own completed migration-out job gives duration, data and downtime", async () => {
            const done = await finish(completedJob(5, 2500), "", 0);
            expect(done.summary).toEqual({ durationMs: 2500, dataBytes: 999, downtimeMs: 42 });
        });
    });
    it("a Temporary migration of a transient VM: gone from the source is what was asked (issue 17 item 9)", async () => {
        const files = memoryStore();
        const rec = await startMigration(
            { runner: scripted({ setsid: () => "" }), files },
            req({ duration: "temporary" }, false),
        );
        const runner = scripted({
            "qemu:///system domjobinfo": () => "Job type: 0\n",
            "qemu:///system dominfo": notFound,
            "qemu+tcp://b/system dominfo": () => "State:          running\nPersistent:     no\n",
        });
        const { record: done } = await finishMigration(
            { runner, files },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(done.verification).toEqual({ ok: true, where: "Running on B", problems: [] });
        // the same end for a persistent VM is still a lost definition
        const files2 = memoryStore();
        const rec2 = await startMigration(
            { runner: scripted({ setsid: () => "" }), files: files2 },
            req({ duration: "temporary" }, true),
        );
        const { record: lost } = await finishMigration(
            { runner, files: files2 },
            rec2,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(lost.verification?.problems).toEqual(["The definition on A is gone."]);
    });
    describe("autostart (issue 17 item 1)", () => {
        const running = () => "State:          running\nPersistent:     yes\n";
        const transientThere = () => "State:          running\nPersistent:     no\n";
        const shutOff = () => "State:          shut off\nPersistent:     yes\n";
        const ok = { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" };
        it("a Temporary migration of an autostart VM without consent is refused before anything runs or is recorded", async () => {
            const files = memoryStore();
            const runner = scripted({ setsid: () => "" });
            await expect(startMigration({ runner, files }, req({ duration: "temporary" }, true, true))).rejects.toThrow(
                /starts automatically on the source/,
            );
            expect(runner.argvs).toEqual([]);
            expect((await readHistory(files)).records).toEqual([]);
        });
        it("with consent: autostart off on the source before the start, and the result says so", async () => {
            const files = memoryStore();
            const runner = scripted({
                setsid: () => "",
                "qemu:///system autostart": () => "Domain 'vm' unmarked as autostarted\n",
            });
            const rec = await startMigration(
                { runner, files },
                req({ duration: "temporary", disableSourceAutostart: true }, true, true),
            );
            expect(runner.argvs.map((c) => (c[0] === "virsh" ? c.slice(2).join(" ") : c[0]))).toEqual([
                `qemu:///system autostart --domain ${uuidOf("vm")} --disable`,
                "setsid",
            ]);
            expect(rec.options).toMatchObject({ sourceAutostartDisabled: true });
            const after = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": shutOff,
                "qemu+tcp://b/system dominfo": transientThere,
            });
            const { record: done } = await finishMigration({ runner: after, files }, rec, ok, null);
            expect(done.autostart).toEqual({ ok: true, text: expect.stringMatching(/^Autostart is off on A/) });
            expect(after.argvs.some((c) => c[3] === "autostart")).toBe(false);
        });
        it("the equivalent command shows the autostart step only with consent for an autostart VM", () => {
            const t = { ...defaultOptions("running"), duration: "temporary" as const };
            expect(
                commandsBeforeStart({ ...t, disableSourceAutostart: true }, "qemu:///system", uuidOf("vm"), true),
            ).toEqual([["virsh", "-c", "qemu:///system", "autostart", "--domain", uuidOf("vm"), "--disable"]]);
            expect(
                commandsBeforeStart({ ...t, disableSourceAutostart: true }, "qemu:///system", uuidOf("vm"), false),
            ).toEqual([]);
            expect(commandsBeforeStart(defaultOptions("running"), "qemu:///system", uuidOf("vm"), true)).toEqual([]);
        });
        it("with consent, a failed migration turns autostart back on where the VM still is", async () => {
            const files = memoryStore();
            const rec = await startMigration(
                { runner: scripted({ setsid: () => "", autostart: () => "" }), files },
                req({ duration: "temporary", disableSourceAutostart: true }, true, true),
            );
            const after = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": running,
                "qemu+tcp://b/system dominfo": notFound,
                "qemu:///system autostart": () => "Domain 'vm' marked as autostarted\n",
            });
            const { record: done } = await finishMigration(
                { runner: after, files, sleep: async () => undefined },
                rec,
                { exitStatus: 1, lost: false, notes: "", stdout: "", stderr: "error: internal error" },
                null,
            );
            expect(after.argvs.find((c) => c[3] === "autostart")).toEqual([
                "virsh",
                "-c",
                "qemu:///system",
                "autostart",
                "--domain",
                uuidOf("vm"),
            ]);
            expect(done.autostart).toEqual({ ok: true, text: "Autostart turned back on on A: the VM did not move." });
        });
        it("a Permanent move of an autostart VM turns autostart on on the destination (libvirt does not carry it)", async () => {
            const files = memoryStore();
            const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req({}, true, true));
            const after = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": notFound,
                "qemu+tcp://b/system dominfo": running,
                "qemu+tcp://b/system autostart": () => "Domain 'vm' marked as autostarted\n",
            });
            const { record: done } = await finishMigration({ runner: after, files }, rec, ok, null);
            expect(after.argvs.find((c) => c[3] === "autostart")).toEqual([
                "virsh",
                "-c",
                "qemu+tcp://b/system",
                "autostart",
                "--domain",
                uuidOf("vm"),
            ]);
            expect(done.autostart).toEqual({
                ok: true,
                text: "Autostart carried over: B starts the VM at boot (virsh autostart).",
            });
            expect((await readHistory(files)).records[0]!.autostart?.ok).toBe(true);
            // a VM without autostart: nothing is turned on
            const files2 = memoryStore();
            const plain = await startMigration({ runner: scripted({ setsid: () => "" }), files: files2 }, req());
            const after2 = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": notFound,
                "qemu+tcp://b/system dominfo": running,
            });
            expect(
                (await finishMigration({ runner: after2, files: files2 }, plain, ok, null)).record.autostart,
            ).toBeUndefined();
        });
        it("when the destination refuses, the result says autostart is lost and what to run", async () => {
            const files = memoryStore();
            const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req({}, true, true));
            const after = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": notFound,
                "qemu+tcp://b/system dominfo": running,
                "qemu+tcp://b/system autostart": (argv) => {
                    throw new RunError("exit-status", "x", argv, 1, "error: Failed to mark domain 'vm' as autostarted");
                },
            });
            const { record: done } = await finishMigration({ runner: after, files }, rec, ok, null);
            expect(done.autostart).toMatchObject({
                ok: false,
                text: expect.stringMatching(
                    /could not be turned on on B .*run virsh autostart there\. error: Failed to mark/,
                ),
            });
        });
    });
    describe("post-copy failure (issue 17 item 2)", () => {
        const paused = () => "State:          paused\nPersistent:     yes\n";
        const runningThere = () => "State:          running\nPersistent:     no\n";
        const lost = {
            exitStatus: 1,
            lost: false,
            notes: "",
            stdout: "",
            stderr: "error: operation failed: job 'migration out' failed: Unable to write to socket: Connection reset by peer",
        };
        const finish = async (dstReason: string) => {
            const files = memoryStore();
            const rec = await startMigration(
                { runner: scripted({ setsid: () => "" }), files },
                req({ postcopy: true }),
            );
            const runner = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": paused,
                "qemu+tcp://b/system dominfo": runningThere,
                "qemu:///system domstate": () => "paused (post-copy failed)\n\n",
                "qemu+tcp://b/system domstate": () => `${dstReason}\n\n`,
            });
            return {
                done: (await finishMigration({ runner, files, sleep: async () => undefined }, rec, lost, null)).record,
                runner,
            };
        };
        it("paused (post-copy failed) here, running (post-copy failed) there: its own verdict, never 'shut one down', and the resume", async () => {
            const { done } = await finish("running (post-copy failed)");
            expect(done.outcome).toBe("failed");
            expect(done.explanation?.title).toBe("Post-copy failed: the VM's memory is split between both hosts");
            expect(done.verification?.where).toBe("Paused (post-copy failed) on A, running (post-copy failed) on B");
            expect(done.verification?.problems.join(" ")).not.toMatch(/shut down one/);
            expect(done.verification?.problems[0]).toMatch(/^Do not shut down, destroy or start the VM on A or on B/);
            expect(done.postcopyResume).toEqual([
                "virsh",
                "-c",
                "qemu:///system",
                "migrate",
                "--live",
                "--persistent",
                "--undefinesource",
                "--postcopy",
                "--postcopy-resume",
                "--domain",
                uuidOf("vm"),
                "--desturi",
                "qemu+tcp://b/system",
            ]);
        });
        it("a libvirt without the destination's post-copy-failed state (before 8.5) cannot resume: no resume is offered", async () => {
            const { done } = await finish("running (post-copy)");
            expect(done.explanation?.title).toBe("Post-copy failed: the VM's memory is split between both hosts");
            expect(done.postcopyResume).toBeUndefined();
            expect(done.verification?.problems[1]).toMatch(/cannot resume/);
        });
        it("a migration without post-copy asks for no state reasons", async () => {
            const files = memoryStore();
            const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
            const runner = scripted({
                "qemu:///system domjobinfo": () => "Job type: 0\n",
                "qemu:///system dominfo": () => "State:          running\nPersistent:     yes\n",
                "qemu+tcp://b/system dominfo": notFound,
            });
            const { record: done } = await finishMigration({ runner, files }, rec, lost, null);
            expect(runner.argvs.some((c) => c[3] === "domstate")).toBe(false);
            expect(done.verification).toMatchObject({ ok: true, where: "Running on A" });
        });
    });
    it("recording the outcome: retried with back-off through write conflicts, then the job directory is removed", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        // another writer changes the history at each of the next 8 writes (a plan and two tabs)
        let busy = 8;
        const contested: FileStore = {
            read: files.read,
            replace: async (p, c, t) => {
                if (busy-- > 0) throw { problem: "change-conflict" };
                return files.replace(p, c, t);
            },
        };
        const runner = finished();
        const slept: number[] = [];
        const done = await finishMigration(
            {
                runner,
                files: contested,
                sleep: async (ms) => {
                    slept.push(ms);
                },
            },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(done).toMatchObject({ unrecorded: null, record: { outcome: "completed" } });
        expect((await readHistory(files)).records[0]!.outcome).toBe("completed");
        // an attempt is 4 writes (modifyFile retries a conflict 3 times); the 3rd gets through
        expect(slept).toEqual([500, 1000]);
        expect(runner.argvs.at(-1)).toEqual(["rm", "-rf", "--", rec.jobDir]);
    });
    it("an outcome that cannot be recorded is said so, and the job directory stays for the next page", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        const never: FileStore = {
            read: files.read,
            replace: async () => {
                throw { problem: "change-conflict" };
            },
        };
        const runner = finished();
        const slept: number[] = [];
        const done = await finishMigration(
            {
                runner,
                files: never,
                sleep: async (ms) => {
                    slept.push(ms);
                },
            },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(done.record.outcome).toBe("completed");
        expect(done.unrecorded).toEqual({
            message: expect.stringMatching(/kept changing/),
            fix: expect.stringMatching(/record the outcome again/),
        });
        expect(slept).toEqual([500, 1000, 2000, 4000, 8000]);
        expect((await readHistory(files)).records[0]!.outcome).toBe("running");
        expect(runner.argvs.some((a) => a[0] === "rm")).toBe(false);
    });
    it("a record another page already ended is not overwritten (its job directory may be gone: read as lost)", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        await finishMigration(
            { runner: finished(), files },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        const late = await finishMigration(
            { runner: finished(), files, sleep: async () => undefined },
            rec,
            { exitStatus: null, lost: true, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(late).toMatchObject({ unrecorded: null, record: { outcome: "completed" } });
        expect((await readHistory(files)).records[0]!.outcome).toBe("completed");
    });
    it("the end is checked on both hosts at once: every question is asked before any answers", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files, now: () => 1000 }, req());
        const asked: string[] = [];
        let answer!: () => void;
        const allAsked = new Promise<void>((r) => (answer = r));
        /** Holds each answer until the four questions (job and presence, on each host) have all been asked. */
        const held = (reply: (argv: readonly string[]) => string) => async (argv: readonly string[]) => {
            asked.push(`${argv[2]} ${argv[3]}`);
            if (asked.length === 4) answer();
            await Promise.race([
                allAsked,
                new Promise((_r, no) => setTimeout(() => no(new Error(`only ${asked.join(", ")} asked`)), 2000)),
            ]);
            return reply(argv);
        };
        const runner = new ScriptedRunner(
            bySubcommand({
                "qemu:///system domjobinfo": held(() => "Job type: 0\n"),
                "qemu+tcp://b/system domjobinfo": held(() => "Job type: 0\n"),
                "qemu:///system dominfo": held(notFound),
                "qemu+tcp://b/system dominfo": held(() => "Name: vm\nState:          running\nPersistent:     yes\n"),
                rm: () => "",
            }),
        );
        const done = await finishMigration(
            { runner, files },
            rec,
            { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
            null,
        );
        expect(asked.sort()).toEqual([
            "qemu+tcp://b/system dominfo",
            "qemu+tcp://b/system domjobinfo",
            "qemu:///system dominfo",
            "qemu:///system domjobinfo",
        ]);
        expect(done.record).toMatchObject({ outcome: "completed", verification: { ok: true } });
    });
    it("the result does not wait for the job directory's removal (the outcome is recorded first)", async () => {
        const files = memoryStore();
        const rec = await startMigration({ runner: scripted({ setsid: () => "" }), files }, req());
        const runner = scripted({
            "qemu:///system domjobinfo": () => "Job type: 0\n",
            "qemu:///system dominfo": notFound,
            "qemu+tcp://b/system dominfo": () => "Name: vm\nState:          running\nPersistent:     yes\n",
            rm: () => new Promise<string>(() => undefined), // never answers
        });
        const done = await Promise.race([
            finishMigration(
                { runner, files },
                rec,
                { exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" },
                null,
            ),
            new Promise<"held">((r) => setTimeout(() => r("held"), 1000)),
        ]);
        expect(done).toMatchObject({ unrecorded: null, record: { outcome: "completed" } });
        expect((await readHistory(files)).records[0]!.outcome).toBe("completed");
        expect(runner.argvs.at(-1)).toEqual(["rm", "-rf", "--", rec.jobDir]);
    });
    it("domainPresence: absent is null, connection errors throw", async () => {
        expect(await domainPresence(scripted({ dominfo: notFound }), "u", uuidOf("vm"))).toBeNull();
        await expect(domainPresence(scripted({}), "u", uuidOf("vm"))).rejects.toBeInstanceOf(RunError);
    });
});

describe("jobEnded", () => {
    const rec = { startedAt: 10_000 } as Parameters<typeof jobEnded>[1];
    it("ends on a status, or when lost for more than a few seconds after the start", () => {
        expect(jobEnded({ exitStatus: 0, lost: false, notes: "", stdout: "", stderr: "" }, rec, 10_100)).toBe(true);
        expect(jobEnded({ exitStatus: null, lost: false, notes: "", stdout: "", stderr: "" }, rec, 99_000)).toBe(false);
        expect(jobEnded({ exitStatus: null, lost: true, notes: "", stdout: "", stderr: "" }, rec, 10_200)).toBe(false);
        expect(jobEnded({ exitStatus: null, lost: true, notes: "", stdout: "", stderr: "" }, rec, 16_000)).toBe(true);
    });
});

describe("a cold move (offline + copy disks) as a migration job", () => {
    const XML = `<domain type='qemu'><name>vm</name><memory unit='KiB'>65536</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/tmp/h22/data.raw'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>`;
    const cold = (over: Partial<MigrationOptions> = {}) => ({
        ...req({ mode: "offline", storage: "copy-all", ...over }),
        wasRunning: false,
        coldMove: {
            source: { kind: "local" } as const,
            destination: { kind: "ssh", address: "b", user: "root" } as const,
        },
    });

    it("reads the files on the source, records them and starts one job that carries them, then runs the migrate", async () => {
        const files = memoryStore();
        const runner = scripted({
            "qemu:///system dumpxml": () => XML,
            "qemu-img": () => readFileSync(`${__dirname}/fixtures/coldmove/qemu-img-info-raw.json`, "utf8"),
            setsid: () => "",
        });
        const rec = await startMigration({ runner, files, now: () => 1000 }, cold({ removeSourceFiles: true }));
        expect(runner.argvs[0]).toContain("--inactive");
        const started = runner.argvs.find((a) => a[0] === "setsid")!;
        expect(started.slice(0, 4)).toEqual(["setsid", "--fork", "sh", "-c"]);
        expect(started).toContain("cold-move");
        // the migrate argv travels as one count-prefixed group of the job
        const at = started.indexOf("virsh");
        expect(started.slice(at - 1, at + req().argv.length)).toEqual([String(req().argv.length), ...req().argv]);
        expect(rec.coldMove?.files.map((f) => [f.path, f.allocatedBytes])).toEqual([["/tmp/h22/data.raw", 2097152]]);
        expect(rec.coldMove?.commands.some((c) => c[0] === "bash" && c.includes("tar"))).toBe(true);
        expect((await readHistory(files)).records[0]!.coldMove?.files).toHaveLength(1);
    });

    it("refuses before recording when a host has no shell or a file cannot be read", async () => {
        const files = memoryStore();
        const runner = scripted({
            "qemu:///system dumpxml": () => XML,
            "qemu-img": (argv) => {
                throw new RunError("exit-status", "No such file", argv, 1, "qemu-img: Could not open: No such file");
            },
        });
        await expect(startMigration({ runner, files }, cold())).rejects.toThrow(/cannot be read on the source/);
        await expect(
            startMigration(
                { runner, files },
                { ...cold(), coldMove: { source: { kind: "local" }, destination: null } },
            ),
        ).rejects.toThrow(/no shell/);
        expect((await readHistory(files)).records).toEqual([]);
    });
});
