import { Checkbox, FormGroup, Radio } from "@patternfly/react-core";
import { Help } from "./Help";
import type { OptionsProps } from "./props";
import { _ } from "../../../pkg/lib/gettext";

interface Props extends OptionsProps {
    /** The VM starts with its host: a temporary copy may turn that off here first. */
    autostart: boolean;
    error: string | undefined;
}

export function DurationRow({ options, set, autostart, error }: Props) {
    return (
        <FormGroup role="radiogroup" label={_("Duration")} fieldId="migrate-duration" isInline>
            <Radio
                id="duration-permanent"
                name="duration"
                label={_("Permanent")}
                isChecked={options.duration === "permanent"}
                onChange={() => set({ duration: "permanent" })}
                description={_("The VM moves: defined on the destination, removed from this host.")}
            />
            <Radio
                id="duration-temporary"
                name="duration"
                label={_("Temporary")}
                isChecked={options.duration === "temporary"}
                onChange={() => set({ duration: "temporary" })}
                description={_("Runs on the destination until it shuts down; its definition stays here.")}
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
