import { useCallback, useState } from "react";
import { Alert, ExpandableSection, Label, Stack, StackItem } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { readHistory, type MigrationRecord } from "../history/records";
import { useIdentities, useLoader } from "./hooks";
import { displayName, sameHost } from "../hosts/names";
import { localUri } from "../hosts/uri";
import { useServices } from "./services";
import { MigrationProgress, MigrationResult } from "./MigrationProgress";
import { formatDuration } from "./format";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";

const OUTCOME: Record<MigrationRecord["outcome"], [string, "blue" | "green" | "red" | "grey" | "orange"]> = {
    running: [_("Running"), "blue"],
    completed: [_("Completed"), "green"],
    failed: [_("Failed"), "red"],
    cancelled: [_("Cancelled"), "grey"],
    lost: [_("Lost"), "orange"],
};

export function useHistory() {
    const { files } = useServices();
    return useLoader("history", () => readHistory(files), 2000);
}

/** Running migrations from this host (reattached after a reload), results, and the history. */
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
    const [finished, setFinished] = useState<MigrationRecord[]>([]);
    const [dismissed, setDismissed] = useState<Set<string>>(new Set());
    const records = history.data?.records ?? [];
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
    const running = records.filter(
        (r) => r.outcome === "running" && r.source.uri === uri && !finished.some((f) => f.id === r.id),
    );
    const onFinished = useCallback(
        (r: MigrationRecord) => {
            setFinished((f) => [...f, r]);
            history.reload();
            onChanged();
        },
        [history, onChanged],
    );
    const runningDomains = new Set(records.filter((r) => r.outcome === "running").map((r) => r.domain));
    const seen = new Set<string>();
    const results = [...finished, ...records.filter((r) => !finished.some((f) => f.id === r.id))]
        .filter(
            (r) => r.outcome !== "running" && r.source.uri === uri && r.endedAt && Date.now() - r.endedAt < 10 * 60_000,
        )
        .sort((x, y) => (y.endedAt ?? 0) - (x.endedAt ?? 0))
        .filter((r) => !seen.has(r.domain) && (seen.add(r.domain), true))
        .filter((r) => !dismissed.has(r.id) && !runningDomains.has(r.domain))
        .slice(0, 5);

    // an unreadable history is never taken as empty: no migration starts until it is repaired
    const unreadable = history.error !== null && (
        <Alert variant="danger" isInline title={_("The migration history cannot be read")} data-history-error>
            {errorText(history.error)}
        </Alert>
    );
    if (mine.length === 0 && running.length === 0) return unreadable || null;
    return (
        <Stack hasGutter>
            {unreadable && <StackItem>{unreadable}</StackItem>}
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
            {results.map((r) => (
                <StackItem key={r.id}>
                    <MigrationResult
                        record={r}
                        onDismiss={() => setDismissed((d) => new Set(d).add(r.id))}
                        {...(readOnly ? {} : { onResumed: () => history.reload() })}
                    />
                </StackItem>
            ))}
            {mine.length > 0 && (
                <StackItem>
                    <ExpandableSection toggleText={_("Migration history")}>
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
                                        <Tr key={r.id}>
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
