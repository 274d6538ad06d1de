/**
 * Recording a finished migration's outcome in the history. The write can fail (a plan and two tabs
 * write the same file); a record left "running" would refuse every new migration of that VM.
 */
import { removeJobArgv } from "../../pkg/lib/detach";
import { isTagConflict } from "../../pkg/lib/filestore";
import { isUnreadable } from "../../pkg/lib/unreadable";
import { _ } from "../../pkg/lib/gettext";
import { finishRecord, JOBS_DIR, type MigrationRecord } from "../history/records";
import type { Deps } from "./job";
import { markStep } from "./marks";

/** Why the outcome is not in the history (it is still "running" there), and what to do. */
export interface Unrecorded {
    message: string;
    fix: string;
}

/** A finished migration: its record with the outcome, and whether the history holds that outcome. */
export interface Finished {
    record: MigrationRecord;
    unrecorded: Unrecorded | null;
}

/** Waits between attempts to record an outcome (a plan and two tabs may all write the history). */
const RECORD_BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Writes the outcome, again with back-off when the write fails; a file we cannot parse is not
 * retried (it will not parse better). Once the record is final (ours, or one another page wrote
 * first) the job directory is removed; while it is not, the directory stays, so that the next page
 * can read the job and finish the record.
 */
export async function recordOutcome(
    deps: Deps,
    finished: MigrationRecord,
    patch: Partial<MigrationRecord>,
): Promise<Finished> {
    const sleep = deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    let error: unknown = null;
    for (let attempt = 0; attempt <= RECORD_BACKOFF_MS.length; attempt++) {
        if (attempt > 0) await sleep(RECORD_BACKOFF_MS[attempt - 1]!);
        try {
            const stored = await finishRecord(deps.files, finished.id, patch);
            markStep("outcome recorded", finished.id);
            // not waited for: the outcome is recorded, and a leftover directory is harmless
            if (isOurJobDir(finished.jobDir))
                void deps.runner.run({ kind: "local" }, removeJobArgv(finished.jobDir)).catch(() => undefined);
            return { record: stored ?? finished, unrecorded: null };
        } catch (e) {
            error = e;
            if (isUnreadable(e)) break;
        }
    }
    const message =
        error instanceof Error
            ? error.message
            : isTagConflict(error)
              ? _("the history kept changing while it was written")
              : String(error);
    return {
        record: finished,
        unrecorded: {
            message,
            fix: isUnreadable(error)
                ? error.fix
                : _(
                      "The history still shows it as running, so the VM cannot be migrated again: record the outcome again, or reload the page (it reads the job and records it).",
                  ),
        },
    };
}

/** Only directories this module makes (JOBS_DIR/ID) are removed, whatever a record says. */
function isOurJobDir(dir: string): boolean {
    return dir.startsWith(`${JOBS_DIR}/`) && /^[0-9a-z-]+$/.test(dir.slice(JOBS_DIR.length + 1));
}
