import { describe, expect, it } from "vitest";
import { needsRun, runSteps, stepStatus } from "../../src/storage/steps";
import type { runRecordedStep } from "../../src/storage/flow";
import { newRecord } from "../../src/storage/record";
import type { FlowContext } from "../../src/storage/run";
import type { FlowRecord, Step } from "../../src/storage/types";
import { LOCAL, inputs } from "./storage-helpers";
import { MemoryFiles, ScriptedRunner } from "./fakes";

const step = (id: string, skipReason?: string): Step => ({
    id,
    kind: "export",
    host: LOCAL,
    title: id,
    commands: [],
    edits: [],
    ...(skipReason ? { skipReason } : {}),
});
const ctx: FlowContext = { runner: new ScriptedRunner([]), files: () => new MemoryFiles(), jobDir: (id) => id };
const files = new MemoryFiles();

/** A step run that records `outcome` for the step on the record it is given (as runRecordedStep does). */
function scripted(outcomes: Record<string, "done" | "failed">) {
    const ran: { id: string; from: FlowRecord }[] = [];
    const runOne: typeof runRecordedStep = async (_c, _f, current, s, show) => {
        ran.push({ id: s.id, from: current });
        const record = structuredClone(current);
        const status = outcomes[s.id] ?? "done";
        record.steps[s.id] = { status, output: "" };
        show(record);
        return { record, ok: status === "done" };
    };
    return { ran, runOne };
}

describe("the NFS flow's step lifecycle", () => {
    const record = (steps: FlowRecord["steps"] = {}): FlowRecord => ({ ...newRecord(inputs(), [], "f"), steps });
    it("a step without a record is pending, or skipped with a skip reason; with one, its recorded status", () => {
        expect(stepStatus(step("a"), undefined)).toBe("pending");
        expect(stepStatus(step("a", "SELinux is not in use"), undefined)).toBe("skipped");
        for (const status of ["running", "done", "failed", "pending"] as const)
            expect(stepStatus(step("a"), { status, output: "" })).toBe(status);
    });
    it("Run all passes over the skipped and the done steps; a failed or interrupted one runs again", () => {
        const r = record({ done: { status: "done", output: "" }, failed: { status: "failed", output: "" } });
        expect(needsRun(step("done"), r)).toBe(false);
        expect(needsRun(step("skip", "no"), r)).toBe(false);
        expect(needsRun(step("failed"), r)).toBe(true);
        expect(needsRun(step("new"), r)).toBe(true);
    });
    it("runs each step from the record the one before left, and stops at the first failure", async () => {
        const { ran, runOne } = scripted({ c: "failed" });
        const shown: FlowRecord[] = [];
        const steps = [step("a"), step("skip", "no"), step("b"), step("c"), step("d")];
        const start = record({ a: { status: "done", output: "" } });
        const r = await runSteps(ctx, files, start, steps, (x) => shown.push(x), runOne);
        expect(ran.map((x) => x.id)).toEqual(["b", "c"]);
        expect(ran[0]!.from).toBe(start);
        expect(ran[1]!.from.steps["b"]?.status).toBe("done");
        expect(r.ok).toBe(false);
        expect(r.record.steps["c"]?.status).toBe("failed");
        expect(shown.at(-1)).toBe(r.record);
    });
    it("with nothing left to run it is done, and runs nothing", async () => {
        const { ran, runOne } = scripted({});
        const start = record({ a: { status: "done", output: "" } });
        const r = await runSteps(ctx, files, start, [step("a"), step("s", "no")], () => undefined, runOne);
        expect(r).toEqual({ record: start, ok: true });
        expect(ran).toEqual([]);
    });
});
