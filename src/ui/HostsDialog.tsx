import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
    Alert,
    Button,
    Divider,
    DropdownItem,
    EmptyState,
    EmptyStateBody,
    HelperText,
    HelperTextItem,
    Label,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Spinner,
} from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { removeHost, upsertHost } from "../hosts/config";
import { probeHost, type HostProbe } from "../hosts/probe";
import { hostUri } from "../hosts/uri";
import type { KnownHost } from "../hosts/types";
import type { ConnectionError } from "../hosts/errors";
import type { KnownHostsState } from "./hooks";
import { HostForm } from "./HostForm";
import { Kebab } from "./Kebab";
import { useServices } from "./services";
import { _, format } from "../../pkg/lib/gettext";
import { useAction } from "./useAction";
import { AccessSetup } from "./AccessSetup";
import { HostKeyTrust } from "./HostKeyTrust";
import { TrustMatrix } from "./TrustMatrix";

/**
 * One modal at a time: the list, a host's form (its own title), the question before a removal, setting up access
 * to a host, or the trust between hosts.
 */
type View =
    { kind: "list" } | { kind: "add" } | { kind: "trust" } | { kind: "edit" | "remove" | "access"; host: KnownHost };
type Status = HostProbe | "testing";

export function HostsDialog({ hosts, onClose }: { hosts: KnownHostsState; onClose(): void }) {
    const { runner } = useServices();
    const [view, setView] = useState<View>({ kind: "list" });
    const { failure: error, attempt } = useAction();
    const list = useMemo(() => hosts.data?.hosts ?? [], [hosts.data]);
    const [status, setStatus] = useState<ReadonlyMap<string, Status>>(new Map());
    // a test started for a host's old settings must not overwrite one for its new settings
    const generation = useRef(new Map<string, number>());

    const test = useCallback(
        (h: KnownHost) => {
            const n = (generation.current.get(h.id) ?? 0) + 1;
            generation.current.set(h.id, n);
            const set = (s: Status) => {
                if (generation.current.get(h.id) === n) setStatus((m) => new Map(m).set(h.id, s));
            };
            set("testing");
            void probeHost(runner, h).then(set);
        },
        [runner],
    );
    // every host is tested once when the list shows it (again when its settings change)
    const tested = useRef(new Map<string, string>());
    useEffect(() => {
        for (const h of list) {
            const key = hostUri(h);
            if (tested.current.get(h.id) === key) continue;
            tested.current.set(h.id, key);
            test(h);
        }
    }, [list, test]);

    const act = (change: Parameters<KnownHostsState["update"]>[0]) =>
        attempt(async () => {
            await hosts.update(change);
            setView({ kind: "list" });
        });
    const back = () => setView({ kind: "list" });
    const saveError = error && (
        <Alert variant="danger" isInline title={_("The host list was not saved")}>
            {error}
        </Alert>
    );

    if (view.kind === "add" || view.kind === "edit") {
        const title = view.kind === "add" ? _("Add host") : format(_("Edit host $0"), view.host.address);
        return (
            <Modal isOpen onClose={back} variant="medium" aria-labelledby="host-form-title">
                <ModalHeader title={title} labelId="host-form-title" />
                <ModalBody>
                    {saveError}
                    <HostForm
                        {...(view.kind === "edit" ? { initial: view.host } : {})}
                        onCancel={back}
                        onSave={(h) => act((c) => upsertHost(c, h, view.kind === "edit" ? view.host.id : undefined))}
                    />
                </ModalBody>
            </Modal>
        );
    }
    if (view.kind === "access" || view.kind === "trust") {
        const title =
            view.kind === "trust" ? _("Trust between hosts") : format(_("Set up access to $0"), view.host.address);
        return (
            <Modal isOpen onClose={back} variant="medium" aria-labelledby="host-trust-title">
                <ModalHeader title={title} labelId="host-trust-title" />
                <ModalBody>
                    {view.kind === "trust" ? (
                        <TrustMatrix hosts={list} />
                    ) : (
                        <AccessSetup
                            host={view.host}
                            onDone={() => {
                                back();
                                test(view.host);
                            }}
                        />
                    )}
                </ModalBody>
                <ModalFooter>
                    <Button variant="link" onClick={back}>
                        {_("Back")}
                    </Button>
                </ModalFooter>
            </Modal>
        );
    }
    if (view.kind === "remove") {
        const h = view.host;
        return (
            <Modal isOpen onClose={back} variant="small" aria-labelledby="host-remove-title">
                <ModalHeader
                    title={format(_("Remove $0?"), h.address)}
                    labelId="host-remove-title"
                    titleIconVariant="warning"
                />
                <ModalBody>
                    {saveError}
                    {format(
                        _(
                            "$0 is no longer offered as a source or destination. Nothing on it changes: its virtual machines and libvirt stay as they are, and you can add it again.",
                        ),
                        h.address,
                    )}
                </ModalBody>
                <ModalFooter>
                    <Button variant="danger" onClick={() => void act((c) => removeHost(c, h.id))}>
                        {_("Remove")}
                    </Button>
                    <Button variant="link" onClick={back}>
                        {_("Cancel")}
                    </Button>
                </ModalFooter>
            </Modal>
        );
    }

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
                {saveError}
                {list.length === 0 ? (
                    <EmptyState titleText={_("No other hosts yet")} headingLevel="h3">
                        <EmptyStateBody>{_("Add the hosts you want to migrate virtual machines to.")}</EmptyStateBody>
                    </EmptyState>
                ) : (
                    <Table aria-label={_("Known hosts")} variant="compact">
                        <Thead>
                            <Tr>
                                <Th>{_("Address")}</Th>
                                <Th>{_("Connection URI")}</Th>
                                <Th>{_("Status")}</Th>
                                <Th screenReaderText={_("Actions")} />
                            </Tr>
                        </Thead>
                        <Tbody>
                            {list.map((h) => (
                                <Tr key={h.id} data-host={h.address}>
                                    <Td dataLabel={_("Address")}>{h.address}</Td>
                                    <Td dataLabel={_("Connection URI")}>{hostUri(h)}</Td>
                                    <Td dataLabel={_("Status")}>
                                        <HostStatus
                                            status={status.get(h.id)}
                                            host={h}
                                            onRetest={() => test(h)}
                                            onSetUp={() => setView({ kind: "access", host: h })}
                                        />
                                    </Td>
                                    <Td isActionCell>
                                        <HostActions
                                            host={h}
                                            onEdit={() => setView({ kind: "edit", host: h })}
                                            onTest={() => test(h)}
                                            onRemove={() => setView({ kind: "remove", host: h })}
                                        />
                                    </Td>
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>
                )}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" onClick={() => setView({ kind: "add" })}>
                    {_("Add host")}
                </Button>
                {list.length > 0 && (
                    <Button variant="secondary" onClick={() => setView({ kind: "trust" })}>
                        {_("Trust between hosts")}
                    </Button>
                )}
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}

function HostActions({
    host,
    onEdit,
    onTest,
    onRemove,
}: {
    host: KnownHost;
    onEdit(): void;
    onTest(): void;
    onRemove(): void;
}) {
    return (
        <Kebab label={format(_("Actions for $0"), host.address)}>
            <DropdownItem onClick={onEdit}>{_("Edit")}</DropdownItem>
            <DropdownItem onClick={onTest}>{_("Test connection")}</DropdownItem>
            <Divider component="li" />
            <DropdownItem onClick={onRemove} isDanger>
                {_("Remove")}
            </DropdownItem>
        </Kebab>
    );
}

function Problem({ error }: { error: ConnectionError }) {
    return (
        <>
            <Label color="red" icon={<ExclamationCircleIcon />} data-problem={error.problem}>
                {error.title}
            </Label>
            <HelperText>
                <HelperTextItem>{error.fix}</HelperTextItem>
            </HelperText>
        </>
    );
}

function HostStatus({
    status,
    host,
    onRetest,
    onSetUp,
}: {
    status: Status | undefined;
    host: KnownHost;
    onRetest(): void;
    onSetUp(): void;
}) {
    if (status === undefined || status === "testing")
        return (
            <span data-status="testing">
                <Spinner size="md" aria-label={_("Testing the connection")} /> {_("Testing…")}
            </span>
        );
    const ok = status.ssh.ok !== false && status.libvirt.ok === true;
    return (
        <div data-status={ok ? "ok" : "error"}>
            <>
                {status.libvirt.ok === true && (
                    <Label color="green" icon={<CheckCircleIcon />}>
                        {status.libvirt.value.hostname
                            ? format(_("Reachable ($0)"), status.libvirt.value.hostname)
                            : _("Reachable")}
                    </Label>
                )}
                {status.ssh.ok === true && (
                    <Label color="green" icon={<CheckCircleIcon />}>
                        {_("SSH access OK")}
                    </Label>
                )}
            </>
            {status.ssh.ok === false && <Problem error={status.ssh.error} />}
            {status.ssh.ok === false && status.ssh.error.problem === "host-key-unknown" && (
                <HostKeyTrust address={host.address} port={host.sshPort} onTrusted={onRetest} />
            )}
            {status.ssh.ok === false && status.ssh.error.problem === "ssh-auth" && (
                <Button variant="secondary" size="sm" onClick={onSetUp}>
                    {_("Set up access")}
                </Button>
            )}
            {status.libvirt.ok === false && <Problem error={status.libvirt.error} />}
        </div>
    );
}
