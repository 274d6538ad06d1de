import { isRunError } from "../../pkg/lib/runner";
import type { CheckResult } from "./types";
import { _, format } from "../../pkg/lib/gettext";

export const message = (e: unknown): string =>
    isRunError(e) ? e.stderr || e.message : e instanceof Error ? e.message : String(e);

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
