/**
 * The steps' lifecycle as the dialog shows and runs it: a step is pending until it runs, running,
 * then done or failed (runRecordedStep records each transition); one with a skip reason is skipped;
 * a failed one runs again on Retry, a done one on "Run again". "Run all" passes over the skipped
 * and the done ones and stops at the first failure.
 */
import type { FileStore } from "../../pkg/lib/filestore";
import { runRecordedStep, type StepRun } from "./flow";
import type { FlowContext } from "./run";
import type { FlowRecord, Step, StepState, StepStatus } from "./types";

/** What a step shows: its recorded status; without a record, skipped (a skip reason) or pending. */
export function stepStatus(step: Step, state: StepState | undefined): StepStatus {
    return state?.status ?? (step.skipReason ? "skipped" : "pending");
}

/** Whether "Run all" runs it: not a skipped step, not one already done (a failed or interrupted one runs again). */
export function needsRun(step: Step, record: FlowRecord): boolean {
    return !step.skipReason && record.steps[step.id]?.status !== "done";
}

/**
 * "Run all": each step that needs to run, in order, from the record the step before left (that
 * record is what `show` got last), until one fails. Returns the last run (ok with nothing to run).
 */
export async function runSteps(
    ctx: FlowContext,
    files: FileStore,
    current: FlowRecord,
    steps: readonly Step[],
    show: (r: FlowRecord) => void,
    runOne: typeof runRecordedStep = runRecordedStep,
): Promise<StepRun> {
    let last: StepRun = { record: current, ok: true };
    for (const s of steps) {
        if (!needsRun(s, last.record)) continue;
        last = await runOne(ctx, files, last.record, s, show);
        if (!last.ok) break;
    }
    return last;
}
