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
import type { Domain } from "../../domains/types";
import { loadDomains } from "../../domains/load";
import { LOCAL_ID, loadImages, nfsHosts } from "../../storage/context";
import { runChecks } from "../../storage/checks";
import { validateInputs } from "../../storage/plan";
import type { MountMethod, NfsInputs } from "../../storage/types";
import type { CheckResult } from "../../preflight/types";
import { useLoader, useMachineList, type Loaded } from "../hooks";
import { useServices } from "../services";
import { useAction } from "../useAction";
import { errorText } from "../../../pkg/lib/error-text";
import { NfsChecks } from "./NfsChecks";
import { _, format } from "../../../pkg/lib/gettext";

/** What the admin sets: hosts by id, VMs by name (unique on a host), paths, options, the override. */
interface NfsForm {
    localAddress: string;
    storageId: string;
    sourceId: string;
    /** null: the default, this host and the first other machine (the list settles once the machines are read). */
    clientIds: Set<string> | null;
    domains: Set<string>;
    exportDir: string;
    exportOptions: string;
    mountPoint: string;
    mountOptions: string;
    method: MountMethod;
    poolName: string;
    overwrite: boolean;
    override: boolean;
}

type NfsHost = NfsInputs["source"];
type Checked = { results: CheckResult[]; selinuxHosts: string[]; inputs: NfsInputs };
type SetForm = (patch: Partial<NfsForm>) => void;

const initialForm = (): NfsForm => ({
    localAddress: typeof location !== "undefined" ? location.hostname : "",
    storageId: LOCAL_ID,
    sourceId: LOCAL_ID,
    clientIds: null,
    domains: new Set(),
    exportDir: "/var/lib/libvirt/shared-images",
    exportOptions: "rw,no_root_squash",
    mountPoint: "/var/lib/libvirt/images",
    mountOptions: "rw",
    method: "mount",
    poolName: "shared-images",
    overwrite: false,
    override: false,
});

/** The form with its clients decided: as the admin chose them, or by default this host and the first other machine. */
type Clients = NfsForm & { clientIds: Set<string> };
const withClients = (f: NfsForm, hosts: NfsHost[]): Clients =>
    f.clientIds ? (f as Clients) : { ...f, clientIds: new Set(hosts.slice(0, 2).map((h) => h.id)) };

const toggle = (set: Set<string>, id: string, on: boolean) => {
    const n = new Set(set);
    if (on) n.add(id);
    else n.delete(id);
    return n;
};

/** Inputs of the flow and its prerequisite checks; hands the inputs on once the admin goes ahead. */
export function NfsSetup({
    known,
    onPrepare,
}: {
    known: KnownHost[];
    onPrepare(inputs: NfsInputs, selinuxHosts: string[]): void;
}) {
    const [picked, setForm] = useState<NfsForm>(initialForm);
    const set: SetForm = (patch) => setForm((f) => ({ ...f, ...patch }));
    const { localAddress } = picked;
    // each machine once, by its one name: the known host that is this machine is This host
    const { identities } = useMachineList(known);
    const hosts = useMemo(() => nfsHosts(localAddress, known, identities), [known, localAddress, identities]);
    const form = withClients(picked, hosts);
    const source = hosts.find((h) => h.id === form.sourceId) ?? hosts[0]!;
    const { checks, checking, error, check, vms } = useNfsCheck(form, hosts, source);

    return (
        <Form onSubmit={(e) => e.preventDefault()}>
            <PlacesSection form={form} set={set} hosts={hosts} />
            <VmChoice
                vms={vms}
                chosen={form.domains}
                onToggle={(n, on) => setForm((f) => ({ ...f, domains: toggle(f.domains, n, on) }))}
            />
            <ClientSection
                form={form}
                set={set}
                onClient={(id, on) =>
                    setForm((f) => ({ ...f, clientIds: toggle(withClients(f, hosts).clientIds, id, on) }))
                }
                hosts={hosts}
            />
            <MethodChoice form={form} set={set} />
            <OverwriteRow overwrite={form.overwrite} onChange={(overwrite) => set({ overwrite })} />
            {error && <Alert variant="danger" isInline title={error} />}
            <div>
                <Button
                    variant="secondary"
                    onClick={() => void check()}
                    isLoading={checking}
                    isDisabled={checking || form.domains.size === 0}
                >
                    {_("Check prerequisites")}
                </Button>
            </div>
            {checks && (
                <CheckOutcome
                    checks={checks}
                    checking={checking}
                    override={form.override}
                    set={set}
                    onPrepare={onPrepare}
                />
            )}
        </Form>
    );
}

/** Reads the chosen VMs' images and runs the prerequisite checks, showing each result as it arrives. */
function useNfsCheck(form: Clients, hosts: NfsHost[], source: NfsHost) {
    const { runner } = useServices();
    const [checks, setChecks] = useState<Checked | null>(null);
    const { busy: checking, failure: error, setFailure, run } = useAction();
    const vms = useLoader(source.uri, () => loadDomains(runner, source.uri));

    const check = () =>
        run(async () => {
            setChecks(null);
            // chosen by name (unique on a host); the flow addresses each VM by its UUID
            const chosen = (vms.data ?? [])
                .filter((d) => form.domains.has(d.name))
                .map((d) => ({ uuid: d.uuid, name: d.name }));
            const inputs: NfsInputs = {
                ...inputsOf(form, hosts, source),
                domains: chosen,
                images: await loadImages(runner, source.uri, chosen),
                overwrite: form.overwrite,
            };
            const problem = validateInputs(inputs);
            if (problem) {
                setFailure(problem);
                return;
            }
            const partial: CheckResult[] = [];
            const outcome = await runChecks(runner, inputs, (r) => {
                partial.push(r);
                setChecks({ results: [...partial], selinuxHosts: [], inputs });
            });
            setChecks({ ...outcome, inputs });
        });
    return { checks, checking, error, check, vms };
}

/** The inputs read straight off the form, in NfsInputs' order (the VMs and their images come from the host). */
function inputsOf(form: Clients, hosts: NfsHost[], source: NfsHost) {
    return {
        storage: hosts.find((h) => h.id === form.storageId)!,
        exportDir: form.exportDir,
        exportOptions: form.exportOptions,
        source,
        clients: hosts.filter((h) => form.clientIds.has(h.id)),
        mountPoint: form.mountPoint,
        mountOptions: form.mountOptions,
        method: form.method,
        poolName: form.poolName,
    };
}

function HostSelect({
    id,
    label,
    ariaLabel,
    hosts,
    value,
    onChange,
}: {
    id: string;
    label: string;
    ariaLabel: string;
    hosts: NfsHost[];
    value: string;
    onChange(id: string): void;
}) {
    return (
        <FormGroup label={label} fieldId={id}>
            <FormSelect id={id} aria-label={ariaLabel} value={value} onChange={(_e, v) => onChange(v)}>
                {hosts.map((h) => (
                    <FormSelectOption key={h.id} value={h.id} label={h.label} />
                ))}
            </FormSelect>
        </FormGroup>
    );
}

function TextRow({
    id,
    label,
    value,
    onChange,
}: {
    id: string;
    label: string;
    value: string;
    onChange(v: string): void;
}) {
    return (
        <FormGroup label={label} fieldId={id}>
            <TextInput id={id} value={value} onChange={(_e, v) => onChange(v)} />
        </FormGroup>
    );
}

/** Storage host, this host's address, the export and the source host. */
function PlacesSection({ form, set, hosts }: { form: NfsForm; set: SetForm; hosts: NfsHost[] }) {
    return (
        <>
            <HostSelect
                id="nfs-storage"
                label={_("Storage host")}
                ariaLabel={_("Storage host")}
                hosts={hosts}
                value={form.storageId}
                onChange={(storageId) => set({ storageId })}
            />
            <TextRow
                id="nfs-local-address"
                label={_("Address of this host, as the other hosts reach it")}
                value={form.localAddress}
                onChange={(v) => set({ localAddress: v.trim() })}
            />
            <TextRow
                id="nfs-export-dir"
                label={_("Export directory")}
                value={form.exportDir}
                onChange={(exportDir) => set({ exportDir })}
            />
            <TextRow
                id="nfs-export-options"
                label={_("Export options")}
                value={form.exportOptions}
                onChange={(v) => set({ exportOptions: v.trim() })}
            />
            <HostSelect
                id="nfs-source"
                label={_("Source host (where the VM's disks are)")}
                ariaLabel={_("Source host")}
                hosts={hosts}
                value={form.sourceId}
                onChange={(sourceId) => set({ sourceId, domains: new Set() })}
            />
        </>
    );
}

function VmChoice({
    vms,
    chosen,
    onToggle,
}: {
    vms: Loaded<Domain[]>;
    chosen: Set<string>;
    onToggle(name: string, on: boolean): void;
}) {
    return (
        <FormGroup role="group" label={_("Virtual machines whose disks to share")} fieldId="nfs-vms">
            {vms.data ? (
                vms.data.map((d) => (
                    <Checkbox
                        key={d.name}
                        id={`nfs-vm-${d.name}`}
                        label={`${d.name} (${d.state})`}
                        isChecked={chosen.has(d.name)}
                        onChange={(_e, v) => onToggle(d.name, v)}
                    />
                ))
            ) : vms.error ? (
                <Alert variant="warning" isInline isPlain title={errorText(vms.error)} />
            ) : (
                <Spinner size="md" aria-label={_("Loading virtual machines")} />
            )}
        </FormGroup>
    );
}

/** The client hosts, where and how they mount the export. */
function ClientSection({
    form,
    set,
    onClient,
    hosts,
}: {
    form: Clients;
    set: SetForm;
    onClient(id: string, on: boolean): void;
    hosts: NfsHost[];
}) {
    return (
        <>
            <FormGroup role="group" label={_("Client hosts (mount the export)")} fieldId="nfs-clients">
                {hosts.map((h) => (
                    <Checkbox
                        key={h.id}
                        id={`nfs-client-${h.id}`}
                        label={format(_("Client $0"), h.label)}
                        isChecked={form.clientIds.has(h.id)}
                        onChange={(_e, v) => onClient(h.id, v)}
                    />
                ))}
            </FormGroup>
            <TextRow
                id="nfs-mount-point"
                label={_("Mount point on the clients")}
                value={form.mountPoint}
                onChange={(mountPoint) => set({ mountPoint })}
            />
            <TextRow
                id="nfs-mount-options"
                label={_("Mount options")}
                value={form.mountOptions}
                onChange={(v) => set({ mountOptions: v.trim() })}
            />
        </>
    );
}

function MethodChoice({ form, set }: { form: NfsForm; set: SetForm }) {
    const radio = (method: MountMethod, label: string, description: string) => (
        <Radio
            id={`nfs-method-${method}`}
            name="nfs-method"
            label={label}
            description={description}
            isChecked={form.method === method}
            onChange={() => set({ method })}
        />
    );
    return (
        <>
            <FormGroup role="radiogroup" label={_("How the clients mount it")} fieldId="nfs-method">
                {radio("mount", _("Mount now"), _("mount -t nfs; gone after a reboot"))}
                {radio(
                    "fstab",
                    _("Mount and add to /etc/fstab"),
                    _("The system mounts it at every boot, before libvirt starts"),
                )}
                {radio(
                    "pool",
                    _("libvirt netfs storage pool"),
                    _("libvirt mounts it when the pool starts (autostart), and lists its volumes; no /etc/fstab line"),
                )}
            </FormGroup>
            {form.method === "pool" && (
                <TextRow
                    id="nfs-pool-name"
                    label={_("Pool name")}
                    value={form.poolName}
                    onChange={(v) => set({ poolName: v.trim() })}
                />
            )}
        </>
    );
}

function OverwriteRow({ overwrite, onChange }: { overwrite: boolean; onChange(on: boolean): void }) {
    return (
        <>
            <Checkbox
                id="nfs-overwrite"
                label={_("Replace different files of the same name in the export directory")}
                isChecked={overwrite}
                onChange={(_e, v) => onChange(v)}
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
        </>
    );
}

/** The checks' results and, once they are all in, the way on (held while one failed, unless overridden). */
function CheckOutcome({
    checks,
    checking,
    override,
    set,
    onPrepare,
}: {
    checks: Checked;
    checking: boolean;
    override: boolean;
    set: SetForm;
    onPrepare(inputs: NfsInputs, selinuxHosts: string[]): void;
}) {
    const failed = checks.results.some((r) => r.severity === "error");
    return (
        <>
            <NfsChecks results={checks.results} />
            {!checking && failed && (
                <Checkbox
                    id="nfs-override"
                    label={_("Continue despite failed checks")}
                    isChecked={override}
                    onChange={(_e, v) => set({ override: v })}
                />
            )}
            {!checking && (
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
        </>
    );
}
