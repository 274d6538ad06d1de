import { FormGroup, Radio } from "@patternfly/react-core";
import type { OptionsProps } from "./props";
import { _ } from "../../../pkg/lib/gettext";

/** `live`: the VM runs (or is paused), so only a live migration fits it. */
export function ModeRow({ options, set, live }: OptionsProps & { live: boolean }) {
    return (
        <FormGroup role="radiogroup" label={_("Mode")} fieldId="migrate-mode" isInline>
            <Radio
                id="mode-live"
                name="mode"
                label={_("Live")}
                isChecked={options.mode === "live"}
                isDisabled={!live}
                onChange={() => set({ mode: "live" })}
                description={
                    live ? _("Keeps running while its memory is copied.") : _("Only for running or paused VMs.")
                }
            />
            <Radio
                id="mode-offline"
                name="mode"
                label={_("Offline")}
                isChecked={options.mode === "offline"}
                isDisabled={live}
                onChange={() => set({ mode: "offline", duration: "permanent" })}
                description={
                    live ? _("Only for shut-off VMs.") : _("Moves the definition only; disks must be reachable there.")
                }
            />
        </FormGroup>
    );
}
