import { Checkbox, FormGroup, Radio } from "@patternfly/react-core";
import { Help } from "./Help";
import type { OptionsProps } from "./props";
import { _, format } from "../../../pkg/lib/gettext";

interface Props extends OptionsProps {
    /** The VM starts with its host: a temporary copy may turn that off here first. */
    autostart: boolean;
    error: string | undefined;
    /** The source's one name (displayName): the texts say where the VM is removed from, not "this host". */
    sourceLabel: string;
}

export function DurationRow({ options, set, autostart, error, sourceLabel }: Props) {
    return (
        <FormGroup role="radiogroup" label={_("Duration")} fieldId="migrate-duration" isInline>
            <Radio
                id="duration-permanent"
                name="duration"
                label={_("Permanent")}
                isChecked={options.duration === "permanent"}
                onChange={() => set({ duration: "permanent" })}
                description={format(_("The VM moves: defined on the destination, removed from $0."), sourceLabel)}
            />
            <Radio
                id="duration-temporary"
                name="duration"
                label={_("Temporary")}
                isChecked={options.duration === "temporary"}
                onChange={() => set({ duration: "temporary" })}
                description={format(
                    _("Runs on the destination until it shuts down; its definition stays on $0."),
                    sourceLabel,
                )}
            />
            {autostart && options.duration === "temporary" && (
                <>
                    <Checkbox
                        id="opt-disable-source-autostart"
                        label={_("Turn autostart off on this host first (virsh autostart --disable)")}
                        isChecked={options.disableSourceAutostart === true}
                        onChange={(_e, v) => set({ disableSourceAutostart: v || undefined })}
                    />
                    <Help error={error} />
                </>
            )}
        </FormGroup>
    );
}
