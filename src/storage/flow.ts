/**
 * Running the flow's steps and Undo with the record kept in the file: each piece of work writes only
 * what it changed, merged into the record as read (record.ts saveChange), so a dialog that was
 * closed, or a second tab, cannot overwrite newer state with its old copy.
 */
import { errorText } from "../../pkg/lib/error-text";
import type { FileStore } from "../../pkg/lib/filestore";
import { saveChange } from "./record";
import { executeStep, StepError, type FlowContext } from "./run";
import { undoAction, undoPlan } from "./undo";
import type { FlowRecord, Step, StepState } from "./types";

export interface StepRun {
    record: FlowRecord;
    ok: boolean;
    error?: { message: string; fix: string };
}

/**
 * Runs one step from `current` (what the dialog shows); `show` gets every new state. A copy that
 * is still running from an earlier run is followed, not started again (its job is in the step state).
 */
export async function runRecordedStep(
    ctx: FlowContext,
    files: FileStore,
    current: FlowRecord,
    step: Step,
    show: (r: FlowRecord) => void,
): Promise<StepRun> {
    const previous = current.steps[step.id];
    const running: StepState = {
        status: "running",
        output: "",
        ...(previous?.status === "running" && previous.job ? { job: previous.job } : {}),
    };
    const marked = structuredClone(current);
    marked.steps[step.id] = running;
    let base: FlowRecord;
    try {
        base = await saveChange(files, current, marked);
    } catch (e) {
        return { record: current, ok: false, error: { message: errorText(e), fix: (e as { fix?: string }).fix ?? "" } };
    }
    show(base);
    const work = structuredClone(base);
    const before = structuredClone(base);
    let ok = true;
    try {
        const output = await executeStep(ctx, work, step, async (part) => {
            work.steps[step.id] = { ...work.steps[step.id]!, ...part };
            show(structuredClone(work));
            // a new copy job: recorded at once, so that a reload or another dialog reattaches to it
            if (part.job) await saveChange(files, before, work).catch(() => undefined);
        });
        work.steps[step.id] = { status: "done", output };
    } catch (e) {
        ok = false;
        work.steps[step.id] =
            e instanceof StepError
                ? { status: "failed", output: e.output, error: e.message, fix: e.fix }
                : { status: "failed", output: "", error: errorText(e) };
    }
    try {
        const record = await saveChange(files, before, work);
        show(record);
        return { record, ok };
    } catch (e) {
        show(work);
        return { record: work, ok: false, error: { message: errorText(e), fix: (e as { fix?: string }).fix ?? "" } };
    }
}

/** Undo, action by action, each recorded as it succeeds; then the steps are pending again. */
export async function undoRecorded(
    ctx: FlowContext,
    files: FileStore,
    current: FlowRecord,
    show: (r: FlowRecord) => void,
): Promise<{ record: FlowRecord; output: string[]; error?: string }> {
    let record = current;
    const output: string[] = [];
    try {
        for (const a of undoPlan(record)) {
            const work = structuredClone(record);
            output.push(await undoAction(ctx, work, a));
            record = await saveChange(files, record, work);
            show(record);
        }
        const reset = structuredClone(record);
        for (const id of Object.keys(reset.steps)) reset.steps[id] = { status: "pending", output: "" };
        record = await saveChange(files, record, reset);
        show(record);
        return { record, output };
    } catch (e) {
        return { record, output, error: errorText(e) };
    }
}
