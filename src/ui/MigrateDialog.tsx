import { Alert, ExpandableSection, Form, Modal, ModalBody, ModalHeader } from "@patternfly/react-core";
import type { Domain, DomainRef } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import type { MigrationOptions } from "../migration/options";
import type { PolicyChoice, Schedule } from "../migration/policies";
import { loadDisks } from "../domains/disks";
import { isColdMove } from "../migration/options";
import { routeBetween } from "../preflight/input";
import { coldMoveCommands, coldMoveJob, readCarried } from "../coldmove/job";
import type { RunTarget } from "../../pkg/lib/runner";
import { commandsBeforeStart } from "../migration/autostart";
import { useLoader } from "./hooks";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { useTools } from "./tools";
import { AdvancedOptions } from "./migrate/AdvancedOptions";
import { ChannelRow } from "./migrate/ChannelRow";
import { CommandRow } from "./migrate/CommandRow";
import { DestinationRow } from "./migrate/DestinationRow";
import { DurationRow } from "./migrate/DurationRow";
import { MigrateFooter } from "./migrate/MigrateFooter";
import { ModeRow } from "./migrate/ModeRow";
import { PreflightSection } from "./migrate/PreflightSection";
import { PolicyRow } from "./migrate/PolicyRow";
import { StorageRow } from "./migrate/StorageRow";
import { useMigrateChecks } from "./migrate/useMigrateChecks";
import { useMigrateForm } from "./migrate/useMigrateForm";
import { _, format } from "../../pkg/lib/gettext";

export interface MigrateRequest {
    domain: DomainRef;
    sourceUri: string;
    destinationUri: string;
    destinationLabel: string;
    destinationHostId: string;
    options: MigrationOptions;
    argv: string[];
    /** The convergence policy the job follows; null: none. */
    policy: { choice: PolicyChoice; schedule: Schedule } | null;
    /** The dirty rate the pre-flight measured, MiB/s. */
    dirtyMiBs?: number | undefined;
    /** A cold move: where each host's own commands run. */
    coldMove?: { source: RunTarget | null; destination: RunTarget | null };
}

interface Props {
    domain: Domain;
    sourceUri: string;
    sourceLabel: string;
    hosts: KnownHost[];
    /**
     * The destination to choose first: a known host's id (`KnownHost.id`), the value the
     * Destination select gives that host. Ignored while that host is not offered (the source's own
     * machine is never); the first one offered is chosen instead.
     */
    initialDestination?: string;
    onClose(): void;
    onMigrate(r: MigrateRequest): Promise<void>;
}

export function MigrateDialog({
    domain,
    sourceUri,
    sourceLabel,
    hosts,
    initialDestination,
    onClose,
    onMigrate,
}: Props) {
    const { runner } = useServices();
    const { covered } = useTools();
    const { busy, failure, run } = useAction();
    const form = useMigrateForm(domain, sourceUri, hosts, initialDestination);
    const checks = useMigrateChecks(domain, sourceUri, hosts, form, busy);
    const disks = useLoader(`${sourceUri}\n${domain.uuid}`, () => loadDisks(runner, sourceUri, domain.uuid));
    const { options, set, effective, dest, argv, live } = form;
    const { canMigrate } = checks.gate;
    const route = dest ? routeBetween(sourceUri, dest, hosts) : null;
    const cold = isColdMove(effective) && route !== null;
    // the files a cold move carries, read on the source: for the commands it will run
    const from = cold ? route.sourceTarget : null;
    const carried = useLoader(from ? `carried\n${sourceUri}\n${domain.uuid}` : "", () =>
        from ? readCarried(runner, sourceUri, domain.uuid, from) : Promise.resolve(null),
    );

    const submit = async () => {
        if (!argv || !dest || !canMigrate) return;
        await run(() =>
            onMigrate({
                domain: { uuid: domain.uuid, name: domain.name },
                sourceUri,
                destinationUri: dest.uri,
                destinationLabel: dest.label,
                destinationHostId: form.listed?.id ?? dest.known?.id ?? dest.label,
                options: effective,
                argv,
                policy: form.policy && form.schedule ? { choice: form.policy, schedule: form.schedule } : null,
                dirtyMiBs: checks.dirtyMiBs,
                ...(cold ? { coldMove: { source: route.sourceTarget, destination: route.destinationTarget } } : {}),
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
                    <DestinationRow form={form} />
                    <DurationRow
                        options={options}
                        set={set}
                        autostart={domain.autostart}
                        error={form.check.errors.disableSourceAutostart}
                        sourceLabel={sourceLabel}
                    />
                    <ModeRow options={options} set={set} live={live} />
                    <StorageRow
                        options={options}
                        set={set}
                        live={live}
                        copyOnly={checks.copyOnly}
                        destLabel={dest?.label}
                        error={form.check.errors.migrateDisks}
                        disks={disks}
                    />

                    <ChannelRow
                        options={options}
                        set={set}
                        live={live}
                        destinationUri={dest?.uri ?? ""}
                        errors={form.check.errors}
                    />

                    {form.check.warnings.map((w) => (
                        <Alert key={w} variant="warning" isInline isPlain title={w} />
                    ))}

                    <ExpandableSection toggleText={_("Advanced options")}>
                        <AdvancedOptions options={options} set={set} errors={form.check.errors} live={live} />
                        {live && <PolicyRow form={form} sourceUri={sourceUri} uuid={domain.uuid} />}
                    </ExpandableSection>

                    <PreflightSection
                        live={live}
                        checks={checks}
                        onTunnel={() => set({ tunnelled: true, p2p: true, tls: false })}
                    />

                    <CommandRow
                        commands={
                            argv && cold
                                ? route.sourceTarget && route.destinationTarget && carried.data
                                    ? coldMoveCommands(
                                          coldMoveJob(
                                              {
                                                  source: route.sourceTarget,
                                                  destination: route.destinationTarget,
                                                  destinationUri: route.destinationUri,
                                              },
                                              domain.uuid,
                                              carried.data.files,
                                              argv,
                                              effective,
                                          ),
                                      )
                                    : null
                                : argv
                                  ? [...commandsBeforeStart(effective, sourceUri, domain.uuid, domain.autostart), argv]
                                  : null
                        }
                        error={form.argvError}
                    />
                </Form>
            </ModalBody>
            <MigrateFooter
                canMigrate={canMigrate}
                busy={busy}
                why={checks.gate.why}
                onMigrate={() => void submit()}
                onClose={onClose}
            />
        </Modal>
    );
}
