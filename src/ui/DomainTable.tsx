import { useMemo, useState } from "react";
import {
    Button,
    EmptyState,
    EmptyStateBody,
    Label,
    Spinner,
    Toolbar,
    ToolbarContent,
    ToolbarItem,
} from "@patternfly/react-core";
import { FilterInput } from "./FilterInput";
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from "@patternfly/react-table";
import type { Domain } from "../domains/types";
import { _, format } from "../../pkg/lib/gettext";
import { formatBytes } from "./format";

const STATE_LABEL: Record<Domain["state"], string> = {
    nostate: _("No state"),
    running: _("Running"),
    blocked: _("Blocked"),
    paused: _("Paused"),
    shutdown: _("Shutting down"),
    shutoff: _("Shut off"),
    crashed: _("Crashed"),
    pmsuspended: _("Suspended"),
};

export function stateLabel(state: Domain["state"]): string {
    return STATE_LABEL[state];
}

export function formatMemory(kib: number | null): string {
    return kib === null ? "—" : formatBytes(kib * 1024);
}

type SortKey = "name" | "state" | "memory" | "vcpus";
const PAGE = 200;

export interface DomainTableProps {
    hostLabel: string;
    domains: Domain[];
    selected: string | null;
    onSelect(name: string): void;
    onMigrate?(domain: Domain): void;
    onCheck?(domain: Domain): void;
    /** VM name → the CPU baseline the wizard gave it. */
    cpuLabels?: Map<string, string>;
}

export function DomainTable({
    hostLabel,
    domains,
    selected,
    onSelect,
    onMigrate,
    onCheck,
    cpuLabels,
}: DomainTableProps) {
    const [filter, setFilter] = useState("");
    const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: "name", asc: true });
    const [limit, setLimit] = useState(PAGE);
    const rows = useMemo(() => {
        const f = filter.toLowerCase();
        const value = (d: Domain): string | number =>
            sort.key === "name"
                ? d.name
                : sort.key === "state"
                  ? d.state
                  : sort.key === "memory"
                    ? (d.memoryKiB ?? -1)
                    : (d.vcpus ?? -1);
        return domains
            .filter((d) => d.name.toLowerCase().includes(f))
            .sort((a, b) => {
                const x = value(a),
                    y = value(b);
                const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
                return sort.asc ? c : -c;
            });
    }, [domains, filter, sort]);
    const sortBy = (key: SortKey, index: number): ThProps["sort"] => ({
        sortBy: { index: ["name", "state", "memory", "vcpus"].indexOf(sort.key), direction: sort.asc ? "asc" : "desc" },
        onSort: (_e, _i, direction) => setSort({ key, asc: direction === "asc" }),
        columnIndex: index,
    });

    if (domains.length === 0) {
        return (
            <EmptyState titleText={_("No virtual machines")} headingLevel="h2">
                <EmptyStateBody>
                    {format(_("There are no virtual machines on $0 for this connection."), hostLabel)}
                </EmptyStateBody>
            </EmptyState>
        );
    }
    return (
        <>
            <Toolbar>
                <ToolbarContent>
                    <ToolbarItem>
                        <FilterInput
                            label={_("Filter virtual machines by name")}
                            placeholder={_("Filter by name")}
                            value={filter}
                            onChange={(v) => {
                                setFilter(v);
                                setLimit(PAGE);
                            }}
                        />
                    </ToolbarItem>
                    <ToolbarItem variant="pagination">
                        {format(_("$0 of $1 virtual machines"), Math.min(rows.length, limit), domains.length)}
                    </ToolbarItem>
                </ToolbarContent>
            </Toolbar>
            <Table aria-label={format(_("Virtual machines on $0"), hostLabel)} variant="compact">
                <Thead>
                    <Tr>
                        <Th sort={sortBy("name", 0)}>{_("Name")}</Th>
                        <Th sort={sortBy("state", 1)}>{_("State")}</Th>
                        <Th sort={sortBy("memory", 2)}>{_("Memory")}</Th>
                        <Th sort={sortBy("vcpus", 3)}>{_("vCPUs")}</Th>
                        <Th>{_("Definition")}</Th>
                        <Th>{_("Autostart")}</Th>
                        <Th screenReaderText={_("Actions")} />
                    </Tr>
                </Thead>
                <Tbody>
                    {rows.slice(0, limit).map((d) => (
                        <Tr key={d.name} isRowSelected={d.name === selected} data-domain={d.name}>
                            <Td dataLabel={_("Name")}>
                                <Button variant="link" isInline onClick={() => onSelect(d.name)}>
                                    {d.name}
                                </Button>
                                {cpuLabels?.get(d.name) && (
                                    <>
                                        {" "}
                                        <Label isCompact color="purple" data-cpu-baseline>
                                            {cpuLabels.get(d.name)}
                                        </Label>
                                    </>
                                )}
                            </Td>
                            <Td dataLabel={_("State")}>{stateLabel(d.state)}</Td>
                            <Td dataLabel={_("Memory")}>{formatMemory(d.memoryKiB)}</Td>
                            <Td dataLabel={_("vCPUs")}>{d.vcpus ?? "—"}</Td>
                            <Td dataLabel={_("Definition")}>
                                {d.persistent ? (
                                    <Label isCompact>{_("Persistent")}</Label>
                                ) : (
                                    <Label isCompact color="orange">
                                        {_("Transient")}
                                    </Label>
                                )}
                            </Td>
                            <Td dataLabel={_("Autostart")}>{d.autostart ? _("Yes") : _("No")}</Td>
                            <Td isActionCell className="cm-actions">
                                {onCheck && (
                                    <Button
                                        variant="link"
                                        size="sm"
                                        onClick={() => onCheck(d)}
                                        aria-label={format(_("Check migration readiness of $0"), d.name)}
                                    >
                                        {_("Check")}
                                    </Button>
                                )}{" "}
                                {onMigrate && (
                                    <Button
                                        variant="secondary"
                                        size="sm"
                                        onClick={() => onMigrate(d)}
                                        aria-label={format(_("Migrate $0"), d.name)}
                                    >
                                        {_("Migrate")}
                                    </Button>
                                )}
                            </Td>
                        </Tr>
                    ))}
                </Tbody>
            </Table>
            {rows.length > limit && (
                <Button variant="link" onClick={() => setLimit((l) => l + PAGE)}>
                    {format(_("Show $0 more"), Math.min(PAGE, rows.length - limit))}
                </Button>
            )}
        </>
    );
}

export function LoadingState({ what }: { what: string }) {
    return <EmptyState titleText={what} headingLevel="h2" icon={() => <Spinner size="xl" aria-label={what} />} />;
}
