import { Alert, Checkbox, FormGroup, TextInput } from "@patternfly/react-core";
import type { PreflightInput } from "../../preflight/checks";
import type { PreflightProgress } from "../../preflight/gate";
import { Preflight } from "../Preflight";
import { Help } from "./Help";
import { _ } from "../../../pkg/lib/gettext";

interface Props {
    live: boolean;
    dirtySeconds: string;
    setDirtySeconds(v: string): void;
    dirtyPeriodError: string | null;
    policyFailed: boolean;
    checkInput: PreflightInput | null;
    setChecks(r: PreflightProgress | null): void;
    failedCount: number;
    override: boolean;
    setOverride(v: boolean): void;
    /** The gate waits for running checks: the choice to not wait is offered (and kept while chosen). */
    waiting: boolean;
    withoutWaiting: boolean;
    setWithoutWaiting(v: boolean): void;
}

export function PreflightSection(p: Props) {
    return (
        <FormGroup label={_("Pre-flight checks")} fieldId="migrate-preflight">
            {p.live && (
                <DirtyRateField value={p.dirtySeconds} onChange={p.setDirtySeconds} error={p.dirtyPeriodError} />
            )}
            {p.policyFailed && (
                <Alert
                    variant="warning"
                    isInline
                    isPlain
                    title={_("The overcommit policy could not be read; the defaults apply.")}
                />
            )}
            <Preflight input={p.checkInput} onResults={p.setChecks} />
            {p.failedCount > 0 && (
                <Checkbox
                    id="migrate-override"
                    label={_("Migrate despite failed checks")}
                    isChecked={p.override}
                    onChange={(_e, v) => p.setOverride(v)}
                />
            )}
            {(p.waiting || p.withoutWaiting) && (
                <Checkbox
                    id="migrate-without-waiting"
                    label={_("Migrate without waiting for the checks")}
                    isChecked={p.withoutWaiting}
                    onChange={(_e, v) => p.setWithoutWaiting(v)}
                    description={_(
                        "Checks that have not finished are not looked at; a check that has already failed still holds the migration.",
                    )}
                />
            )}
        </FormGroup>
    );
}

function DirtyRateField({
    value,
    onChange,
    error,
}: {
    value: string;
    onChange(v: string): void;
    error: string | null;
}) {
    return (
        <FormGroup label={_("Dirty-rate measurement (s)")} fieldId="migrate-dirty-seconds">
            <TextInput
                id="migrate-dirty-seconds"
                type="number"
                value={value}
                onChange={(_e, v) => onChange(v)}
                validated={error ? "error" : "default"}
                style={{ maxWidth: "8em" }}
            />
            <Help
                error={error}
                text={_(
                    "How long virsh domdirtyrate-calc watches the guest's memory writes (1–60 s; the RHEL procedure uses 30).",
                )}
            />
        </FormGroup>
    );
}
