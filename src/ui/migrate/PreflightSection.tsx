import { Alert, Checkbox, FormGroup, TextInput } from "@patternfly/react-core";
import { Preflight } from "../Preflight";
import { Help } from "./Help";
import type { MigrateChecks } from "./useMigrateChecks";
import { _ } from "../../../pkg/lib/gettext";

interface Props {
    live: boolean;
    checks: MigrateChecks;
    onTunnel(): void;
}

export function PreflightSection({ live, checks: p, onTunnel }: Props) {
    return (
        <FormGroup label={_("Pre-flight checks")} fieldId="migrate-preflight">
            {live && (
                <FormGroup label={_("Dirty-rate measurement (s)")} fieldId="migrate-dirty-seconds">
                    <TextInput
                        id="migrate-dirty-seconds"
                        type="number"
                        value={p.dirtySeconds}
                        onChange={(_e, v) => p.setDirtySeconds(v)}
                        validated={p.dirtyPeriodError ? "error" : "default"}
                        style={{ maxWidth: "8em" }}
                    />
                    <Help
                        error={p.dirtyPeriodError}
                        text={_(
                            "How long virsh domdirtyrate-calc watches the guest's memory writes (1–60 s; the RHEL procedure uses 30).",
                        )}
                    />
                </FormGroup>
            )}
            {p.policyFailed && (
                <Alert
                    variant="warning"
                    isInline
                    isPlain
                    title={_("The overcommit policy could not be read; the defaults apply.")}
                />
            )}
            <Preflight input={p.checkInput} onResults={p.setChecks} onTunnel={onTunnel} />
            {p.gate.failed.length > 0 && (
                <Checkbox
                    id="migrate-override"
                    label={_("Migrate despite failed checks")}
                    isChecked={p.override}
                    onChange={(_e, v) => p.setOverride(v)}
                />
            )}
            {/* the gate waits for running checks: the choice to not wait is offered (and kept while chosen) */}
            {(p.gate.waiting || p.withoutWaiting) && (
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
