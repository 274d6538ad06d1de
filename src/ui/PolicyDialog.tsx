import { useState } from "react";
import {
    Alert,
    Button,
    Form,
    FormGroup,
    FormHelperText,
    HelperText,
    HelperTextItem,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    TextInput,
} from "@patternfly/react-core";
import { DEFAULT_POLICY, POLICY_PATH, validatePolicy, type OvercommitPolicy } from "../preflight/policy";
import { usePolicy, type PolicyState } from "./hooks";
import { useAction } from "./useAction";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";

const FIELDS: { key: keyof OvercommitPolicy; label: string; help: string }[] = [
    {
        key: "memoryCommitPercent",
        label: _("Memory commit (%)"),
        help: _(
            "Guest memory a host may be promised, as a percentage of its memory after the reserve. 100 means no overcommit.",
        ),
    },
    {
        key: "cpuCommitPercent",
        label: _("CPU commit (%)"),
        help: _("vCPUs of running guests per host CPU, as a percentage: 400 allows 4 vCPUs per CPU."),
    },
    {
        key: "hostReserveMiB",
        label: _("Memory reserved for the host (MiB)"),
        help: _("Kept free for the host itself before guests are counted."),
    },
];

/** Edits the overcommit policy that the destination capacity check applies. */
export function PolicyDialog({ onClose }: { onClose(): void }) {
    const policy = usePolicy();
    // the form starts from the stored values: wait for them (a damaged file shows its error and the defaults)
    if (policy.loading && policy.data === null && policy.error === null) return null;
    return <PolicyForm policy={policy} onClose={onClose} />;
}

function PolicyForm({ policy, onClose }: { policy: PolicyState; onClose(): void }) {
    const [values, setValues] = useState<Record<keyof OvercommitPolicy, string>>(() => {
        const p = policy.data ?? DEFAULT_POLICY;
        return {
            memoryCommitPercent: String(p.memoryCommitPercent),
            cpuCommitPercent: String(p.cpuCommitPercent),
            hostReserveMiB: String(p.hostReserveMiB),
        };
    });
    const { busy, failure, run } = useAction();
    const parsed: OvercommitPolicy = {
        memoryCommitPercent: Number(values.memoryCommitPercent),
        cpuCommitPercent: Number(values.cpuCommitPercent),
        hostReserveMiB: Number(values.hostReserveMiB),
    };
    const errors = validatePolicy(parsed);
    const save = () =>
        run(async () => {
            await policy.save(parsed);
            onClose();
        });
    return (
        <Modal isOpen onClose={onClose} variant="small" aria-labelledby="policy-title">
            <ModalHeader
                title={_("Overcommit policy")}
                labelId="policy-title"
                description={format(
                    _(
                        "Pre-flight warns before a migration would commit a destination beyond this policy. Stored in $0.",
                    ),
                    POLICY_PATH,
                )}
            />
            <ModalBody>
                {policy.error !== null && (
                    <Alert variant="danger" isInline title={_("The stored policy could not be read")}>
                        {errorText(policy.error)}
                    </Alert>
                )}
                {failure && (
                    <Alert variant="danger" isInline title={_("The policy was not saved")}>
                        {failure}
                    </Alert>
                )}
                <Form
                    onSubmit={(e) => {
                        e.preventDefault();
                        if (Object.keys(errors).length === 0) void save();
                    }}
                >
                    {FIELDS.map((f) => (
                        <FormGroup key={f.key} label={f.label} fieldId={`policy-${f.key}`}>
                            <TextInput
                                id={`policy-${f.key}`}
                                type="number"
                                className="cm-number"
                                value={values[f.key]}
                                validated={errors[f.key] ? "error" : "default"}
                                onChange={(_e, v) => setValues((s) => ({ ...s, [f.key]: v }))}
                            />
                            <FormHelperText>
                                <HelperText>
                                    <HelperTextItem variant={errors[f.key] ? "error" : "default"}>
                                        {errors[f.key] ?? f.help}
                                    </HelperTextItem>
                                </HelperText>
                            </FormHelperText>
                        </FormGroup>
                    ))}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button
                    variant="primary"
                    onClick={() => void save()}
                    isDisabled={Object.keys(errors).length > 0 || busy}
                    isLoading={busy}
                >
                    {_("Save")}
                </Button>
                <Button variant="link" onClick={onClose}>
                    {_("Cancel")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}
