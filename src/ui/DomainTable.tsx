import { useEffect, useMemo, useRef, useState } from "react";
import {
    Button,
    DropdownItem,
    EmptyState,
    EmptyStateActions,
    EmptyStateBody,
    EmptyStateFooter,
    Flex,
    Label,
    Spinner,
    Toolbar,
    ToolbarContent,
    ToolbarItem,
} from "@patternfly/react-core";
import { AngleDownIcon, AngleRightIcon, SearchIcon } from "@patternfly/react-icons";
import { FilterInput } from "./FilterInput";
import { Kebab } from "./Kebab";
import { DomainDetail } from "./DomainDetail";
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr, type ThProps } from "@patternfly/react-table";
import type { Domain } from "../domains/types";
import { stateLabel } from "../domains/state-label";
import { _, format } from "../../pkg/lib/gettext";
import { formatBytes } from "./format";

export function formatMemory(kib: number | null): string {
    return kib === null ? "—" : formatBytes(kib * 1024);
}

type SortKey = "name" | "state" | "memory" | "vcpus";
const PAGE = 200;

const COLUMNS = 7;

export interface DomainTableProps {
    hostLabel: string;
    /** The host's connection URI: the detail row reads the VM's definition through it. */
    uri: string;
    domains: Domain[];
    /** The VM of the deep link (#/host/ID/vm/NAME): its row is open and scrolled into view. */
    selected: string | null;
    /** A row was opened: the page's location becomes its deep link. */
    onSelect(name: string): void;
    onMigrate?(domain: Domain): void;
    onCheck?(domain: Domain): void;
    /** VM name → the CPU baseline the wizard gave it. */
    cpuLabels?: Map<string, string>;
}

/** The row's kebab: what is done to one VM besides migrating it. */
function RowActions({
    domain,
    onCheck,
    onMigrate,
}: {
    domain: Domain;
    onCheck?(d: Domain): void;
    onMigrate?(d: Domain): void;
}) {
    if (!onCheck && !onMigrate) return null;
    return (
        <Kebab label={format(_("Actions for $0"), domain.name)}>
            {onCheck && (
                <DropdownItem
                    onClick={() => onCheck(domain)}
                    description={_("Run the pre-flight checks against every known host")}
                >
                    {_("Check migration readiness")}
                </DropdownItem>
            )}
            {onMigrate && (
                // the command needs a destination and the options (storage, live/offline): the Migrate dialog
                // chooses them and shows the exact `virsh migrate` it runs, with Copy
                <DropdownItem
                    onClick={() => onMigrate(domain)}
                    description={_("Choose the destination and options; the dialog shows the command to copy")}
                >
                    {_("Copy migrate command…")}
                </DropdownItem>
            )}
        </Kebab>
    );
}

export function DomainTable({
    hostLabel,
    uri,
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
    const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set(selected ? [selected] : []));
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
    // a deep link opens its row, shows it (past the first page too) and scrolls to it, once per link
    const scrolled = useRef<string | null>(null);
    const selectedIndex = selected === null ? -1 : rows.findIndex((d) => d.name === selected);
    useEffect(() => {
        if (selected === null || selectedIndex < 0 || scrolled.current === selected) return;
        if (selectedIndex >= limit) {
            setLimit(Math.ceil((selectedIndex + 1) / PAGE) * PAGE);
            return;
        }
        scrolled.current = selected;
        setOpen((o) => (o.has(selected) ? o : new Set([...o, selected])));
        const row = [...document.querySelectorAll<HTMLElement>("tr[data-domain]")].find(
            (r) => r.dataset["domain"] === selected,
        );
        row?.scrollIntoView({ block: "center" });
    }, [selected, selectedIndex, limit]);
    const toggle = (name: string) => {
        const opening = !open.has(name);
        setOpen((o) => {
            const n = new Set(o);
            if (opening) n.add(name);
            else n.delete(name);
            return n;
        });
        if (opening) {
            scrolled.current = name; // opened here: already in view
            onSelect(name);
        }
    };
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
            {rows.length === 0 ? (
                <EmptyState
                    titleText={_("No matching virtual machines")}
                    headingLevel="h2"
                    icon={SearchIcon}
                    data-state="no-match"
                >
                    <EmptyStateBody>
                        {format(_('No virtual machine on $0 has "$1" in its name.'), hostLabel, filter)}
                    </EmptyStateBody>
                    <EmptyStateFooter>
                        <EmptyStateActions>
                            <Button variant="link" onClick={() => setFilter("")}>
                                {_("Clear filter")}
                            </Button>
                        </EmptyStateActions>
                    </EmptyStateFooter>
                </EmptyState>
            ) : (
                // seven columns and a one-line Migrate + kebab need about 800 px: below PatternFly's lg breakpoint
                // each VM is a stacked grid row instead, so the page never scrolls sideways
                <Table
                    aria-label={format(_("Virtual machines on $0"), hostLabel)}
                    variant="compact"
                    gridBreakPoint="grid-lg"
                >
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
                    {rows.slice(0, limit).map((d) => {
                        const expanded = open.has(d.name);
                        return (
                            <Tbody key={d.uuid} isExpanded={expanded}>
                                <Tr isRowSelected={d.name === selected} data-domain={d.name}>
                                    <Td dataLabel={_("Name")}>
                                        <Button
                                            variant="plain"
                                            hasNoPadding
                                            className="cm-vm-toggle"
                                            aria-expanded={expanded}
                                            icon={expanded ? <AngleDownIcon /> : <AngleRightIcon />}
                                            onClick={() => toggle(d.name)}
                                        >
                                            {d.name}
                                        </Button>
                                        {cpuLabels?.get(d.uuid) && (
                                            <>
                                                {" "}
                                                <Label isCompact color="purple" data-cpu-baseline>
                                                    {cpuLabels.get(d.uuid)}
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
                                        <Flex
                                            flexWrap={{ default: "nowrap" }}
                                            alignItems={{ default: "alignItemsCenter" }}
                                            justifyContent={{ default: "justifyContentFlexEnd" }}
                                            spaceItems={{ default: "spaceItemsSm" }}
                                        >
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
                                            <RowActions
                                                domain={d}
                                                {...(onCheck ? { onCheck } : {})}
                                                {...(onMigrate ? { onMigrate } : {})}
                                            />
                                        </Flex>
                                    </Td>
                                </Tr>
                                {expanded && (
                                    <Tr isExpanded data-detail-of={d.name}>
                                        <Td colSpan={COLUMNS}>
                                            <ExpandableRowContent>
                                                <DomainDetail uri={uri} domain={d} />
                                            </ExpandableRowContent>
                                        </Td>
                                    </Tr>
                                )}
                            </Tbody>
                        );
                    })}
                </Table>
            )}
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
