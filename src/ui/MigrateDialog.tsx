import { useEffect, useMemo, useState } from "react";
import { Alert, ExpandableSection, Form, Modal, ModalBody, ModalHeader } from "@patternfly/react-core";
import { isActive, type Domain, type DomainRef } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import { resolveDestination } from "../hosts/destination";
import { defaultOptions, migrateArgv, validateOptions, type MigrationOptions } from "../migration/options";
import { withMigrationAddress } from "../migration/address";
import { migrateGate, type PreflightProgress } from "../preflight/gate";
import { preflightInput, routeBetween } from "../preflight/input";
import { loadDisks } from "../domains/disks";
import { useDestinationChoices, useLoader, usePolicy } from "./hooks";
import { DEFAULT_DIRTYRATE_SECONDS } from "../preflight/checks";
import { diskVisibility } from "../preflight/storage";
import { commandsBeforeStart } from "../migration/autostart";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { useTools } from "./tools";
import { errorText } from "../../pkg/lib/error-text";
import { AdvancedOptions } from "./migrate/AdvancedOptions";
import { CommandRow } from "./migrate/CommandRow";
import { DestinationRow } from "./migrate/DestinationRow";
import { DurationRow } from "./migrate/DurationRow";
import { MigrateFooter } from "./migrate/MigrateFooter";
import { ModeRow } from "./migrate/ModeRow";
import { PreflightSection } from "./migrate/PreflightSection";
import { OTHER } from "./migrate/props";
import { StorageRow } from "./migrate/StorageRow";
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
    /** The Destination select's option value (a known host's id) to start with. */
    initialDestination?: string;
}

export function MigrateDialog({
    domain,
    sourceUri,
    sourceLabel,
    hosts,
    onClose,
    onMigrate,
    initialDestination,
}: Props) {
    const { runner } = useServices();
    const { covered } = useTools();
    // one per machine, by host UUID, not by how its URI reads (this host is often also a known host); This host
    // is offered when the source is another machine
    const candidates = useDestinationChoices(sourceUri, hosts);
    const [picked, setChoice] = useState<string | null>(initialDestination ?? null);
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

    const listed = candidates.find((c) => c.id === choice);
    const resolved = listed
        ? { destination: listed, error: null }
        : resolveDestination(choice === OTHER ? typed : choice, hosts);
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
                destinationHostId: listed?.id ?? dest.known?.id ?? dest.label,
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
                    <DestinationRow
                        candidates={candidates}
                        choice={choice}
                        setChoice={setChoice}
                        typed={typed}
                        setTyped={setTyped}
                        dest={dest}
                        resolveError={resolved.error}
                        sameHost={sameHost}
                    />
                    <DurationRow
                        options={options}
                        set={set}
                        autostart={domain.autostart}
                        error={check.errors.disableSourceAutostart}
                        sourceLabel={sourceLabel}
                    />
                    <ModeRow options={options} set={set} live={live} />
                    <StorageRow
                        options={options}
                        set={set}
                        live={live}
                        copyOnly={copyOnly}
                        destLabel={dest?.label}
                        error={check.errors.migrateDisks}
                        disks={disks}
                    />

                    {check.warnings.map((w) => (
                        <Alert key={w} variant="warning" isInline isPlain title={w} />
                    ))}

                    <ExpandableSection toggleText={_("Advanced options")}>
                        <AdvancedOptions options={options} set={set} errors={check.errors} live={live} />
                    </ExpandableSection>

                    <PreflightSection
                        live={live}
                        dirtySeconds={dirtySeconds}
                        setDirtySeconds={setDirtySeconds}
                        dirtyPeriodError={dirtyPeriodError}
                        policyFailed={policy.error !== null}
                        checkInput={checkInput}
                        setChecks={setChecks}
                        failedCount={failedChecks.length}
                        override={override}
                        setOverride={setOverride}
                        waiting={gate.waiting}
                        withoutWaiting={withoutWaiting}
                        setWithoutWaiting={setWithoutWaiting}
                    />

                    <CommandRow
                        commands={
                            argv
                                ? [...commandsBeforeStart(effective, sourceUri, domain.uuid, domain.autostart), argv]
                                : null
                        }
                        error={argvError}
                    />
                </Form>
            </ModalBody>
            <MigrateFooter
                canMigrate={canMigrate}
                busy={busy}
                why={gate.why}
                onMigrate={() => void submit()}
                onClose={onClose}
            />
        </Modal>
    );
}
