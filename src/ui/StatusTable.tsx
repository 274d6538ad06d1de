/** A compact table, one row per item and its status (host CPUs, validations, VMs to apply to): header and body. */
import type { ReactNode } from "react";
import { Table, Tbody, Th, Thead, Tr } from "@patternfly/react-table";

/** A column: its title, or a control (a select-all checkbox) with the name it is read by. */
export type Column = string | { label: string; content: ReactNode };

export function StatusTable({
    label,
    columns,
    sticky,
    children,
}: {
    label: string;
    columns: Column[];
    sticky?: boolean;
    children: ReactNode;
}) {
    return (
        <Table aria-label={label} variant="compact" isStickyHeader={!!sticky}>
            <Thead>
                <Tr>
                    {columns.map((c, i) =>
                        typeof c === "string" ? (
                            <Th key={i}>{c}</Th>
                        ) : (
                            <Th key={i} aria-label={c.label}>
                                {c.content}
                            </Th>
                        ),
                    )}
                </Tr>
            </Thead>
            <Tbody>{children}</Tbody>
        </Table>
    );
}
