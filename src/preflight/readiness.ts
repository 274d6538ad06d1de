/**
 * One host's verdict in the readiness dialog: what the admin reads first (Ready, Warnings, Blocked),
 * the checks that make it so, and the checks in the one order every list of checks uses.
 */
import type { DomainState } from "../domains/types";
import { defaultOptions, type MigrationOptions } from "../migration/options";
import { SEVERITY_ORDER, worst, type CheckResult, type Severity } from "./types";

export interface Readiness {
    severity: Severity;
    /** The checks that hold the migration (errors): their titles are the reason shown under the host. */
    blocking: CheckResult[];
    warnings: CheckResult[];
    /** Every check, errors first, then warnings, information, passes (stable within each). */
    sorted: CheckResult[];
    /** Whether the Migrate dialog can go ahead with this host (no error; warnings are the admin's call). */
    canMigrate: boolean;
}

export function readiness(results: readonly CheckResult[]): Readiness {
    const severity = worst([...results]);
    const sorted = SEVERITY_ORDER.flatMap((s) => results.filter((r) => r.severity === s));
    return {
        severity,
        blocking: results.filter((r) => r.severity === "error"),
        warnings: results.filter((r) => r.severity === "warning"),
        sorted,
        canMigrate: severity !== "error",
    };
}

/**
 * The options a readiness run checks with: the Migrate dialog's defaults and the storage mode the
 * admin chose. Copying disks needs a live migration: a VM without a QEMU process is checked with
 * shared storage, as the Migrate dialog offers it (its copy choices are disabled then).
 */
export function readinessOptions(state: DomainState, storage: MigrationOptions["storage"]): MigrationOptions {
    const options = defaultOptions(state);
    return { ...options, storage: options.mode === "live" ? storage : "shared" };
}
