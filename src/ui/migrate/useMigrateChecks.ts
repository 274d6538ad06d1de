/**
 * The Migrate dialog's pre-flight and its gate: the input the checks run on (rebuilt when the
 * destination, the options, the dirty-rate period or the policy change), their progress as
 * reported, the admin's two choices around them, and whether the Migrate button may start.
 */
import { useState } from "react";
import type { Domain } from "../../domains/types";
import type { KnownHost } from "../../hosts/types";
import type { PreflightInput } from "../../preflight/checks";
import { DEFAULT_DIRTYRATE_SECONDS } from "../../preflight/checks";
import { migrateGate, type Gate, type PreflightProgress } from "../../preflight/gate";
import { preflightInput, routeBetween } from "../../preflight/input";
import { diskVisibility } from "../../preflight/storage";
import { usePolicy } from "../hooks";
import type { MigrateForm } from "./useMigrateForm";
import { _ } from "../../../pkg/lib/gettext";

export interface MigrateChecks {
    /** The dirty-rate period as typed, and why it is not a valid one. */
    dirtySeconds: string;
    setDirtySeconds(v: string): void;
    dirtyPeriodError: string | null;
    policyFailed: boolean;
    /** What the pre-flight runs on; null while there is nothing to check (no destination, an invalid period). */
    checkInput: PreflightInput | null;
    setChecks(r: PreflightProgress | null): void;
    /** "Migrate despite failed checks" and "Migrate without waiting for the checks". */
    override: boolean;
    setOverride(v: boolean): void;
    withoutWaiting: boolean;
    setWithoutWaiting(v: boolean): void;
    gate: Gate;
    /** The guest's dirty rate as the pre-flight measured it, MiB/s. */
    dirtyMiBs: number | undefined;
    /** The disks the pre-flight found the destination can see, and those it cannot. */
    copyOnly: { unseen: string[]; seen: string[] };
}

export function useMigrateChecks(
    domain: Domain,
    sourceUri: string,
    hosts: KnownHost[],
    form: MigrateForm,
    busy: boolean,
): MigrateChecks {
    const [checks, setChecks] = useState<PreflightProgress | null>(null);
    const [override, setOverride] = useState(false);
    const [withoutWaiting, setWithoutWaiting] = useState(false);
    const [dirtySeconds, setDirtySeconds] = useState(String(DEFAULT_DIRTYRATE_SECONDS));
    const policy = usePolicy();
    const { dest, sameHost, effective } = form;

    const gate = migrateGate({
        commandReady: form.argv !== null,
        optionErrors: Object.keys(form.check.errors).length,
        busy,
        checksExpected: dest !== null && !sameHost,
        checks,
        override,
        withoutWaiting,
    });
    const dirtyPeriod = Number(dirtySeconds);
    const dirtyPeriodError =
        Number.isInteger(dirtyPeriod) && dirtyPeriod >= 1 && dirtyPeriod <= 60
            ? null
            : _("A whole number of seconds from 1 to 60");
    const policyReady = !policy.loading || policy.data !== null || policy.error !== null;
    // a new object on every render is fine: the checks run again only when its key changes (preflightKey)
    const checkInput =
        dest && !sameHost && !dirtyPeriodError && policyReady
            ? preflightInput(domain, routeBetween(sourceUri, dest, hosts), effective, {
                  dirtyRateSeconds: dirtyPeriod,
                  ...(policy.data ? { policy: policy.data } : {}),
              })
            : null;
    return {
        dirtySeconds,
        setDirtySeconds,
        dirtyPeriodError,
        policyFailed: policy.error !== null,
        checkInput,
        setChecks,
        override,
        setOverride,
        withoutWaiting,
        setWithoutWaiting,
        gate,
        copyOnly: diskVisibility(checks?.results ?? []),
        dirtyMiBs: checks?.results.find((r) => r.dirtyMiBs !== undefined)?.dirtyMiBs,
    };
}
