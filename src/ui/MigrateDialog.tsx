import { useEffect, useMemo, useState } from "react";
import {
    Alert,
    Button,
    Checkbox,
    ExpandableSection,
    Form,
    FormGroup,
    FormHelperText,
    FormSelect,
    FormSelectOption,
    HelperText,
    HelperTextItem,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Radio,
    TextInput,
} from "@patternfly/react-core";
import { isActive, type Domain, type DomainRef } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import { resolveDestination } from "../hosts/destination";
import { defaultOptions, migrateArgv, validateOptions, type MigrationOptions } from "../migration/options";
import { withMigrationAddress } from "../migration/address";
import { CommandLine } from "./CommandLine";
import { Preflight } from "./Preflight";
import { migrateGate, type PreflightProgress } from "../preflight/gate";
import { preflightInput, routeBetween } from "../preflight/input";
import { loadDisks } from "../domains/disks";
import { useDestinations, useLoader, usePolicy } from "./hooks";
import { DEFAULT_DIRTYRATE_SECONDS } from "../preflight/checks";
import { diskVisibility } from "../preflight/storage";
import { commandsBeforeStart } from "../migration/autostart";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { useTools } from "./tools";
import { errorText } from "../../pkg/lib/error-text";
import { formatBytes } from "./format";
import { _, format } from "../../pkg/lib/gettext";

export interface MigrateRequest {
    domain: DomainRef;
    sourceUri: string;
    destinationUri: string;
    destinationLabel: string;
    destinationHostId: string;
    options: MigrationOptions;
    argv: string[];
}

interface Props {
    domain: Domain;
    sourceUri: string;
    sourceLabel: string;
    hosts: KnownHost[];
    onClose(): void;
    onMigrate(r: MigrateRequest): Promise<void>;
}

const OTHER = "__other__";

function Help({ text, error }: { text?: string; error?: string | null | undefined }) {
    if (!text && !error) return null;
    return (
        <FormHelperText>
            <HelperText>
                <HelperTextItem variant={error ? "error" : "default"}>{error ?? text}</HelperTextItem>
            </HelperText>
        </FormHelperText>
    );
}

const num = (v: string): number | undefined => (v.trim() === "" ? undefined : Number(v));

export function MigrateDialog({ domain, sourceUri, sourceLabel, hosts, onClose, onMigrate }: Props) {
    const { runner } = useServices();
    const { covered } = useTools();
    // the same machine is decided by host UUID, not by how its URI reads (this host is often also a known host)
    const candidates = useDestinations(sourceUri, hosts);
    const [picked, setChoice] = useState<string | null>(null);
    const choice = picked === OTHER || candidates.some((h) => h.id === picked) ? picked! : (candidates[0]?.id ?? OTHER);
    const [typed, setTyped] = useState("");
    const [options, setOptions] = useState<MigrationOptions>(() => defaultOptions(domain.state));
    const { busy, failure, run } = useAction();
    const [checks, setChecks] = useState<PreflightProgress | null>(null);
    const [override, setOverride] = useState(false);
    const [withoutWaiting, setWithoutWaiting] = useState(false);
    const [dirtySeconds, setDirtySeconds] = useState(String(DEFAULT_DIRTYRATE_SECONDS));
    const policy = usePolicy();
    const disks = useLoader(`${sourceUri}\n${domain.uuid}`, () => loadDisks(runner, sourceUri, domain.uuid));

    const resolved = resolveDestination(choice === OTHER ? typed : choice, hosts);
    const dest = resolved.destination;
    const effective: MigrationOptions = useMemo(
        () => withMigrationAddress(options, dest?.known?.migrationAddress),
        [options, dest],
    );
    const check = validateOptions(effective, {
        domainState: domain.state,
        persistent: domain.persistent,
        autostart: domain.autostart,
    });
    const sameHost = dest !== null && dest.uri === sourceUri;
    let argv: string[] | null = null;
    let argvError: string | null = null;
    if (dest && !sameHost) {
        try {
            argv = migrateArgv(sourceUri, domain.uuid, dest.uri, effective);
        } catch (e) {
            argvError = errorText(e);
        }
    }
    const gate = migrateGate({
        commandReady: argv !== null,
        optionErrors: Object.keys(check.errors).length,
        busy,
        checksExpected: dest !== null && !sameHost,
        checks,
        override,
        withoutWaiting,
    });
    const failedChecks = gate.failed;
    const copyOnly = diskVisibility(checks?.results ?? []);
    const canMigrate = gate.canMigrate;
    const dirtyPeriod = Number(dirtySeconds);
    const dirtyPeriodError =
        Number.isInteger(dirtyPeriod) && dirtyPeriod >= 1 && dirtyPeriod <= 60
            ? null
            : _("A whole number of seconds from 1 to 60");
    const policyReady = !policy.loading || policy.data !== null || policy.error !== null;
    const destUri = dest?.uri;
    const destLabel = dest?.label;
    const checkInput = useMemo(
        () =>
            destUri !== undefined && destLabel !== undefined && !sameHost && !dirtyPeriodError && policyReady
                ? preflightInput(
                      { uuid: domain.uuid, name: domain.name, state: domain.state },
                      routeBetween(sourceUri, { uri: destUri, label: destLabel }, hosts),
                      effective,
                      {
                          dirtyRateSeconds: dirtyPeriod,
                          ...(policy.data ? { policy: policy.data } : {}),
                      },
                  )
                : null,
        [
            domain.name,
            domain.uuid,
            domain.state,
            sourceUri,
            destUri,
            destLabel,
            effective,
            sameHost,
            hosts,
            dirtyPeriod,
            dirtyPeriodError,
            policy.data,
            policyReady,
        ],
    );
    const set = (patch: Partial<MigrationOptions>) => setOptions((o) => ({ ...o, ...patch }));
    // the disks to copy were chosen for one destination: another one sees other disks
    useEffect(() => {
        setOptions((o) => (o.migrateDisks === undefined ? o : { ...o, migrateDisks: undefined }));
    }, [dest?.uri]);
    // the same rule as the pre-flight's and the options' (a crashed VM has no QEMU process to move live)
    const live = isActive(domain.state);

    const submit = async () => {
        if (!argv || !dest || !canMigrate) return;
        await run(() =>
            onMigrate({
                domain: { uuid: domain.uuid, name: domain.name },
                sourceUri,
                destinationUri: dest.uri,
                destinationLabel: dest.label,
                destinationHostId: dest.known?.id ?? dest.label,
                options: effective,
                argv,
            }),
        );
    };

    return (
        <Modal isOpen={!covered} onClose={onClose} variant="medium" aria-labelledby="migrate-title">
            <ModalHeader
                title={format(_("Migrate $0"), domain.name)}
                labelId="migrate-title"
                description={format(_("From $0"), sourceLabel)}
            />
            <ModalBody>
                {failure && (
                    <Alert variant="danger" isInline title={_("The migration did not start")}>
                        {failure}
                    </Alert>
                )}
                <Form
                    onSubmit={(e) => {
                        e.preventDefault();
                        if (canMigrate) void submit();
                    }}
                >
                    <FormGroup label={_("Destination")} fieldId="migrate-destination" isRequired>
                        <FormSelect id="migrate-destination" value={choice} onChange={(_e, v) => setChoice(v)}>
                            {candidates.map((h) => (
                                <FormSelectOption key={h.id} value={h.id} label={h.address} />
                            ))}
                            <FormSelectOption value={OTHER} label={_("Other host or URI…")} />
                        </FormSelect>
                        {choice === OTHER && (
                            <TextInput
                                aria-label={_("Destination host or URI")}
                                value={typed}
                                onChange={(_e, v) => setTyped(v)}
                                placeholder="qemu+ssh://root@host/system"
                                validated={typed && resolved.error ? "error" : "default"}
                                style={{ marginTop: "0.5rem" }}
                            />
                        )}
                        <Help
                            error={
                                sameHost
                                    ? _("This is the source host: choose another destination")
                                    : choice !== OTHER || typed
                                      ? resolved.error
                                      : null
                            }
                            text={dest ? format(_("Connection: $0"), dest.uri) : undefined}
                        />
                    </FormGroup>

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
                        {domain.autostart && options.duration === "temporary" && (
                            <>
                                <Checkbox
                                    id="opt-disable-source-autostart"
                                    label={_("Turn autostart off on this host first (virsh autostart --disable)")}
                                    isChecked={options.disableSourceAutostart === true}
                                    onChange={(_e, v) => set({ disableSourceAutostart: v || undefined })}
                                />
                                <Help error={check.errors.disableSourceAutostart} />
                            </>
                        )}
                    </FormGroup>

                    <FormGroup role="radiogroup" label={_("Mode")} fieldId="migrate-mode" isInline>
                        <Radio
                            id="mode-live"
                            name="mode"
                            label={_("Live")}
                            isChecked={options.mode === "live"}
                            isDisabled={!live}
                            onChange={() => set({ mode: "live" })}
                            description={
                                live
                                    ? _("Keeps running while its memory is copied.")
                                    : _("Only for running or paused VMs.")
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
                                live
                                    ? _("Only for shut-off VMs.")
                                    : _("Moves the definition only; disks must be reachable there.")
                            }
                        />
                    </FormGroup>

                    <FormGroup role="radiogroup" label={_("Storage")} fieldId="migrate-storage">
                        <Radio
                            id="storage-shared"
                            name="storage"
                            label={_("Shared")}
                            isChecked={options.storage === "shared"}
                            onChange={() => set({ storage: "shared", migrateDisks: undefined })}
                            description={_("Both hosts see the disk images at the same path (NFS, iSCSI, …).")}
                        />
                        <Radio
                            id="storage-copy-all"
                            name="storage"
                            label={_("Copy all disks")}
                            isChecked={options.storage === "copy-all"}
                            isDisabled={!live}
                            onChange={() => set({ storage: "copy-all" })}
                            description={_(
                                "Copies every disk to the destination (--copy-storage-all); the images must exist there with the same size.",
                            )}
                        />
                        <Radio
                            id="storage-copy-inc"
                            name="storage"
                            label={_("Copy incrementally")}
                            isChecked={options.storage === "copy-inc"}
                            isDisabled={!live}
                            onChange={() => set({ storage: "copy-inc" })}
                            description={_(
                                "Copies only the top layer; the base image must be shared (--copy-storage-inc).",
                            )}
                        />
                        {options.storage !== "shared" &&
                            (copyOnly.seen.length > 0 || options.migrateDisks !== undefined) &&
                            copyOnly.unseen.length > 0 && (
                                <Checkbox
                                    id="opt-migrate-disks"
                                    isChecked={options.migrateDisks !== undefined}
                                    label={format(
                                        _("Copy only what $0 cannot see: $1 (--migrate-disks)"),
                                        dest?.label ?? "",
                                        copyOnly.unseen.join(", "),
                                    )}
                                    onChange={(_e, on) => set({ migrateDisks: on ? copyOnly.unseen : undefined })}
                                />
                            )}
                        <Help error={check.errors.migrateDisks} />
                        <Help
                            text={
                                disks.data
                                    ? disks.data.length === 0
                                        ? _("This VM has no disks.")
                                        : disks.data
                                              .map(
                                                  (d) =>
                                                      `${d.target}: ${d.source ?? _("no media")}${d.capacityBytes !== null ? ` (${formatBytes(d.capacityBytes)})` : ""}`,
                                              )
                                              .join(" · ")
                                    : disks.error
                                      ? _("The disks could not be listed.")
                                      : _("Reading disks…")
                            }
                        />
                    </FormGroup>

                    {check.warnings.map((w) => (
                        <Alert key={w} variant="warning" isInline isPlain title={w} />
                    ))}

                    <ExpandableSection toggleText={_("Advanced options")}>
                        <AdvancedOptions options={options} set={set} errors={check.errors} live={live} />
                    </ExpandableSection>

                    <FormGroup label={_("Pre-flight checks")} fieldId="migrate-preflight">
                        {live && (
                            <FormGroup label={_("Dirty-rate measurement (s)")} fieldId="migrate-dirty-seconds">
                                <TextInput
                                    id="migrate-dirty-seconds"
                                    type="number"
                                    value={dirtySeconds}
                                    onChange={(_e, v) => setDirtySeconds(v)}
                                    validated={dirtyPeriodError ? "error" : "default"}
                                    style={{ maxWidth: "8em" }}
                                />
                                <Help
                                    error={dirtyPeriodError}
                                    text={_(
                                        "How long virsh domdirtyrate-calc watches the guest's memory writes (1–60 s; the RHEL procedure uses 30).",
                                    )}
                                />
                            </FormGroup>
                        )}
                        {policy.error !== null && (
                            <Alert
                                variant="warning"
                                isInline
                                isPlain
                                title={_("The overcommit policy could not be read; the defaults apply.")}
                            />
                        )}
                        <Preflight input={checkInput} onResults={setChecks} />
                        {failedChecks.length > 0 && (
                            <Checkbox
                                id="migrate-override"
                                label={_("Migrate despite failed checks")}
                                isChecked={override}
                                onChange={(_e, v) => setOverride(v)}
                            />
                        )}
                        {(gate.waiting || withoutWaiting) && (
                            <Checkbox
                                id="migrate-without-waiting"
                                label={_("Migrate without waiting for the checks")}
                                isChecked={withoutWaiting}
                                onChange={(_e, v) => setWithoutWaiting(v)}
                                description={_(
                                    "Checks that have not finished are not looked at; a check that has already failed still holds the migration.",
                                )}
                            />
                        )}
                    </FormGroup>

                    <FormGroup label={_("Equivalent command")} fieldId="migrate-command">
                        {argv ? (
                            <CommandLine
                                argv={[
                                    ...commandsBeforeStart(effective, sourceUri, domain.uuid, domain.autostart),
                                    argv,
                                ]}
                            />
                        ) : (
                            <Help text={argvError ?? _("Choose a destination to see the command.")} />
                        )}
                    </FormGroup>
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button
                    variant="primary"
                    onClick={() => void submit()}
                    isDisabled={!canMigrate}
                    isLoading={busy}
                    aria-describedby={gate.why ? "migrate-held" : undefined}
                >
                    {_("Migrate")}
                </Button>
                {gate.why && (
                    <span id="migrate-held" data-migrate-held>
                        {gate.why}
                    </span>
                )}
                <Button variant="link" onClick={onClose}>
                    {_("Cancel")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}

function AdvancedOptions({
    options,
    set,
    errors,
    live,
}: {
    options: MigrationOptions;
    set(p: Partial<MigrationOptions>): void;
    errors: Partial<Record<keyof MigrationOptions, string>>;
    live: boolean;
}) {
    return (
        <>
            <FormGroup label={_("Parallel connections")} fieldId="opt-parallel">
                <TextInput
                    id="opt-parallel"
                    type="number"
                    value={options.parallelConnections ?? ""}
                    isDisabled={!live}
                    placeholder={_("Off")}
                    onChange={(_e, v) => set({ parallelConnections: num(v) })}
                />
                <Help
                    error={errors.parallelConnections}
                    text={_(
                        "--parallel --parallel-connections N: about one per 10 Gbit/s of link; libvirt's default is 2.",
                    )}
                />
            </FormGroup>
            <FormGroup label={_("Maximum downtime (ms)")} fieldId="opt-downtime">
                <TextInput
                    id="opt-downtime"
                    type="number"
                    value={options.maxDowntimeMs ?? ""}
                    isDisabled={!live}
                    placeholder="300"
                    onChange={(_e, v) => set({ maxDowntimeMs: num(v) })}
                />
                <Help
                    error={errors.maxDowntimeMs}
                    text={_("The longest pause the guest may see at the switch-over (migrate-setmaxdowntime).")}
                />
            </FormGroup>
            <FormGroup label={_("Bandwidth limit (MiB/s)")} fieldId="opt-bandwidth">
                <TextInput
                    id="opt-bandwidth"
                    type="number"
                    value={options.bandwidthMiBs ?? ""}
                    placeholder={_("Unlimited")}
                    onChange={(_e, v) => set({ bandwidthMiBs: num(v) })}
                />
                <Help
                    error={errors.bandwidthMiBs}
                    text={_("--bandwidth: leaves room for other traffic; can be changed while it runs.")}
                />
            </FormGroup>
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
                    id="opt-tls"
                    label={_("Encrypt migration data (TLS)")}
                    isChecked={options.tls}
                    onChange={(_e, v) => set({ tls: v })}
                    description={_("--tls: needs libvirt TLS certificates on both hosts.")}
                />
                <Checkbox
                    id="opt-abort"
                    label={_("Abort on I/O errors")}
                    isChecked={options.abortOnError}
                    onChange={(_e, v) => set({ abortOnError: v })}
                    description={_("--abort-on-error: stop instead of continuing after a soft error.")}
                />
            </FormGroup>
        </>
    );
}
