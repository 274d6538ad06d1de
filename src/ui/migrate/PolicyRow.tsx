import { FormGroup, FormSelect, FormSelectOption, List, ListItem, TextInput } from "@patternfly/react-core";
import type { DomainUuid } from "../../virsh/argv";
import { actionText, POLICY_IDS, POLICY_NAME, stepArgv, triggerText, type PolicyId } from "../../migration/policies";
import { CommandLine } from "../CommandLine";
import { Help } from "./Help";
import type { MigrateForm } from "./useMigrateForm";
import { _ } from "../../../pkg/lib/gettext";

/** The convergence policy: none (today's behaviour) or a named one, and the steps its job will take. */
export function PolicyRow({ form, sourceUri, uuid }: { form: MigrateForm; sourceUri: string; uuid: DomainUuid }) {
    const { policy, setPolicy, schedule } = form;
    return (
        <FormGroup label={_("Convergence policy")} fieldId="opt-policy">
            <FormSelect
                id="opt-policy"
                value={policy?.id ?? ""}
                onChange={(_e, v) => setPolicy(v ? { id: v as PolicyId, minutes: policy?.minutes ?? 10 } : null)}
            >
                <FormSelectOption value="" label={_("None: decide while it runs")} />
                {POLICY_IDS.map((id) => (
                    <FormSelectOption key={id} value={id} label={POLICY_NAME[id]} />
                ))}
            </FormSelect>
            {policy?.id === "finish-within" && (
                <TextInput
                    aria-label={_("Minutes")}
                    type="number"
                    className="cm-number"
                    value={policy.minutes ?? ""}
                    onChange={(_e, v) => setPolicy({ ...policy, minutes: v === "" ? undefined : Number(v) })}
                />
            )}
            <Help
                error={form.policyError}
                text={_(
                    "The migration's own job takes these steps on this host, also with this page closed, and records them in the history.",
                )}
            />
            {schedule && (
                <>
                    <List data-policy-steps>
                        {schedule.steps.map((s, i) => (
                            <ListItem key={i}>{`${triggerText(s.when)}: ${actionText(s.action)}`}</ListItem>
                        ))}
                    </List>
                    <CommandLine
                        argv={schedule.steps.map((s) => stepArgv(s, sourceUri, uuid))}
                        label={_("Policy steps")}
                    />
                </>
            )}
        </FormGroup>
    );
}
