/** A pre-flight check's outcome: what it found, why it matters, and what to do. */
import type { Explanation } from "../../pkg/lib/explained";
export type Severity = "pass" | "info" | "warning" | "error";

/**
 * A tool that can fix what a check found, which the UI offers next to it: "cpu-baseline" (a CPU
 * model both hosts run), "shared-storage" (the NFS flow shares the disk images), "tunnelled" (the
 * Migrate dialog's channel switched to --p2p --tunnelled: no migration ports needed).
 */
export type Remedy = "cpu-baseline" | "shared-storage" | "tunnelled";

export interface CheckResult extends Explanation {
    id: string;
    severity: Severity;
    /** The commands the check ran (shown as "the equivalent command"). */
    commands: string[][];
    /** A storage check's finding for one disk: its target, and whether the destination sees its image. */
    disk?: { target: string; visible: boolean };
    /** The check could not reach a verdict (it failed to run, timed out or was cancelled). */
    unchecked?: true;
    /** The dirty-rate check's measurement, MiB/s (the progress view's verdict uses it during the first pass). */
    dirtyMiBs?: number;
    /** The tool that fixes it, set by the check on the errors that tool fixes. */
    remedy?: Remedy;
    /** The destination's firewall change offered: open (or close again) the migration ports with these commands. */
    firewall?: { open: boolean; commands: string[][] };
}

export const SEVERITY_ORDER: Severity[] = ["error", "warning", "info", "pass"];

export function worst(results: CheckResult[]): Severity {
    return SEVERITY_ORDER.find((s) => results.some((r) => r.severity === s)) ?? "pass";
}
