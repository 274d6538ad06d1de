import { useCallback, useState } from "react";
import { Alert, ExpandableSection, Label, Stack, StackItem } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { dismissRecord, readHistory, type MigrationRecord } from "../history/records";
import { visibleResults } from "../history/results";
import { useIdentities, useLoader } from "./hooks";
import { displayName, sameHost } from "../hosts/names";
import { localUri } from "../hosts/uri";
import { useServices } from "./services";
import { MigrationProgress, MigrationResult, OUTCOME } from "./MigrationProgress";
import { formatDuration } from "./format";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";
import { ToastGroup } from "./ToastGroup";

export function useHistory() {
    const { files } = useServices();
    return useLoader("history", () => readHistory(files), 2000);
}

/**
 * Records this page saw running (started here, or running when it loaded): their results are this
 * page's own, shown as toasts. One set for the page load, whichever host is viewed.
 */
const followedHere = new Set<string>();

/** Toasts shown at once; the rest are in the history. */
const MAX_TOASTS = 4;

/**
 * Running migrations from this host (reattached after a reload), the results of the ones this page
 * followed (toasts), results that need action (inline until handled), and the history.
 */
export function Migrations({
    uri,
    history,
    onChanged,
    readOnly = false,
}: {
    uri: string;
    history: ReturnType<typeof useHistory>;
    onChanged(): void;
    readOnly?: boolean;
}) {
    const { files, userName } = useServices();
    const [finished, setFinished] = useState<MigrationRecord[]>([]);
    const [dismissedHere, setDismissedHere] = useState<Set<string>>(new Set());
    const [dismissError, setDismissError] = useState<string | null>(null);
    const [historyOpen, setHistoryOpen] = useState(false);
    // results wait for the login: one it dismissed must not flash up meanwhile
    const login = useLoader("user", () => userName());
    const stored = history.data?.records ?? [];
    // a record this page finished is taken as it finished it until the history has been read again
    const records = stored.map((r) => (r.outcome === "running" && finished.find((f) => f.id === r.id)) || r);
    // this host's migrations in and out, however either end was reached (this host is often a known host too)
    const identities = useIdentities([
        uri,
        localUri("system"),
        ...records.flatMap((r) => [r.source.uri, r.destination.uri]),
    ]);
    const here = { uri };
    const name = (e: MigrationRecord["source"]) => displayName({ ...e, id: e.hostId }, identities);
    const mine = records.filter(
        (r) => sameHost(r.source, here, identities) || sameHost(r.destination, here, identities),
    );
    const running = records.filter((r) => r.outcome === "running" && sameHost(r.source, here, identities));
    for (const r of running) followedHere.add(r.id);
    const onFinished = useCallback(
        (r: MigrationRecord) => {
            setFinished((f) => [...f, r]);
            history.reload();
            onChanged();
        },
        [history, onChanged],
    );
    const user = login.data ?? "";
    const { toasts, pinned } = login.loading
        ? { toasts: [], pinned: [] }
        : visibleResults({
              records,
              viewed: here,
              identities,
              followed: followedHere,
              user,
              dismissed: dismissedHere,
          });
    const dismiss = (r: MigrationRecord) => {
        setDismissedHere((d) => new Set(d).add(r.id));
        setDismissError(null);
        dismissRecord(files, r.id, user).catch((e: unknown) => setDismissError(errorText(e)));
    };
    const showInHistory = (id: string) => {
        setHistoryOpen(true);
        setTimeout(() => document.querySelector(`[data-history-record="${id}"]`)?.scrollIntoView({ block: "center" }));
    };

    // an unreadable history is never taken as empty: no migration starts until it is repaired
    const unreadable = history.error !== null && (
        <Alert variant="danger" isInline title={_("The migration history cannot be read")} data-history-error>
            {errorText(history.error)}
        </Alert>
    );
    // the rest of this page's results are in the history, one click away from each toast
    const toastGroup = (
        <ToastGroup
            items={toasts
                .slice(0, MAX_TOASTS)
                .map((r) => [
                    r.id,
                    <MigrationResult
                        record={r}
                        toast
                        onDismiss={() => dismiss(r)}
                        onShowHistory={() => showInHistory(r.id)}
                    />,
                ])}
        />
    );
    if (mine.length === 0 && running.length === 0)
        return (
            <>
                {toastGroup}
                {unreadable || null}
            </>
        );
    return (
        <Stack hasGutter>
            {toastGroup}
            {unreadable && <StackItem>{unreadable}</StackItem>}
            {dismissError && (
                <StackItem>
                    <Alert
                        variant="warning"
                        isInline
                        isPlain
                        title={format(_("The dismissal could not be saved: $0"), dismissError)}
                    />
                </StackItem>
            )}
            {running.map((r) => (
                <StackItem key={r.id}>
                    {readOnly ? (
                        <Alert
                            variant="info"
                            isInline
                            data-migration={r.id}
                            title={format(_("$0 is being migrated to $1"), r.domain, name(r.destination))}
                        >
                            {format(
                                _("Started by $0 at $1. Following or controlling it needs administrative access."),
                                r.user ?? "?",
                                new Date(r.startedAt).toLocaleTimeString(),
                            )}
                        </Alert>
                    ) : (
                        <MigrationProgress record={r} onFinished={onFinished} />
                    )}
                </StackItem>
            ))}
            {pinned.map((r) => (
                <StackItem key={r.id}>
                    <MigrationResult
                        record={r}
                        onDismiss={() => dismiss(r)}
                        onShowHistory={() => showInHistory(r.id)}
                        {...(readOnly ? {} : { onResumed: () => history.reload() })}
                    />
                </StackItem>
            ))}
            {mine.length > 0 && (
                <StackItem>
                    <ExpandableSection
                        toggleText={_("Migration history")}
                        isExpanded={historyOpen}
                        onToggle={(_e, open) => setHistoryOpen(open)}
                    >
                        <Table aria-label={_("Migration history")} variant="compact">
                            <Thead>
                                <Tr>
                                    <Th>{_("Started")}</Th>
                                    <Th>{_("VM")}</Th>
                                    <Th>{_("From")}</Th>
                                    <Th>{_("To")}</Th>
                                    <Th>{_("Outcome")}</Th>
                                    <Th>{_("Duration")}</Th>
                                    <Th>{_("By")}</Th>
                                </Tr>
                            </Thead>
                            <Tbody>
                                {[...mine]
                                    .reverse()
                                    .slice(0, 50)
                                    .map((r) => (
                                        <Tr key={r.id} data-history-record={r.id}>
                                            <Td dataLabel={_("Started")}>{new Date(r.startedAt).toLocaleString()}</Td>
                                            <Td dataLabel={_("VM")}>{r.domain}</Td>
                                            <Td dataLabel={_("From")}>{name(r.source)}</Td>
                                            <Td dataLabel={_("To")}>{name(r.destination)}</Td>
                                            <Td dataLabel={_("Outcome")}>
                                                <Label isCompact color={OUTCOME[r.outcome][1]}>
                                                    {OUTCOME[r.outcome][0]}
                                                </Label>
                                            </Td>
                                            <Td dataLabel={_("Duration")}>
                                                {r.endedAt ? formatDuration(r.endedAt - r.startedAt) : "—"}
                                            </Td>
                                            <Td dataLabel={_("By")}>{r.user ?? "—"}</Td>
                                        </Tr>
                                    ))}
                            </Tbody>
                        </Table>
                    </ExpandableSection>
                </StackItem>
            )}
        </Stack>
    );
}
