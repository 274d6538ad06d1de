/**
 * Whether the Migrate button may start the migration: the one rule, for the dialog's button and
 * for Enter in any of its fields. A failed check holds it the moment it is shown (not when the
 * last check ends); while checks still run it waits, unless the admin chose to migrate without
 * waiting; a failed check is passed only by an explicit override.
 */
import type { CheckResult } from "./types";
import { blockingNames } from "./summary";
import { _, format, ngettext } from "../../pkg/lib/gettext";

/** The pre-flight as far as it has got: the results so far, and whether every check has ended. */
export interface PreflightProgress {
    results: CheckResult[];
    complete: boolean;
    /** How many checks were started and how many still run; absent while not known (before they start, cached). */
    total?: number;
    pending?: number;
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
    /** Why the button is held, in a few words to show beside it ("Blocked: CPU compatibility"); null when it is not. */
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
    if (failed.length > 0 && !i.override) return gate(false, format(_("Blocked: $0"), blockingNames(failed)));
    // an override covers the failed checks shown; those still running may fail too
    if (!complete && !i.withoutWaiting) {
        const n = i.checks?.pending;
        return gate(
            false,
            n // unknown before the checks start
                ? format(ngettext("Waiting for $0 check", "Waiting for $0 checks", n), n)
                : _("Waiting for the pre-flight checks"),
        );
    }
    return gate(true, null);
}
