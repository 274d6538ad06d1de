/**
 * Whether the Migrate button may start the migration: the one rule, for the dialog's button and
 * for Enter in any of its fields. A failed check holds it the moment it is shown (not when the
 * last check ends); while checks still run it waits, unless the admin chose to migrate without
 * waiting; a failed check is passed only by an explicit override.
 */
import type { CheckResult } from "./types";
import { _ } from "../../pkg/lib/gettext";

/** The pre-flight as far as it has got: the results so far, and whether every check has ended. */
export interface PreflightProgress {
    results: CheckResult[];
    complete: boolean;
}

export interface GateInput {
    /** The migrate argv could be built (a destination is chosen, values are valid). */
    commandReady: boolean;
    optionErrors: number;
    busy: boolean;
    /** Checks were asked for (a destination is chosen); null progress then means "not started yet". */
    checksExpected: boolean;
    checks: PreflightProgress | null;
    /** "Migrate despite failed checks". */
    override: boolean;
    /** "Migrate without waiting for the checks". */
    withoutWaiting: boolean;
}

export interface Gate {
    canMigrate: boolean;
    /** Checks are still running and nothing has failed yet: the choice to not wait applies. */
    waiting: boolean;
    /** Failed checks shown so far. */
    failed: CheckResult[];
    /** Why the button is held, in words; null when it is not. */
    why: string | null;
}

export function migrateGate(i: GateInput): Gate {
    const failed = (i.checks?.results ?? []).filter((r) => r.severity === "error");
    const complete = !i.checksExpected || (i.checks?.complete ?? false);
    const waiting = !complete && failed.length === 0;
    const gate = (canMigrate: boolean, why: string | null): Gate => ({ canMigrate, waiting, failed, why });
    if (!i.commandReady) return gate(false, null);
    if (i.optionErrors > 0) return gate(false, _("Fix the options marked above first."));
    if (i.busy) return gate(false, null);
    if (failed.length > 0 && !i.override)
        return gate(false, _("A pre-flight check failed: fix it, or choose to migrate despite it."));
    // an override covers the failed checks shown; those still running may fail too
    if (!complete && !i.withoutWaiting) return gate(false, _("Waiting for the pre-flight checks to finish."));
    return gate(true, null);
}
