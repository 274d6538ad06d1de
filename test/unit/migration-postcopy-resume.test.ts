import { describe, expect, it } from "vitest";
import { startMigration } from "../../src/migration/job";
import { resumePostcopy } from "../../src/migration/postcopy-resume";
import { defaultOptions } from "../../src/migration/options";
import { readHistory, updateRecord } from "../../src/history/records";
import { ref, uuidOf } from "./refs";
import { bySubcommand, MemoryFiles, ScriptedRunner } from "./fakes";

const RESUME = ["virsh", "-c", "qemu:///system", "migrate", "--postcopy", "--postcopy-resume"];

async function failedPostcopy(o: Record<string, unknown> = {}, wasAutostart = false) {
    const files = new MemoryFiles();
    const runner = new ScriptedRunner(bySubcommand({ setsid: () => "", autostart: () => "" }), {
        unknown: "run-error",
    });
    const first = await startMigration(
        { runner, files, now: () => 1000 },
        {
            domain: ref("vm"),
            argv: ["virsh", "-c", "qemu:///system", "migrate", "--postcopy", "--domain", uuidOf("vm")],
            options: { ...defaultOptions("running"), postcopy: true, maxDowntimeMs: 500, ...o },
            wasRunning: true,
            wasPersistent: true,
            wasAutostart,
            user: "admin",
            source: { hostId: "localhost", label: "A", uri: "qemu:///system" },
            destination: { hostId: "b", label: "B", uri: "qemu+tcp://b/system" },
        },
    );
    await updateRecord(files, first.id, { outcome: "failed", endedAt: 2000, postcopyResume: RESUME });
    const record = (await readHistory(files)).records.find((r) => r.id === first.id)!;
    return { files, runner, record };
}

describe("resuming a failed post-copy", () => {
    it("runs the recorded --postcopy-resume as a new detached job of the same VM, without a downtime step", async () => {
        const { files, runner, record } = await failedPostcopy();
        const before = runner.argvs.length;
        const resumed = await resumePostcopy({ runner, files, now: () => 3000 }, record, "root");
        const argvs = runner.argvs.slice(before);
        expect(resumed.id).not.toBe(record.id);
        expect(resumed).toMatchObject({ uuid: uuidOf("vm"), domain: "vm", outcome: "running", argv: RESUME });
        expect(resumed.options.maxDowntimeMs).toBeUndefined();
        expect(argvs).toHaveLength(1);
        expect(argvs[0]!.slice(0, 2)).toEqual(["setsid", "--fork"]);
        expect(argvs[0]!.slice(-RESUME.length)).toEqual(RESUME);
        expect(argvs[0]!.join(" ")).not.toContain("migrate-setmaxdowntime");
        expect((await readHistory(files)).records.map((r) => r.outcome).sort()).toEqual(["failed", "running"]);
    });
    it("a Temporary move whose source autostart was turned off is not refused, and turns nothing off again", async () => {
        const { files, runner, record } = await failedPostcopy(
            { duration: "temporary", disableSourceAutostart: true },
            true,
        );
        expect(record.options).toMatchObject({ sourceAutostartDisabled: true });
        const before = runner.argvs.length;
        await resumePostcopy({ runner, files, now: () => 3000 }, record, "root");
        expect(runner.argvs.slice(before).filter((a) => a.includes("autostart"))).toEqual([]);
        expect(runner.argvs.slice(before)).toHaveLength(1);
    });
    it("a record without a resume command is refused", async () => {
        const { files, runner, record } = await failedPostcopy();
        const { postcopyResume: _p, ...without } = record;
        await expect(resumePostcopy({ runner, files }, without, "root")).rejects.toThrow(/no post-copy phase/);
    });
});
