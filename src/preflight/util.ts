import { errorText } from "../../pkg/lib/error-text";
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
