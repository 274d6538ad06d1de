import { Checkbox, FormGroup, TextInput } from "@patternfly/react-core";
import type { OptionErrors } from "../../migration/options";
import { Help } from "./Help";
import type { OptionsProps } from "./props";
import { _ } from "../../../pkg/lib/gettext";

interface Props extends OptionsProps {
    errors: OptionErrors;
    live: boolean;
}

const num = (v: string): number | undefined => (v.trim() === "" ? undefined : Number(v));

export function AdvancedOptions({ options, set, errors, live }: Props) {
    return (
        <>
            <FormGroup label={_("Parallel connections")} fieldId="opt-parallel">
                <TextInput
                    id="opt-parallel"
                    type="number"
                    value={options.parallelConnections ?? ""}
                    isDisabled={!live}
                    className="cm-number"
                    onChange={(_e, v) => set({ parallelConnections: num(v) })}
                />
                <Help
                    error={errors.parallelConnections}
                    text={_(
                        "Empty: one connection. --parallel --parallel-connections N: about one per 10 Gbit/s of link; libvirt's default is 2.",
                    )}
                />
            </FormGroup>
            <FormGroup label={_("Maximum downtime (ms)")} fieldId="opt-downtime">
                <TextInput
                    id="opt-downtime"
                    type="number"
                    value={options.maxDowntimeMs ?? ""}
                    isDisabled={!live}
                    className="cm-number"
                    onChange={(_e, v) => set({ maxDowntimeMs: num(v) })}
                />
                <Help
                    error={errors.maxDowntimeMs}
                    text={_(
                        "Empty: libvirt's default, 300 ms. The longest pause the guest may see at the switch-over (migrate-setmaxdowntime).",
                    )}
                />
            </FormGroup>
            <FormGroup label={_("Bandwidth limit (MiB/s)")} fieldId="opt-bandwidth">
                <TextInput
                    id="opt-bandwidth"
                    type="number"
                    value={options.bandwidthMiBs ?? ""}
                    className="cm-number"
                    onChange={(_e, v) => set({ bandwidthMiBs: num(v) })}
                />
                <Help
                    error={errors.bandwidthMiBs}
                    text={_(
                        "Empty: unlimited. --bandwidth: leaves room for other traffic; can be changed while it runs.",
                    )}
                />
            </FormGroup>
            <ConvergenceGroup options={options} set={set} errors={errors} live={live} />
            <OtherGroup options={options} set={set} live={live} />
        </>
    );
}

function ConvergenceGroup({ options, set, errors, live }: Props) {
    return (
        <FormGroup fieldId="opt-postcopy" label={_("Convergence")}>
            <Checkbox
                id="opt-postcopy"
                label={_("Allow post-copy")}
                isChecked={options.postcopy}
                isDisabled={!live}
                onChange={(_e, v) => set({ postcopy: v })}
                description={_(
                    "--postcopy: lets you switch the guest to the destination before all memory is copied; a network failure then loses the guest.",
                )}
            />
            {options.postcopy && (
                <TextInput
                    aria-label={_("Switch to post-copy after (seconds)")}
                    type="number"
                    value={options.postcopyAfterTimeoutS ?? ""}
                    placeholder={_("Switch to post-copy after (seconds), optional")}
                    onChange={(_e, v) => set({ postcopyAfterTimeoutS: num(v) })}
                />
            )}
            <Help error={errors.postcopyAfterTimeoutS ?? errors.postcopy} />
            <Checkbox
                id="opt-autoconverge"
                label={_("Auto-converge")}
                isChecked={options.autoConverge}
                isDisabled={!live}
                onChange={(_e, v) => set({ autoConverge: v })}
                description={_(
                    "--auto-converge: slows the guest's vCPUs when it dirties memory faster than it can be copied.",
                )}
            />
            {options.autoConverge && (
                <>
                    <TextInput
                        aria-label={_("Initial throttle (%)")}
                        type="number"
                        value={options.autoConvergeInitial ?? ""}
                        placeholder={_("Initial throttle % (default 20)")}
                        onChange={(_e, v) => set({ autoConvergeInitial: num(v) })}
                    />
                    <TextInput
                        aria-label={_("Throttle increment (%)")}
                        type="number"
                        value={options.autoConvergeIncrement ?? ""}
                        placeholder={_("Increment % (default 10)")}
                        onChange={(_e, v) => set({ autoConvergeIncrement: num(v) })}
                    />
                </>
            )}
            <Help error={errors.autoConvergeInitial ?? errors.autoConvergeIncrement} />
        </FormGroup>
    );
}

function OtherGroup({ options, set, live }: OptionsProps & { live: boolean }) {
    return (
        <FormGroup fieldId="opt-other" label={_("Other")}>
            <Checkbox
                id="opt-compressed"
                label={_("Compress")}
                isChecked={options.compressed}
                isDisabled={!live}
                onChange={(_e, v) => set({ compressed: v })}
                description={_("--compressed: trades CPU for bandwidth on slow links.")}
            />
            <Checkbox
                id="opt-abort"
                label={_("Abort on I/O errors")}
                isChecked={options.abortOnError}
                onChange={(_e, v) => set({ abortOnError: v })}
                description={_("--abort-on-error: stop instead of continuing after a soft error.")}
            />
        </FormGroup>
    );
}
