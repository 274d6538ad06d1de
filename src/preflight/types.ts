/** A pre-flight check's outcome: what it found, why it matters, and what to do. */
import type { Explanation } from "../../pkg/lib/explained";
export type Severity = "pass" | "info" | "warning" | "error";

export interface CheckResult extends Explanation {
    id: string;
    severity: Severity;
    /** The commands the check ran (shown as "the equivalent command"). */
    commands: string[][];
    /** A storage check's finding for one disk: its target, and whether the destination sees its image. */
    disk?: { target: string; visible: boolean };
    /** The check could not reach a verdict (it failed to run, timed out or was cancelled). */
    unchecked?: true;
}

export const SEVERITY_ORDER: Severity[] = ["error", "warning", "info", "pass"];

export function worst(results: CheckResult[]): Severity {
    return SEVERITY_ORDER.find((s) => results.some((r) => r.severity === s)) ?? "pass";
}
