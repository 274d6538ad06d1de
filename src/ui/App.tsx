import { useMemo, useState } from "react";
import { ErrorBoundary } from "./ErrorBoundary";
import {
    Alert,
    AlertActionLink,
    EmptyState,
    EmptyStateBody,
    ExpandableSection,
    PageSection,
    Stack,
    StackItem,
} from "@patternfly/react-core";
import { localUri } from "../hosts/uri";
import { hostList, type ListedHost } from "../hosts/list";
import { LOCAL_HOST_ID, type KnownHost } from "../hosts/types";
import { explainConnectionError } from "../hosts/errors";
import { isRunError } from "../../pkg/lib/runner";
import {
    useAdmin,
    useDomains,
    useIdentities,
    useIdentity,
    useKnownHosts,
    useLoader,
    useLocationPath,
    type KnownHostsState,
} from "./hooks";
import { displayName } from "../hosts/names";
import { sessionIsOwn } from "../hosts/session";
import { APPLIED_PATH, appliedLabels, readApplied } from "../cpu/store";
import { DomainTable, LoadingState } from "./DomainTable";
import { HostIdentityCard } from "./HostIdentityCard";
import { AppToolbar } from "./AppToolbar";
import { AppDialogs, type OpenTool } from "./AppDialogs";
import { PageFrame } from "./PageFrame";
import { ToolsContext, type CpuPreset } from "./tools";
import { HostKeyTrust } from "./HostKeyTrust";
import { errorText } from "../../pkg/lib/error-text";
import { MigrateDialog, type MigrateRequest } from "./MigrateDialog";
import { ReadinessDialog } from "./ReadinessDialog";
import { Migrations, useHistory } from "./Migrations";
import { startMigration } from "../migration/job";
import { isActive, type Domain } from "../domains/types";
import { useServices } from "./services";
import { _, format, ngettext } from "../../pkg/lib/gettext";
import { HOSTS_CONFIG_PATH } from "../hosts/config";
import { LockIcon } from "@patternfly/react-icons";

const SESSION_ID = "localhost-session";

/**
 * The host list, with this host's user session after its system connection when the session is a connection of
 * its own (sessionIsOwn: for root it is the system connection, the same VMs as This host).
 */
function hostChoices(known: KnownHost[], withSession: boolean): ListedHost[] {
    const [local, ...others] = hostList(known).map((h) => ({ ...h, driver: "system" as const }));
    const session: ListedHost = {
        id: SESSION_ID,
        label: _("This host (user session)"),
        uri: localUri("session"),
        known: null,
        driver: "session",
    };
    return [local!, ...(withSession ? [session] : []), ...others];
}

export function App() {
    const [path, go] = useLocationPath();
    const hosts = useKnownHosts();
    const admin = useAdmin();
    const [open, setOpen] = useState<OpenTool | null>(null);
    const covered = open?.tool === "cpu" || open?.tool === "nfs";
    const tools = useMemo(
        () => ({
            openCpuBaseline: (preset?: CpuPreset) => setOpen(preset ? { tool: "cpu", preset } : { tool: "cpu" }),
            openNfs: () => setOpen({ tool: "nfs" }),
            covered,
        }),
        [covered],
    );
    const { runner } = useServices();
    // who the commands run as changes with administrative access; listed until it is known
    const ownSession = useLoader(`session-own\n${admin}`, () => sessionIsOwn(runner));
    const withSession = ownSession.data !== false;
    const choices = useMemo(() => hostChoices(hosts.data?.hosts ?? [], withSession), [hosts.data, withSession]);
    const hostId = path[0] === "host" && path[1] ? path[1] : LOCAL_HOST_ID;
    const selectedVm = path[2] === "vm" && path[3] ? path[3] : null;
    const host = choices.find((c) => c.id === hostId);

    return (
        <ToolsContext.Provider value={tools}>
            <PageFrame className="cm-page">
                <PageSection className="cm-toolbar-section">
                    <AppToolbar
                        choices={choices}
                        hostId={hostId}
                        host={host}
                        admin={admin}
                        onHost={(id) => go(["host", id])}
                        onTool={(tool) => setOpen({ tool })}
                    />
                </PageSection>
                <PageSection isFilled>
                    <Stack hasGutter>
                        <PageAlerts admin={admin} hosts={hosts} />
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
                <AppDialogs open={open} hosts={hosts} host={host} onClose={() => setOpen(null)} />
            </PageFrame>
        </ToolsContext.Provider>
    );
}

/** What the whole page needs to say first: no administrative access, a hosts file that could not be read. */
function PageAlerts({ admin, hosts }: { admin: boolean | null; hosts: KnownHostsState }) {
    return (
        <>
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
                            ngettext(
                                "$0 entry of $1 is not a valid host",
                                "$0 entries of $1 are not valid hosts",
                                hosts.data.unread.hosts.length,
                            ),
                            hosts.data.unread.hosts.length,
                            HOSTS_CONFIG_PATH,
                        )}
                    >
                        {_("They are not listed, and are kept in the file as they are. Correct them there.")}
                    </Alert>
                </StackItem>
            ) : null}
        </>
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
    const cpuLabels = useMemo(() => appliedLabels(applied.data ?? []), [applied.data]);
    const [migrating, setMigrating] = useState<Domain | null>(null);
    const [checking, setChecking] = useState<Domain | null>(null);
    // the destination a readiness check chose for the Migrate dialog (only for the VM it checked)
    const [migrateTo, setMigrateTo] = useState<{ domain: Domain; hostId: string } | null>(null);
    // one name per machine: a known host that is this machine is "This host" too
    const label = displayName(host, useIdentities([host.uri, localUri("system")]));
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
                coldMove: r.coldMove,
                user: await services.userName(),
                policy: r.policy,
                dirtyMiBs: r.dirtyMiBs,
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
                        onMigrate={(hostId) => {
                            setMigrateTo({ domain: checking, hostId });
                            setMigrating(checking);
                            setChecking(null);
                        }}
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
                        {...(migrateTo?.domain === migrating ? { initialDestination: migrateTo.hostId } : {})}
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
