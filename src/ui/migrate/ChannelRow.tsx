import { Checkbox, FormGroup, Radio } from "@patternfly/react-core";
import { describeChannel, type ChannelErrors } from "../../migration/channel";
import { Help } from "./Help";
import type { OptionsProps } from "./props";
import { _ } from "../../../pkg/lib/gettext";

interface Props extends OptionsProps {
    live: boolean;
    /** The destination URI the data goes to ("" before one is chosen). */
    destinationUri: string;
    errors: ChannelErrors;
}

/** How the memory travels (direct, native TLS, tunnelled through libvirtd), said plainly with its encryption. */
export function ChannelRow({ options, set, live, destinationUri, errors }: Props) {
    const channel = options.tunnelled ? "tunnelled" : options.tls ? "tls" : "direct";
    const d = describeChannel(options, destinationUri);
    const radio = (id: typeof channel, label: string, patch: Parameters<typeof set>[0], disabled = false) => (
        <Radio
            id={`channel-${id}`}
            name="channel"
            label={label}
            isChecked={channel === id}
            isDisabled={disabled}
            onChange={() => set(patch)}
        />
    );
    return (
        <FormGroup role="radiogroup" label={_("Channel for memory and disks")} fieldId="migrate-channel" isInline>
            {radio("direct", _("Direct (TCP)"), { tls: false, tunnelled: false })}
            {radio("tls", _("TLS (--tls)"), { tls: true, tunnelled: false })}
            {radio("tunnelled", _("Tunnelled (--p2p --tunnelled)"), { tls: false, tunnelled: true, p2p: true }, !live)}
            <Help error={errors.tunnelled} text={`${d.title}: ${d.encrypted ? _("encrypted") : _("not encrypted")}`} />
            <Checkbox
                id="opt-p2p"
                label={_("Peer-to-peer (--p2p): the source connects to the destination itself")}
                isChecked={options.p2p === true || options.tunnelled === true}
                isDisabled={options.tunnelled === true}
                onChange={(_e, v) => set({ p2p: v })}
            />
            <Help error={errors.p2p} />
        </FormGroup>
    );
}
