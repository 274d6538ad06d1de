/**
 * Host maintenance: "Evacuate host" (every VM of a host to the others) and "Rebalance" (moves that
 * even out committed memory), planned under constraints and the overcommit policy, editable, run
 * as many migrations with a per-source limit, reported VM by VM. Loaded only when opened.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import {
    Alert,
    Button,
    Checkbox,
    Flex,
    FlexItem,
    FormGroup,
    FormSelect,
    FormSelectOption,
    Label,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Progress,
    Stack,
    StackItem,
    TextInput,
    Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { gather, type Gathered, type HostRef } from "../../plan/gather";
import { planEvacuation, planRebalance, type Move, type Plan } from "../../plan/placement";
import { planScript, runPlan, type MoveStatus, type RunControl } from "../../plan/run";
import { DEFAULT_POLICY } from "../../preflight/policy";
import { usePolicy } from "../hooks";
import { useServices } from "../services";
import { errorText } from "../../../pkg/lib/error-text";
import { formatBytes } from "../format";
import { _, format } from "../../../pkg/lib/gettext";

export type MaintenanceMode = "evacuate" | "rebalance";

const STATE_COLOR: Record<MoveStatus["state"], "grey" | "blue" | "green" | "red" | "orange"> = {
    waiting: "grey",
    running: "blue",
    completed: "green",
    failed: "red",
    cancelled: "orange",
    skipped: "grey",
};

export default function MaintenanceDialog({
    mode,
    hostId,
    refs,
    onClose,
}: {
    mode: MaintenanceMode;
    hostId: string;
    refs: HostRef[];
    onClose(): void;
}) {
    const services = useServices();
    const policy = usePolicy();
    const [includeShutOff, setIncludeShutOff] = useState(false);
    const [copyStorage, setCopyStorage] = useState(false);
    const [data, setData] = useState<Gathered | null>(null);
    const [progress, setProgress] = useState<[number, number]>([0, 0]);
    const [failure, setFailure] = useState<string | null>(null);
    const [moves, setMoves] = useState<(Move & { excluded?: boolean })[]>([]);
    const [perSource, setPerSource] = useState("1");
    const [stopOnFailure, setStopOnFailure] = useState(true);
    const [statuses, setStatuses] = useState<MoveStatus[] | null>(null);
    const [running, setRunning] = useState(false);
    const control = useRef<RunControl>({ paused: false, cancelled: false });
    const [paused, setPaused] = useState(false);
    const source = refs.find((r) => r.id === hostId);
    const pol = policy.data ?? DEFAULT_POLICY;

    useEffect(() => {
        if (policy.loading && !policy.data && !policy.error) return;
        let alive = true;
        setData(null);
        setFailure(null);
        const sources = mode === "evacuate" ? [hostId] : refs.map((r) => r.id);
        gather(services.runner, refs, sources, pol, {
            copyStorage,
            includeShutOff,
            onProgress: (d, t) => {
                if (alive) setProgress([d, t]);
            },
        }).then(
            (g) => {
                if (alive) setData(g);
            },
            (e) => {
                if (alive) setFailure(errorText(e));
            },
        );
        return () => {
            alive = false;
        };
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [mode, hostId, includeShutOff, copyStorage, policy.data, policy.loading]);

    const plan: Plan | null = useMemo(
        () =>
            !data
                ? null
                : mode === "evacuate"
                  ? planEvacuation(hostId, data.hosts, data.vms, pol, includeShutOff)
                  : planRebalance(data.hosts, data.vms, pol),
        [data, mode, hostId, pol, includeShutOff],
    );
    useEffect(() => {
        setMoves(plan?.moves ?? []);
        setStatuses(null);
    }, [plan]);
    const chosen = moves.filter((m) => !m.excluded);
    const label = (id: string) => refs.find((r) => r.id === id)?.label ?? id;

    const run = async () => {
        if (!data) return;
        control.current = { paused: false, cancelled: false };
        setPaused(false);
        setRunning(true);
        try {
            await runPlan(
                { runner: services.runner, files: services.files },
                refs,
                data.domains,
                chosen,
                {
                    perSource: Math.max(1, Number(perSource) || 1),
                    stopOnFailure,
                    copies: copyStorage ? data.vms : null,
                    user: await services.userName(),
                },
                control.current,
                setStatuses,
            );
        } catch (e) {
            setFailure(errorText(e));
        } finally {
            setRunning(false);
        }
    };
    const counts = statuses
        ? {
              moved: statuses.filter((s) => s.state === "completed").length,
              failed: statuses.filter((s) => s.state === "failed").length,
              skipped: statuses.filter((s) => s.state === "skipped" || s.state === "cancelled").length,
          }
        : null;
    const title = mode === "evacuate" ? format(_("Evacuate $0"), source?.label ?? hostId) : _("Rebalance hosts");

    return (
        <Modal isOpen onClose={onClose} variant="large" aria-labelledby="plan-title">
            <ModalHeader
                title={title}
                labelId="plan-title"
                description={
                    mode === "evacuate"
                        ? _(
                              "Every running VM of this host gets a destination among the known hosts, chosen by free memory under the overcommit policy, CPU, storage, devices and networks.",
                          )
                        : _("Moves that bring the hosts' committed memory closer to even, under the same constraints.")
                }
            />
            <ModalBody>
                <Stack hasGutter>
                    <StackItem>
                        <Flex>
                            {mode === "evacuate" && (
                                <FlexItem>
                                    <Checkbox
                                        id="plan-shutoff"
                                        label={_("Also move shut-off VMs (offline)")}
                                        isChecked={includeShutOff}
                                        isDisabled={running || !!statuses}
                                        onChange={(_e, on) => setIncludeShutOff(on)}
                                    />
                                </FlexItem>
                            )}
                            <FlexItem>
                                <Checkbox
                                    id="plan-copy"
                                    label={_(
                                        "Copy disks the destination cannot see (--copy-storage-all --migrate-disks, per VM)",
                                    )}
                                    isChecked={copyStorage}
                                    isDisabled={running || !!statuses}
                                    onChange={(_e, on) => setCopyStorage(on)}
                                />
                            </FlexItem>
                        </Flex>
                    </StackItem>
                    {failure && (
                        <StackItem>
                            <Alert isInline variant="danger" title={failure} />
                        </StackItem>
                    )}
                    {!data && !failure && (
                        <StackItem>
                            <Progress
                                aria-label={_("Checking the possible moves")}
                                title={format(_("Checking the possible moves: $0 of $1"), progress[0], progress[1])}
                                value={progress[1] ? (progress[0] / progress[1]) * 100 : 0}
                            />
                        </StackItem>
                    )}
                    {data?.unreachable.map((u) => (
                        <StackItem key={u.label}>
                            <Alert
                                isInline
                                isPlain
                                variant="warning"
                                title={format(_("$0 is left out: $1"), u.label, u.error)}
                            />
                        </StackItem>
                    ))}
                    {plan && (
                        <StackItem>
                            <Table aria-label={_("Plan")} variant="compact">
                                <Thead>
                                    <Tr>
                                        <Th>{_("Move")}</Th>
                                        <Th>{_("VM")}</Th>
                                        <Th>{_("Memory")}</Th>
                                        <Th>{_("From")}</Th>
                                        <Th>{_("To")}</Th>
                                        <Th>{_("Status")}</Th>
                                    </Tr>
                                </Thead>
                                <Tbody>
                                    {moves.map((m, i) => {
                                        const s = statuses?.find((x) => x.move.vm === m.vm);
                                        const vm = data!.vms.find((v) => v.name === m.vm);
                                        return (
                                            <Tr
                                                key={m.vm}
                                                data-move={m.vm}
                                                data-state={s?.state ?? (m.excluded ? "excluded" : "planned")}
                                            >
                                                <Td dataLabel={_("Move")}>
                                                    <Checkbox
                                                        id={`plan-include-${i}`}
                                                        aria-label={format(_("Move $0"), m.vm)}
                                                        isChecked={!m.excluded}
                                                        isDisabled={running || !!statuses}
                                                        onChange={(_e, on) =>
                                                            setMoves((ms) =>
                                                                ms.map((x) => (x === m ? { ...x, excluded: !on } : x)),
                                                            )
                                                        }
                                                    />
                                                </Td>
                                                <Td dataLabel={_("VM")}>{m.vm}</Td>
                                                <Td dataLabel={_("Memory")}>
                                                    {formatBytes((vm?.memoryKiB ?? 0) * 1024)}
                                                </Td>
                                                <Td dataLabel={_("From")}>{label(m.from)}</Td>
                                                <Td dataLabel={_("To")}>
                                                    <FormSelect
                                                        aria-label={format(_("Destination of $0"), m.vm)}
                                                        value={m.to}
                                                        isDisabled={running || !!statuses}
                                                        onChange={(_e, to) =>
                                                            setMoves((ms) =>
                                                                ms.map((x) => (x === m ? { ...x, to } : x)),
                                                            )
                                                        }
                                                    >
                                                        {data!.hosts
                                                            .filter((h) => h.id !== m.from)
                                                            .map((h) => (
                                                                <FormSelectOption
                                                                    key={h.id}
                                                                    value={h.id}
                                                                    label={h.label}
                                                                    isDisabled={!!vm?.blocked[h.id]}
                                                                />
                                                            ))}
                                                    </FormSelect>
                                                </Td>
                                                <Td dataLabel={_("Status")}>
                                                    {s ? (
                                                        <>
                                                            <Label isCompact color={STATE_COLOR[s.state]}>
                                                                {s.state}
                                                            </Label>{" "}
                                                            {s.message ?? ""} {s.where ? `(${s.where})` : ""}
                                                        </>
                                                    ) : (
                                                        "—"
                                                    )}
                                                </Td>
                                            </Tr>
                                        );
                                    })}
                                </Tbody>
                            </Table>
                            {moves.length === 0 && (
                                <Alert
                                    isInline
                                    isPlain
                                    variant="info"
                                    title={
                                        mode === "evacuate"
                                            ? _("No VM to move")
                                            : _("The hosts are as even as the constraints allow")
                                    }
                                />
                            )}
                        </StackItem>
                    )}
                    {plan && plan.unmovable.length > 0 && (
                        <StackItem>
                            <Alert
                                isInline
                                variant="warning"
                                title={format(
                                    _("$0 VMs cannot move anywhere and stay where they are"),
                                    plan.unmovable.length,
                                )}
                            >
                                <ul>
                                    {plan.unmovable.map((u) => (
                                        <li key={u.vm} data-unmovable={u.vm}>
                                            <strong>{u.vm}</strong>: {u.reason}
                                        </li>
                                    ))}
                                </ul>
                            </Alert>
                        </StackItem>
                    )}
                    {plan && (
                        <StackItem>
                            <Title headingLevel="h3" size="md">
                                {_("Committed memory per host")}
                            </Title>
                            <Table aria-label={_("Committed memory per host")} variant="compact">
                                <Thead>
                                    <Tr>
                                        <Th>{_("Host")}</Th>
                                        <Th>{_("Before")}</Th>
                                        <Th>{_("After")}</Th>
                                        <Th>{_("Limit under the policy")}</Th>
                                    </Tr>
                                </Thead>
                                <Tbody>
                                    {plan.before.map((b, i) => (
                                        <Tr key={b.hostId}>
                                            <Td dataLabel={_("Host")}>{b.label}</Td>
                                            <Td dataLabel={_("Before")}>
                                                {formatBytes(b.memoryKiB * 1024)} ({Math.round(b.ratio * 100)}%)
                                            </Td>
                                            <Td dataLabel={_("After")}>
                                                {formatBytes(plan.after[i]!.memoryKiB * 1024)} (
                                                {Math.round(plan.after[i]!.ratio * 100)}%)
                                            </Td>
                                            <Td dataLabel={_("Limit under the policy")}>
                                                {formatBytes(b.limitKiB * 1024)}
                                            </Td>
                                        </Tr>
                                    ))}
                                </Tbody>
                            </Table>
                        </StackItem>
                    )}
                    {counts && !running && (
                        <StackItem>
                            <Alert
                                isInline
                                variant={counts.failed ? "danger" : "success"}
                                data-plan-report
                                title={format(
                                    _("Moved $0, failed $1, not started $2"),
                                    counts.moved,
                                    counts.failed,
                                    counts.skipped,
                                )}
                            >
                                {_(
                                    "Every VM was checked on its source and destination after its migration; the Status column says where each one is now.",
                                )}
                            </Alert>
                        </StackItem>
                    )}
                    {data && chosen.length > 0 && (
                        <StackItem>
                            <Title headingLevel="h3" size="md">
                                {_("The plan as a script")}
                            </Title>
                            <pre
                                className="cm-command"
                                aria-label={_("Plan script")}
                                tabIndex={0}
                                style={{ maxHeight: "10em", overflow: "auto" }}
                            >
                                {planScript(chosen, refs, data.domains, copyStorage ? data.vms : null)}
                            </pre>
                        </StackItem>
                    )}
                    <StackItem>
                        <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                            <FlexItem>
                                <FormGroup label={_("Migrations at a time per source host")} fieldId="plan-per-source">
                                    <TextInput
                                        id="plan-per-source"
                                        type="number"
                                        value={perSource}
                                        onChange={(_e, v) => setPerSource(v)}
                                        isDisabled={running}
                                        style={{ width: "6em" }}
                                    />
                                </FormGroup>
                            </FlexItem>
                            <FlexItem>
                                <Checkbox
                                    id="plan-stop"
                                    label={_("Stop at the first failure")}
                                    isChecked={stopOnFailure}
                                    isDisabled={running}
                                    onChange={(_e, on) => setStopOnFailure(on)}
                                />
                            </FlexItem>
                        </Flex>
                    </StackItem>
                </Stack>
            </ModalBody>
            <ModalFooter>
                <Button
                    variant="primary"
                    onClick={() => void run()}
                    isDisabled={!data || running || !!statuses || chosen.length === 0}
                    isLoading={running}
                >
                    {format(_("Run $0 migrations"), chosen.length)}
                </Button>
                {running && (
                    <Button
                        variant="secondary"
                        onClick={() => {
                            control.current.paused = !control.current.paused;
                            setPaused(control.current.paused);
                        }}
                    >
                        {paused ? _("Resume") : _("Pause")}
                    </Button>
                )}
                {running && (
                    <Button
                        variant="secondary"
                        onClick={() => {
                            control.current.cancelled = true;
                        }}
                    >
                        {_("Cancel the rest")}
                    </Button>
                )}
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}
