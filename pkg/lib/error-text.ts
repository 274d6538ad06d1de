/** A human-readable message from anything thrown across the layers: the one place that turns an error into text. */
import { isRunError } from "./runner";

export interface ErrorTextOptions {
    /** For a RunError, the command's own output (what the tool said) before our summary of it. */
    stderr?: boolean;
    /** Trims that output (a tool's message ends with a newline). */
    trim?: boolean;
}

export function errorText(e: unknown, options: ErrorTextOptions = {}): string {
    if (options.stderr && isRunError(e)) {
        const text = e.stderr || e.message;
        return options.trim ? text.trim() : text;
    }
    if (e instanceof Error) return e.message;
    if (typeof e === "object" && e !== null) {
        // cockpit's own errors are plain objects: { problem, message }
        const o = e as { message?: unknown; problem?: unknown };
        if (typeof o.message === "string" && o.message) return o.message;
        if (typeof o.problem === "string") return o.problem;
    }
    return String(e);
}
