import { useState } from "react";
import { Alert, Button, EmptyState, EmptyStateBody, Modal, ModalBody, ModalHeader } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { removeHost, upsertHost } from "../hosts/config";
import { hostUri } from "../hosts/uri";
import type { KnownHost } from "../hosts/types";
import type { KnownHostsState } from "./hooks";
import { HostForm } from "./HostForm";
import { _, format } from "../../pkg/lib/gettext";
import { errorText } from "../../pkg/lib/error-text";

export function HostsDialog({ hosts, onClose }: { hosts: KnownHostsState; onClose(): void }) {
    const [editing, setEditing] = useState<KnownHost | "new" | null>(null);
    const [error, setError] = useState<string | null>(null);
    const list = hosts.data?.hosts ?? [];

    const act = async (change: Parameters<KnownHostsState["update"]>[0]) => {
        setError(null);
        try {
            await hosts.update(change);
            setEditing(null);
        } catch (e) {
            setError(errorText(e));
        }
    };

    return (
        <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="hosts-dialog-title">
            <ModalHeader
                title={_("Known hosts")}
                labelId="hosts-dialog-title"
                description={_(
                    "Hosts you migrate to and from. Stored in /etc/cockpit-migrate/hosts.json, without secrets.",
                )}
            />
            <ModalBody>
                {error && (
                    <Alert variant="danger" isInline title={_("The host list was not saved")}>
                        {error}
                    </Alert>
                )}
                {editing !== null ? (
                    <HostForm
                        initial={editing === "new" ? undefined : editing}
                        onCancel={() => setEditing(null)}
                        onSave={(h) => act((c) => upsertHost(c, h, editing === "new" ? undefined : editing.id))}
                    />
                ) : (
                    <>
                        {list.length === 0 ? (
                            <EmptyState titleText={_("No other hosts yet")} headingLevel="h3">
                                <EmptyStateBody>
                                    {_("Add the hosts you want to migrate virtual machines to.")}
                                </EmptyStateBody>
                            </EmptyState>
                        ) : (
                            <Table aria-label={_("Known hosts")} variant="compact">
                                <Thead>
                                    <Tr>
                                        <Th>{_("Address")}</Th>
                                        <Th>{_("Connection URI")}</Th>
                                        <Th screenReaderText={_("Actions")} />
                                    </Tr>
                                </Thead>
                                <Tbody>
                                    {list.map((h) => (
                                        <Tr key={h.id}>
                                            <Td dataLabel={_("Address")}>{h.address}</Td>
                                            <Td dataLabel={_("Connection URI")}>{hostUri(h)}</Td>
                                            <Td isActionCell>
                                                <Button
                                                    variant="secondary"
                                                    size="sm"
                                                    onClick={() => setEditing(h)}
                                                    aria-label={format(_("Edit $0"), h.address)}
                                                >
                                                    {_("Edit")}
                                                </Button>{" "}
                                                <Button
                                                    variant="danger"
                                                    size="sm"
                                                    onClick={() => void act((c) => removeHost(c, h.id))}
                                                    aria-label={format(_("Remove $0"), h.address)}
                                                >
                                                    {_("Remove")}
                                                </Button>
                                            </Td>
                                        </Tr>
                                    ))}
                                </Tbody>
                            </Table>
                        )}
                        <Button variant="primary" onClick={() => setEditing("new")} style={{ marginTop: "1rem" }}>
                            {_("Add host")}
                        </Button>
                    </>
                )}
            </ModalBody>
        </Modal>
    );
}
