import { lazy, Suspense, useMemo, useState } from "react";
import { ErrorBoundary } from "./ErrorBoundary";
import {
    Alert,
    AlertActionLink,
    Button,
    EmptyState,
    EmptyStateBody,
    ExpandableSection,
    FormSelect,
    FormSelectOption,
    PageSection,
    Stack,
    StackItem,
    Title,
    Toolbar,
    ToolbarContent,
    ToolbarGroup,
    ToolbarItem,
} from "@patternfly/react-core";
import { localUri } from "../hosts/uri";
import { hostList, type ListedHost } from "../hosts/list";
import { LOCAL_HOST_ID, type KnownHost } from "../hosts/types";
import { explainConnectionError } from "../hosts/errors";
import { isRunError } from "../../pkg/lib/runner";
import { useAdmin, useDomains, useIdentity, useKnownHosts, useLoader, useLocationPath } from "./hooks";
import { APPLIED_PATH, appliedLabels, readApplied } from "../cpu/store";
import { DomainTable, LoadingState } from "./DomainTable";
import { HostIdentityCard } from "./HostIdentityCard";
import { HostsDialog } from "./HostsDialog";
import { PolicyDialog } from "./PolicyDialog";
import { PageFrame } from "./PageFrame";
import { ToolsContext, type CpuPreset } from "./tools";
import type { MaintenanceMode } from "./plan/MaintenanceDialog";
import { hostRefs } from "../plan/hosts";
import { HostKeyTrust } from "./HostKeyTrust";
import { errorText } from "../../pkg/lib/error-text";
import { MigrateDialog, type MigrateRequest } from "./MigrateDialog";
import { ReadinessDialog } from "./ReadinessDialog";
import { Migrations, useHistory } from "./Migrations";
import { startMigration } from "../migration/job";
import { isActive, type Domain } from "../domains/types";
import { useServices } from "./services";
import { _, format } from "../../pkg/lib/gettext";
import { HOSTS_CONFIG_PATH } from "../hosts/config";
import { LockIcon } from "@patternfly/react-icons";

const SESSION_ID = "localhost-session";
/** The NFS shared-storage flow is loaded only when opened (own chunk). */
const NfsFlow = lazy(() => import("./storage/NfsFlow"));
/** The CPU-baseline wizard, likewise. */
const CpuBaselineWizard = lazy(() => import("./cpu/CpuBaselineWizard"));
/** Host maintenance (evacuate, rebalance), likewise. */
const MaintenanceDialog = lazy(() => import("./plan/MaintenanceDialog"));

/** The host list, with this host's user session after its system connection. */
function hostChoices(known: KnownHost[]): ListedHost[] {
    const [local, ...others] = hostList(known).map((h) => ({ ...h, driver: "system" as const }));
    return [
        local!,
        {
            id: SESSION_ID,
            label: _("This host (user session)"),
            uri: localUri("session"),
            known: null,
            driver: "session",
        },
        ...others,
    ];
}

export function App() {
    const [path, go] = useLocationPath();
    const hosts = useKnownHosts();
    const admin = useAdmin();
    const [hostsOpen, setHostsOpen] = useState(false);
    const [nfsOpen, setNfsOpen] = useState(false);
    const [cpuOpen, setCpuOpen] = useState<CpuPreset | true | false>(false);
    const [maintenance, setMaintenance] = useState<MaintenanceMode | null>(null);
    const covered = cpuOpen !== false || nfsOpen;
    const tools = useMemo(
        () => ({ openCpuBaseline: (p?: CpuPreset) => setCpuOpen(p ?? true), openNfs: () => setNfsOpen(true), covered }),
        [covered],
    );
    const [policyOpen, setPolicyOpen] = useState(false);
    const choices = useMemo(() => hostChoices(hosts.data?.hosts ?? []), [hosts.data]);
    const hostId = path[0] === "host" && path[1] ? path[1] : LOCAL_HOST_ID;
    const selectedVm = path[2] === "vm" && path[3] ? path[3] : null;
    const host = choices.find((c) => c.id === hostId);

    return (
        <ToolsContext.Provider value={tools}>
            <PageFrame className="cm-page">
                <PageSection>
                    <Toolbar>
                        <ToolbarContent>
                            <ToolbarItem>
                                <Title headingLevel="h1">{_("Virtual machine migration")}</Title>
                            </ToolbarItem>
                            <ToolbarGroup align={{ default: "alignEnd" }}>
                                <ToolbarItem>
                                    <FormSelect
                                        aria-label={_("Host")}
                                        value={hostId}
                                        onChange={(_e, v) => go(["host", v])}
                                        style={{ minWidth: "16em" }}
                                    >
                                        {choices.map((c) => (
                                            <FormSelectOption key={c.id} value={c.id} label={c.label} />
                                        ))}
                                        {!host && <FormSelectOption value={hostId} label={hostId} isDisabled />}
                                    </FormSelect>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setHostsOpen(true)}
                                        isDisabled={admin === false}
                                    >
                                        {_("Known hosts")}
                                    </Button>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setNfsOpen(true)}
                                        isDisabled={admin === false}
                                    >
                                        {_("Shared storage (NFS)")}
                                    </Button>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setCpuOpen(true)}
                                        isDisabled={admin === false}
                                    >
                                        {_("CPU baseline")}
                                    </Button>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setMaintenance("evacuate")}
                                        isDisabled={admin === false || !host || host.driver === "session"}
                                    >
                                        {_("Evacuate host")}
                                    </Button>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setMaintenance("rebalance")}
                                        isDisabled={admin === false}
                                    >
                                        {_("Rebalance")}
                                    </Button>
                                </ToolbarItem>
                                <ToolbarItem>
                                    <Button
                                        variant="secondary"
                                        onClick={() => setPolicyOpen(true)}
                                        isDisabled={admin === false}
                                    >
                                        {_("Overcommit policy")}
                                    </Button>
                                </ToolbarItem>
                            </ToolbarGroup>
                        </ToolbarContent>
                    </Toolbar>
                </PageSection>
                <PageSection isFilled>
                    <Stack hasGutter>
                        {admin === false && (
                            <StackItem>
                                <Alert variant="info" isInline title={_("Administrative access required")}>
                                    {_(
                                        "Listing and migrating system virtual machines needs administrative access. Turn it on in the top bar; until then this page is read-only.",
                                    )}
                                </Alert>
                            </StackItem>
                        )}
                        {hosts.error !== null && (
                            <StackItem>
                                <Alert variant="warning" isInline title={_("The known hosts could not be read")}>
                                    {errorText(hosts.error)}
                                </Alert>
                            </StackItem>
                        )}
                        {hosts.data?.unread?.hosts.length ? (
                            <StackItem>
                                <Alert
                                    variant="warning"
                                    isInline
                                    title={format(
                                        _("$0 entries of $1 are not valid hosts"),
                                        hosts.data.unread.hosts.length,
                                        HOSTS_CONFIG_PATH,
                                    )}
                                >
                                    {_(
                                        "They are not listed, and are kept in the file as they are. Correct them there.",
                                    )}
                                </Alert>
                            </StackItem>
                        ) : null}
                        {host ? (
                            <HostView
                                key={host.id}
                                host={host}
                                known={hosts.data?.hosts ?? []}
                                readOnly={admin === false}
                                selectedVm={selectedVm}
                                onSelectVm={(name) => go(["host", host.id, "vm", name])}
                            />
                        ) : hosts.loading ? (
                            <LoadingState what={_("Loading hosts")} />
                        ) : (
                            <Alert
                                variant="warning"
                                isInline
                                title={format(_("Unknown host $0"), hostId)}
                                actionLinks={
                                    <AlertActionLink onClick={() => go(["host", LOCAL_HOST_ID])}>
                                        {_("Show this host")}
                                    </AlertActionLink>
                                }
                            />
                        )}
                    </Stack>
                </PageSection>
                {hostsOpen && (
                    <ErrorBoundary what={_("The known hosts dialog")} onClose={() => setHostsOpen(false)}>
                        <HostsDialog hosts={hosts} onClose={() => setHostsOpen(false)} />
                    </ErrorBoundary>
                )}
                {nfsOpen && (
                    <ErrorBoundary what={_("The shared storage dialog")} onClose={() => setNfsOpen(false)}>
                        <Suspense fallback={null}>
                            <NfsFlow onClose={() => setNfsOpen(false)} />
                        </Suspense>
                    </ErrorBoundary>
                )}
                {maintenance && host && (
                    <ErrorBoundary what={_("The maintenance dialog")} onClose={() => setMaintenance(null)}>
                        <Suspense fallback={null}>
                            <MaintenanceDialog
                                mode={maintenance}
                                hostId={host.id}
                                onClose={() => setMaintenance(null)}
                                refs={hostRefs(hosts.data?.hosts ?? [])}
                            />
                        </Suspense>
                    </ErrorBoundary>
                )}
                {cpuOpen !== false && (
                    <ErrorBoundary what={_("The CPU baseline wizard")} onClose={() => setCpuOpen(false)}>
                        <Suspense fallback={null}>
                            <CpuBaselineWizard
                                onClose={() => setCpuOpen(false)}
                                {...(cpuOpen !== true ? { preset: cpuOpen } : {})}
                            />
                        </Suspense>
                    </ErrorBoundary>
                )}
                {policyOpen && (
                    <ErrorBoundary what={_("The overcommit policy dialog")} onClose={() => setPolicyOpen(false)}>
                        <PolicyDialog onClose={() => setPolicyOpen(false)} />
                    </ErrorBoundary>
                )}
            </PageFrame>
        </ToolsContext.Provider>
    );
}

type HostViewProps = {
    host: ListedHost;
    known: KnownHost[];
    readOnly: boolean;
    selectedVm: string | null;
    onSelectVm(name: string): void;
};

/** Without administrative access, the system connection and other hosts are not queried at all. */
function HostView(props: HostViewProps) {
    return props.readOnly && props.host.driver !== "session" ? (
        <ReadOnlyHostView host={props.host} />
    ) : (
        <FullHostView {...props} />
    );
}

function ReadOnlyHostView({ host }: { host: ListedHost }) {
    const history = useHistory();
    return (
        <>
            <StackItem>
                <Migrations uri={host.uri} history={history} onChanged={() => undefined} readOnly />
            </StackItem>
            <StackItem isFilled>
                <EmptyState
                    titleText={_("Administrative access required")}
                    headingLevel="h2"
                    icon={LockIcon}
                    data-state="admin-required"
                >
                    <EmptyStateBody>
                        {format(
                            _(
                                'The virtual machines of $0 are listed and migrated with administrative access. Turn it on in the top bar ("Limited access").',
                            ),
                            host.known?.address ?? _("this host"),
                        )}
                    </EmptyStateBody>
                </EmptyState>
            </StackItem>
        </>
    );
}

function FullHostView({ host, known, readOnly, selectedVm, onSelectVm }: HostViewProps) {
    const services = useServices();
    const domains = useDomains(host.uri);
    const [generation, setGeneration] = useState(0);
    const identity = useIdentity(host.uri, generation);
    const retry = () => {
        domains.reload();
        setGeneration((g) => g + 1);
    };
    const history = useHistory();
    const applied = useLoader(APPLIED_PATH, () => readApplied(services.files), 5000);
    const cpuLabels = useMemo(() => appliedLabels(applied.data ?? [], host.uri), [applied.data, host.uri]);
    const [migrating, setMigrating] = useState<Domain | null>(null);
    const [checking, setChecking] = useState<Domain | null>(null);
    const label = host.known ? host.known.address : _("this host");
    const onMigrate = async (r: MigrateRequest) => {
        await startMigration(
            { runner: services.runner, files: services.files },
            {
                domain: r.domain,
                argv: r.argv,
                options: r.options,
                wasRunning: migrating ? isActive(migrating.state) : true,
                wasPersistent: migrating?.persistent ?? true,
                wasAutostart: migrating?.autostart ?? false,
                source: {
                    hostId: host.id,
                    label: host.known?.address ?? identity.hostname ?? _("this host"),
                    uri: host.uri,
                },
                destination: { hostId: r.destinationHostId, label: r.destinationLabel, uri: r.destinationUri },
                user: await services.userName(),
            },
        );
        setMigrating(null);
        history.reload();
    };
    return (
        <>
            <StackItem>
                <HostIdentityCard uri={host.uri} identity={identity} />
            </StackItem>
            <StackItem>
                <Migrations uri={host.uri} history={history} onChanged={domains.reload} />
            </StackItem>
            <StackItem isFilled>
                {domains.data ? (
                    <>
                        {domains.error !== null && (
                            <ConnectionAlert host={host} error={domains.error} onRetry={retry} stale />
                        )}
                        <DomainTable
                            hostLabel={label}
                            domains={domains.data}
                            uri={host.uri}
                            selected={selectedVm}
                            onSelect={onSelectVm}
                            cpuLabels={cpuLabels}
                            onMigrate={readOnly ? undefined : setMigrating}
                            onCheck={readOnly ? undefined : setChecking}
                        />
                    </>
                ) : domains.error !== null ? (
                    <ConnectionAlert host={host} error={domains.error} onRetry={retry} />
                ) : (
                    <LoadingState what={_("Loading virtual machines")} />
                )}
            </StackItem>
            {checking && (
                <ErrorBoundary what={_("The readiness dialog")} onClose={() => setChecking(null)}>
                    <ReadinessDialog
                        domain={checking}
                        sourceUri={host.uri}
                        hosts={known}
                        onClose={() => setChecking(null)}
                    />
                </ErrorBoundary>
            )}
            {migrating && (
                <ErrorBoundary what={_("The Migrate dialog")} onClose={() => setMigrating(null)}>
                    <MigrateDialog
                        domain={migrating}
                        sourceUri={host.uri}
                        sourceLabel={label}
                        hosts={known}
                        onClose={() => setMigrating(null)}
                        onMigrate={onMigrate}
                    />
                </ErrorBoundary>
            )}
        </>
    );
}

function ConnectionAlert({
    host,
    error,
    onRetry,
    stale,
}: {
    host: ListedHost;
    error: unknown;
    onRetry(): void;
    stale?: boolean;
}) {
    const message = errorText(error, { stderr: true });
    const name = host.known?.address ?? _("this host");
    const e = explainConnectionError(name, message, isRunError(error) ? error.cause : undefined);
    return (
        <Alert
            variant={stale ? "warning" : "danger"}
            isInline
            title={stale ? format(_("$0 (showing the last list)"), e.title) : e.title}
            actionLinks={<AlertActionLink onClick={onRetry}>{_("Try again")}</AlertActionLink>}
            data-problem={e.problem}
        >
            <p>{e.fix}</p>
            {e.problem === "host-key-unknown" && host.known && (
                <HostKeyTrust address={host.known.address} port={host.known.sshPort} onTrusted={onRetry} />
            )}
            <ExpandableSection toggleText={_("Message from libvirt")}>
                <pre className="cm-command">{message}</pre>
            </ExpandableSection>
        </Alert>
    );
}
