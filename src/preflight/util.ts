import { errorText } from "../../pkg/lib/error-text";
import { isRunError } from "../../pkg/lib/runner";
import type { CheckResult } from "./types";
import { _, format } from "../../pkg/lib/gettext";

export const message = (e: unknown): string => errorText(e, { stderr: true });

/** A check that could not run: never a silent pass. */
export function cannot(id: string, what: string, e: unknown, commands: string[][] = []): CheckResult {
    return {
        id,
        severity: "warning",
        title: format(_("$0: could not be checked"), what),
        detail: message(e),
        commands,
        unchecked: true,
    };
}

/** The command got no answer (our wait ran out, or the run was given up): it says nothing about what it asked. */
export function noAnswer(e: unknown): boolean {
    return isRunError(e) && (e.cause === "timeout" || e.cause === "cancelled");
}
