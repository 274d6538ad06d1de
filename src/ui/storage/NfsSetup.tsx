import { useMemo, useState } from "react";
import {
    Alert,
    Button,
    Checkbox,
    Form,
    FormGroup,
    FormHelperText,
    FormSelect,
    FormSelectOption,
    HelperText,
    HelperTextItem,
    Radio,
    Spinner,
    TextInput,
} from "@patternfly/react-core";
import type { KnownHost } from "../../hosts/types";
import { loadDomains } from "../../domains/load";
import { LOCAL_ID, knownNfsHost, loadImages, localNfsHost } from "../../storage/context";
import { runChecks } from "../../storage/checks";
import { validateInputs } from "../../storage/plan";
import type { MountMethod, NfsInputs } from "../../storage/types";
import type { CheckResult } from "../../preflight/types";
import { useLoader } from "../hooks";
import { useServices } from "../services";
import { errorText } from "../../../pkg/lib/error-text";
import { NfsChecks } from "./NfsChecks";
import { _, format } from "../../../pkg/lib/gettext";

/** Inputs of the flow and its prerequisite checks; hands the inputs on once the admin goes ahead. */
export function NfsSetup({
    known,
    onPrepare,
}: {
    known: KnownHost[];
    onPrepare(inputs: NfsInputs, selinuxHosts: string[]): void;
}) {
    const { runner } = useServices();
    const [localAddress, setLocalAddress] = useState(typeof location !== "undefined" ? location.hostname : "");
    const hosts = useMemo(
        () => [localNfsHost(localAddress, _("This host")), ...known.map(knownNfsHost)],
        [known, localAddress],
    );
    const [storageId, setStorageId] = useState(LOCAL_ID);
    const [sourceId, setSourceId] = useState(LOCAL_ID);
    const [clientIds, setClientIds] = useState<Set<string>>(
        () => new Set([LOCAL_ID, ...(known[0] ? [known[0].id] : [])]),
    );
    const [domains, setDomains] = useState<Set<string>>(new Set());
    const [exportDir, setExportDir] = useState("/var/lib/libvirt/shared-images");
    const [exportOptions, setExportOptions] = useState("rw,no_root_squash");
    const [mountPoint, setMountPoint] = useState("/var/lib/libvirt/images");
    const [mountOptions, setMountOptions] = useState("rw");
    const [method, setMethod] = useState<MountMethod>("mount");
    const [poolName, setPoolName] = useState("shared-images");
    const [overwrite, setOverwrite] = useState(false);
    const [checks, setChecks] = useState<{ results: CheckResult[]; selinuxHosts: string[]; inputs: NfsInputs } | null>(
        null,
    );
    const [checking, setChecking] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const [override, setOverride] = useState(false);

    const source = hosts.find((h) => h.id === sourceId) ?? hosts[0]!;
    const vms = useLoader(source.uri, () => loadDomains(runner, source.uri));
    const toggle = (set: Set<string>, id: string, on: boolean) => {
        const n = new Set(set);
        if (on) n.add(id);
        else n.delete(id);
        return n;
    };

    const check = async () => {
        setError(null);
        setChecks(null);
        setChecking(true);
        try {
            // chosen by name (unique on a host); the flow addresses each VM by its UUID
            const chosen = (vms.data ?? [])
                .filter((d) => domains.has(d.name))
                .map((d) => ({ uuid: d.uuid, name: d.name }));
            const inputs: NfsInputs = {
                storage: hosts.find((h) => h.id === storageId)!,
                exportDir,
                exportOptions,
                source,
                clients: hosts.filter((h) => clientIds.has(h.id)),
                mountPoint,
                mountOptions,
                method,
                poolName,
                domains: chosen,
                images: await loadImages(runner, source.uri, chosen),
                overwrite,
            };
            const problem = validateInputs(inputs);
            if (problem) {
                setError(problem);
                return;
            }
            const partial: CheckResult[] = [];
            const outcome = await runChecks(runner, inputs, (r) => {
                partial.push(r);
                setChecks({ results: [...partial], selinuxHosts: [], inputs });
            });
            setChecks({ ...outcome, inputs });
        } catch (e) {
            setError(errorText(e));
        } finally {
            setChecking(false);
        }
    };
    const failed = checks?.results.some((r) => r.severity === "error") ?? false;

    return (
        <Form onSubmit={(e) => e.preventDefault()}>
            <FormGroup label={_("Storage host")} fieldId="nfs-storage">
                <FormSelect
                    id="nfs-storage"
                    aria-label={_("Storage host")}
                    value={storageId}
                    onChange={(_e, v) => setStorageId(v)}
                >
                    {hosts.map((h) => (
                        <FormSelectOption key={h.id} value={h.id} label={h.label} />
                    ))}
                </FormSelect>
            </FormGroup>
            <FormGroup label={_("Address of this host, as the other hosts reach it")} fieldId="nfs-local-address">
                <TextInput
                    id="nfs-local-address"
                    value={localAddress}
                    onChange={(_e, v) => setLocalAddress(v.trim())}
                />
            </FormGroup>
            <FormGroup label={_("Export directory")} fieldId="nfs-export-dir">
                <TextInput id="nfs-export-dir" value={exportDir} onChange={(_e, v) => setExportDir(v)} />
            </FormGroup>
            <FormGroup label={_("Export options")} fieldId="nfs-export-options">
                <TextInput
                    id="nfs-export-options"
                    value={exportOptions}
                    onChange={(_e, v) => setExportOptions(v.trim())}
                />
            </FormGroup>
            <FormGroup label={_("Source host (where the VM's disks are)")} fieldId="nfs-source">
                <FormSelect
                    id="nfs-source"
                    aria-label={_("Source host")}
                    value={sourceId}
                    onChange={(_e, v) => {
                        setSourceId(v);
                        setDomains(new Set());
                    }}
                >
                    {hosts.map((h) => (
                        <FormSelectOption key={h.id} value={h.id} label={h.label} />
                    ))}
                </FormSelect>
            </FormGroup>
            <FormGroup role="group" label={_("Virtual machines whose disks to share")} fieldId="nfs-vms">
                {vms.data ? (
                    vms.data.map((d) => (
                        <Checkbox
                            key={d.name}
                            id={`nfs-vm-${d.name}`}
                            label={`${d.name} (${d.state})`}
                            isChecked={domains.has(d.name)}
                            onChange={(_e, v) => setDomains((s) => toggle(s, d.name, v))}
                        />
                    ))
                ) : vms.error ? (
                    <Alert variant="warning" isInline isPlain title={errorText(vms.error)} />
                ) : (
                    <Spinner size="md" aria-label={_("Loading virtual machines")} />
                )}
            </FormGroup>
            <FormGroup role="group" label={_("Client hosts (mount the export)")} fieldId="nfs-clients">
                {hosts.map((h) => (
                    <Checkbox
                        key={h.id}
                        id={`nfs-client-${h.id}`}
                        label={format(_("Client $0"), h.label)}
                        isChecked={clientIds.has(h.id)}
                        onChange={(_e, v) => setClientIds((s) => toggle(s, h.id, v))}
                    />
                ))}
            </FormGroup>
            <FormGroup label={_("Mount point on the clients")} fieldId="nfs-mount-point">
                <TextInput id="nfs-mount-point" value={mountPoint} onChange={(_e, v) => setMountPoint(v)} />
            </FormGroup>
            <FormGroup label={_("Mount options")} fieldId="nfs-mount-options">
                <TextInput
                    id="nfs-mount-options"
                    value={mountOptions}
                    onChange={(_e, v) => setMountOptions(v.trim())}
                />
            </FormGroup>
            <FormGroup role="radiogroup" label={_("How the clients mount it")} fieldId="nfs-method">
                <Radio
                    id="nfs-method-mount"
                    name="nfs-method"
                    label={_("Mount now")}
                    description={_("mount -t nfs; gone after a reboot")}
                    isChecked={method === "mount"}
                    onChange={() => setMethod("mount")}
                />
                <Radio
                    id="nfs-method-fstab"
                    name="nfs-method"
                    label={_("Mount and add to /etc/fstab")}
                    description={_("The system mounts it at every boot, before libvirt starts")}
                    isChecked={method === "fstab"}
                    onChange={() => setMethod("fstab")}
                />
                <Radio
                    id="nfs-method-pool"
                    name="nfs-method"
                    label={_("libvirt netfs storage pool")}
                    description={_(
                        "libvirt mounts it when the pool starts (autostart), and lists its volumes; no /etc/fstab line",
                    )}
                    isChecked={method === "pool"}
                    onChange={() => setMethod("pool")}
                />
            </FormGroup>
            {method === "pool" && (
                <FormGroup label={_("Pool name")} fieldId="nfs-pool-name">
                    <TextInput id="nfs-pool-name" value={poolName} onChange={(_e, v) => setPoolName(v.trim())} />
                </FormGroup>
            )}
            <Checkbox
                id="nfs-overwrite"
                label={_("Replace different files of the same name in the export directory")}
                isChecked={overwrite}
                onChange={(_e, v) => setOverwrite(v)}
            />
            <FormHelperText>
                <HelperText>
                    <HelperTextItem>
                        {_(
                            "Without this, a copy stops when a different file of that name is already there; an identical one is reused.",
                        )}
                    </HelperTextItem>
                </HelperText>
            </FormHelperText>
            {error && <Alert variant="danger" isInline title={error} />}
            <div>
                <Button
                    variant="secondary"
                    onClick={() => void check()}
                    isLoading={checking}
                    isDisabled={checking || domains.size === 0}
                >
                    {_("Check prerequisites")}
                </Button>
            </div>
            {checks && <NfsChecks results={checks.results} />}
            {checks && !checking && failed && (
                <Checkbox
                    id="nfs-override"
                    label={_("Continue despite failed checks")}
                    isChecked={override}
                    onChange={(_e, v) => setOverride(v)}
                />
            )}
            {checks && !checking && (
                <div>
                    <Button
                        variant="primary"
                        isDisabled={failed && !override}
                        onClick={() => onPrepare(checks.inputs, checks.selinuxHosts)}
                    >
                        {_("Prepare steps")}
                    </Button>
                </div>
            )}
        </Form>
    );
}
