import { useState } from "react";
import {
    ActionGroup,
    Button,
    ClipboardCopy,
    Form,
    FormGroup,
    FormHelperText,
    FormSelect,
    FormSelectOption,
    HelperText,
    HelperTextItem,
    TextInput,
} from "@patternfly/react-core";
import { hostUri } from "../hosts/uri";
import { hasErrors, validateHost, type HostErrors } from "../hosts/validate";
import type { KnownHost, Transport } from "../hosts/types";
import { _ } from "../../pkg/lib/gettext";

const TRANSPORT_HELP: Record<Transport, string> = {
    ssh: _("Through SSH as the given user (key-based, no password prompts). Recommended."),
    tls: _("libvirtd's TLS port 16514; needs certificates on both hosts."),
    tcp: _("libvirtd's plain TCP port 16509: unencrypted, for isolated networks only."),
};

function Helper({ error, hint }: { error?: string | undefined; hint?: string }) {
    if (!error && !hint) return null;
    return (
        <FormHelperText>
            <HelperText>
                <HelperTextItem variant={error ? "error" : "default"}>{error ?? hint}</HelperTextItem>
            </HelperText>
        </FormHelperText>
    );
}

const optionalNumber = (v: string): number | undefined => (v.trim() === "" ? undefined : Number(v));

export function HostForm({
    initial,
    onSave,
    onCancel,
}: {
    initial?: KnownHost;
    onSave(h: KnownHost): Promise<void>;
    onCancel(): void;
}) {
    const [host, setHost] = useState<KnownHost>(initial ?? { id: "", address: "", sshUser: "root", transport: "ssh" });
    const [touched, setTouched] = useState(false);
    const [saving, setSaving] = useState(false);
    const errors: HostErrors = validateHost(host);
    const show = (k: keyof HostErrors) => (touched || host.address !== "" ? errors[k] : undefined);
    const set = (patch: Partial<KnownHost>) => setHost((h) => ({ ...h, ...patch }));

    const submit = async () => {
        setTouched(true);
        if (hasErrors(errors)) return;
        setSaving(true);
        try {
            await onSave(host);
        } finally {
            setSaving(false);
        }
    };

    return (
        <Form
            onSubmit={(e) => {
                e.preventDefault();
                void submit();
            }}
            aria-label={_("Host")}
        >
            <FormGroup label={_("Address")} isRequired fieldId="host-address">
                <TextInput
                    id="host-address"
                    value={host.address}
                    onChange={(_e, v) => set({ address: v })}
                    isRequired
                    validated={show("address") ? "error" : "default"}
                    placeholder="host.example.com"
                />
                <Helper error={show("address")} hint={_("Host name or IP address, as this host reaches it")} />
            </FormGroup>
            <FormGroup label={_("Transport")} fieldId="host-transport">
                <FormSelect
                    id="host-transport"
                    value={host.transport}
                    onChange={(_e, v) => set({ transport: v as Transport })}
                >
                    <FormSelectOption value="ssh" label="SSH" />
                    <FormSelectOption value="tls" label="TLS" />
                    <FormSelectOption value="tcp" label={_("TCP (unencrypted)")} />
                </FormSelect>
                <Helper hint={TRANSPORT_HELP[host.transport]} />
            </FormGroup>
            <FormGroup label={_("SSH user")} fieldId="host-user">
                <TextInput
                    id="host-user"
                    value={host.sshUser}
                    onChange={(_e, v) => set({ sshUser: v })}
                    validated={show("sshUser") ? "error" : "default"}
                />
                <Helper error={show("sshUser")} />
            </FormGroup>
            <FormGroup label={_("SSH port")} fieldId="host-ssh-port">
                <TextInput
                    id="host-ssh-port"
                    type="number"
                    value={host.sshPort ?? ""}
                    placeholder="22"
                    onChange={(_e, v) => set({ sshPort: optionalNumber(v) })}
                    validated={show("sshPort") ? "error" : "default"}
                />
                <Helper error={show("sshPort")} />
            </FormGroup>
            {host.transport !== "ssh" && (
                <FormGroup label={_("libvirt port")} fieldId="host-libvirt-port">
                    <TextInput
                        id="host-libvirt-port"
                        type="number"
                        value={host.libvirtPort ?? ""}
                        placeholder={host.transport === "tls" ? "16514" : "16509"}
                        onChange={(_e, v) => set({ libvirtPort: optionalNumber(v) })}
                        validated={show("libvirtPort") ? "error" : "default"}
                    />
                    <Helper error={show("libvirtPort")} />
                </FormGroup>
            )}
            <FormGroup label={_("Migration address")} fieldId="host-migration-address">
                <TextInput
                    id="host-migration-address"
                    value={host.migrationAddress ?? ""}
                    onChange={(_e, v) => set({ migrationAddress: v || undefined })}
                    validated={show("migrationAddress") ? "error" : "default"}
                />
                <Helper
                    error={show("migrationAddress")}
                    hint={_(
                        "Optional. Where this host receives migration data, when its host name resolves to a wrong or loopback address.",
                    )}
                />
            </FormGroup>
            {!hasErrors(errors) && (
                <FormGroup label={_("Connection URI")} fieldId="host-uri">
                    <ClipboardCopy
                        id="host-uri"
                        isReadOnly
                        textAriaLabel={_("Connection URI")}
                        hoverTip={_("Copy")}
                        clickTip={_("Copied")}
                    >
                        {hostUri(host)}
                    </ClipboardCopy>
                </FormGroup>
            )}
            <ActionGroup>
                <Button type="submit" variant="primary" isLoading={saving} isDisabled={saving}>
                    {initial ? _("Save") : _("Add host")}
                </Button>
                <Button variant="link" onClick={onCancel}>
                    {_("Cancel")}
                </Button>
            </ActionGroup>
        </Form>
    );
}
