/**
 * Host maintenance: "Evacuate host" (every VM of a host to the others) and "Rebalance" (moves that
 * even out committed memory), planned under constraints and the overcommit policy, editable, run
 * as many migrations with a per-source limit, reported VM by VM. Loaded only when opened.
 */
import { useEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from "react";
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
import { CodeText } from "../CommandLine";
import { planEvacuation, planRebalance, type Move, type Plan } from "../../plan/placement";
import { planScript, runPlan, type MoveStatus, type RunControl } from "../../plan/run";
import { DEFAULT_POLICY, type OvercommitPolicy } from "../../preflight/policy";
import { usePolicy, type PolicyState } from "../hooks";
import { useServices } from "../services";
import { errorText } from "../../../pkg/lib/error-text";
import { formatBytes } from "../format";
import { _, format, ngettext } from "../../../pkg/lib/gettext";

export type MaintenanceMode = "evacuate" | "rebalance";

/** What the admin sets: what to plan (shut-off VMs, disk copies) and how to run it. */
interface PlanForm {
    includeShutOff: boolean;
    copyStorage: boolean;
    perSource: string;
    stopOnFailure: boolean;
}

type PlannedMove = Move & { excluded?: boolean };
type SetForm = (patch: Partial<PlanForm>) => void;

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
    const policy = usePolicy();
    const [form, setForm] = useState<PlanForm>({
        includeShutOff: false,
        copyStorage: false,
        perSource: "1",
        stopOnFailure: true,
    });
    const set: SetForm = (patch) => setForm((f) => ({ ...f, ...patch }));
    const { includeShutOff, copyStorage } = form;
    const pol = policy.data ?? DEFAULT_POLICY;
    const { data, partial, progress, failure, setFailure } = useGather(mode, hostId, refs, policy, pol, form);
    const runState = usePlanRun(data, form, setFailure);
    const { statuses, setStatuses, running } = runState;

    // rows as they are found: a plan of the VMs checked so far, provisional (not editable, not run) until all are
    const shown = data ?? partial;
    const { plan, moves, setMoves } = usePlan(mode, hostId, shown, pol, includeShutOff, setStatuses);
    const chosen = moves.filter((m) => !m.excluded);

    const locked = running || !!statuses || !data;
    const view = { mode, data: shown, complete: !!data, plan, moves, setMoves, statuses, running, locked, chosen };

    return (
        <Modal isOpen onClose={onClose} variant="large" aria-labelledby="plan-title">
            <PlanHeader mode={mode} hostId={hostId} refs={shown?.refs ?? refs} />
            <ModalBody>
                <Stack hasGutter>
                    <PlanOptions mode={mode} form={form} set={set} locked={locked} />
                    {failure && (
                        <StackItem>
                            <Alert isInline variant="danger" title={failure} />
                        </StackItem>
                    )}
                    {!data && !failure && <GatherProgress progress={progress} found={partial?.vms.length ?? 0} />}
                    <PlanSections {...view} copyStorage={copyStorage} />
                    <RunOptions form={form} set={set} running={running} />
                </Stack>
            </ModalBody>
            <ModalFooter>
                <Button
                    variant="primary"
                    onClick={() => void runState.run(chosen)}
                    isDisabled={!data || running || !!statuses || chosen.length === 0}
                    isLoading={running}
                >
                    {format(ngettext("Run $0 migration", "Run $0 migrations", chosen.length), chosen.length)}
                </Button>
                {running && (
                    <RunControls paused={runState.paused} onPause={runState.togglePause} onCancel={runState.cancel} />
                )}
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}

/** The plan for what was gathered; its moves as the admin edits them (a new plan starts over, unrun). */
function usePlan(
    mode: MaintenanceMode,
    hostId: string,
    data: Gathered | null,
    pol: OvercommitPolicy,
    includeShutOff: boolean,
    setStatuses: (s: null) => void,
) {
    const [moves, setMoves] = useState<PlannedMove[]>([]);
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
    }, [plan, setStatuses]); // a useState setter: the same function every render
    return { plan, moves, setMoves };
}

/** Gathers the hosts and VMs the plan is made of, again when what is asked changes. */
function useGather(
    mode: MaintenanceMode,
    hostId: string,
    refs: HostRef[],
    policy: PolicyState,
    pol: OvercommitPolicy,
    form: PlanForm,
) {
    const [data, setData] = useState<Gathered | null>(null);
    // what is known before the gathering ends: each VM as soon as all its moves are checked
    const [partial, setPartial] = useState<Gathered | null>(null);
    const [progress, setProgress] = useState<[number, number]>([0, 0]);
    const [failure, setFailure] = useState<string | null>(null);

    // the parent builds a new refs array on every render: gather again on a change of what is asked, not of that
    const refsNow = useRef(refs);
    refsNow.current = refs;
    const { runner } = useServices();
    const { includeShutOff, copyStorage } = form;
    const policyWaits = policy.loading && !policy.data && !policy.error;
    useEffect(() => {
        if (policyWaits) return;
        const refs = refsNow.current;
        let alive = true;
        setData(null);
        setPartial(null);
        setFailure(null);
        const sources = mode === "evacuate" ? [hostId] : refs.map((r) => r.id);
        gather(runner, refs, sources, pol, {
            copyStorage,
            includeShutOff,
            onProgress: (d, t) => {
                if (alive) setProgress([d, t]);
            },
            onPartial: (g) => {
                if (alive) setPartial(g);
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
    }, [mode, hostId, includeShutOff, copyStorage, pol, policy.loading, policyWaits, runner]);
    return { data, partial, progress, failure, setFailure };
}

/** Runs the chosen moves; the run can be paused and the rest cancelled. */
function usePlanRun(data: Gathered | null, form: PlanForm, setFailure: (f: string) => void) {
    const services = useServices();
    const [statuses, setStatuses] = useState<MoveStatus[] | null>(null);
    const [running, setRunning] = useState(false);
    const control = useRef<RunControl>({ paused: false, cancelled: false });
    const [paused, setPaused] = useState(false);
    // a failure stays shown while the next run goes (it is cleared only when the plan is gathered again)
    const run = async (chosen: PlannedMove[]) => {
        if (!data) return;
        control.current = { paused: false, cancelled: false };
        setPaused(false);
        setRunning(true);
        try {
            await runPlan(
                { runner: services.runner, files: services.files },
                data.refs,
                data.domains,
                chosen,
                {
                    perSource: Math.max(1, Number(form.perSource) || 1),
                    stopOnFailure: form.stopOnFailure,
                    copies: form.copyStorage ? data.vms : null,
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
    const togglePause = () => {
        control.current.paused = !control.current.paused;
        setPaused(control.current.paused);
    };
    const cancel = () => {
        control.current.cancelled = true;
    };
    return { statuses, setStatuses, running, paused, run, togglePause, cancel };
}

function PlanHeader({ mode, hostId, refs }: { mode: MaintenanceMode; hostId: string; refs: HostRef[] }) {
    const source = refs.find((r) => r.id === hostId);
    const title = mode === "evacuate" ? format(_("Evacuate $0"), source?.label ?? hostId) : _("Rebalance hosts");
    return (
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
    );
}

function PlanOptions({
    mode,
    form,
    set,
    locked,
}: {
    mode: MaintenanceMode;
    form: PlanForm;
    set: SetForm;
    locked: boolean;
}) {
    return (
        <StackItem>
            <Flex>
                {mode === "evacuate" && (
                    <FlexItem>
                        <Checkbox
                            id="plan-shutoff"
                            label={_("Also move shut-off VMs (offline)")}
                            isChecked={form.includeShutOff}
                            isDisabled={locked}
                            onChange={(_e, on) => set({ includeShutOff: on })}
                        />
                    </FlexItem>
                )}
                <FlexItem>
                    <Checkbox
                        id="plan-copy"
                        label={_("Copy disks the destination cannot see (--copy-storage-all --migrate-disks, per VM)")}
                        isChecked={form.copyStorage}
                        isDisabled={locked}
                        onChange={(_e, on) => set({ copyStorage: on })}
                    />
                </FlexItem>
            </Flex>
        </StackItem>
    );
}

function GatherProgress({ progress, found }: { progress: [number, number]; found: number }) {
    return (
        <StackItem>
            <Progress
                aria-label={_("Checking the possible moves")}
                title={format(_("Checking the possible moves: $0 of $1"), progress[0], progress[1])}
                value={progress[1] ? (progress[0] / progress[1]) * 100 : 0}
                helperText={found > 0 ? format(_("Provisional plan, VMs checked so far: $0"), found) : undefined}
            />
        </StackItem>
    );
}

interface PlanView {
    mode: MaintenanceMode;
    data: Gathered | null;
    /** Every move is checked: the plan is final (else it is the VMs found so far). */
    complete: boolean;
    plan: Plan | null;
    moves: PlannedMove[];
    setMoves: Dispatch<SetStateAction<PlannedMove[]>>;
    statuses: MoveStatus[] | null;
    running: boolean;
    locked: boolean;
    chosen: PlannedMove[];
    copyStorage: boolean;
}

/** What was gathered and planned: left-out hosts, the moves, the unmovable VMs, memory, the report, the script. */
function PlanSections({
    mode,
    data,
    complete,
    plan,
    moves,
    setMoves,
    statuses,
    running,
    locked,
    chosen,
    copyStorage,
}: PlanView) {
    const counts = statuses
        ? {
              moved: statuses.filter((s) => s.state === "completed").length,
              failed: statuses.filter((s) => s.state === "failed").length,
              skipped: statuses.filter((s) => s.state === "skipped" || s.state === "cancelled").length,
          }
        : null;
    return (
        <>
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
                    <MovesTable
                        data={data!}
                        complete={complete}
                        moves={moves}
                        setMoves={setMoves}
                        statuses={statuses}
                        locked={locked}
                    />
                    {moves.length === 0 && complete && (
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
            {plan && plan.unmovable.length > 0 && <Unmovable plan={plan} />}
            {plan && <CommittedMemory plan={plan} />}
            {counts && !running && <RunReport counts={counts} />}
            {data && complete && chosen.length > 0 && (
                <PlanScript chosen={chosen} data={data} copyStorage={copyStorage} />
            )}
        </>
    );
}

function MovesTable({
    data,
    complete,
    moves,
    setMoves,
    statuses,
    locked,
}: {
    data: Gathered;
    complete: boolean;
    moves: PlannedMove[];
    setMoves: Dispatch<SetStateAction<PlannedMove[]>>;
    statuses: MoveStatus[] | null;
    locked: boolean;
}) {
    const label = (id: string) => data.refs.find((r) => r.id === id)?.label ?? id;
    const change = (m: PlannedMove, patch: Partial<PlannedMove>) =>
        setMoves((ms) => ms.map((x) => (x === m ? { ...x, ...patch } : x)));
    return (
        <Table aria-label={_("Plan")} variant="compact" data-plan={complete ? "complete" : "provisional"}>
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
                {moves.map((m, i) => (
                    <MoveRow
                        key={m.vm}
                        index={i}
                        move={m}
                        data={data}
                        status={statuses?.find((x) => x.move.vm === m.vm)}
                        from={label(m.from)}
                        complete={complete}
                        locked={locked}
                        onChange={(patch) => change(m, patch)}
                    />
                ))}
            </Tbody>
        </Table>
    );
}

function MoveRow({
    index: i,
    move: m,
    data,
    status: s,
    from,
    complete,
    locked,
    onChange,
}: {
    index: number;
    move: PlannedMove;
    data: Gathered;
    status: MoveStatus | undefined;
    from: string;
    complete: boolean;
    locked: boolean;
    onChange(patch: Partial<PlannedMove>): void;
}) {
    const vm = data.vms.find((v) => v.name === m.vm);
    return (
        <Tr data-move={m.vm} data-state={s?.state ?? (m.excluded ? "excluded" : complete ? "planned" : "provisional")}>
            <Td dataLabel={_("Move")}>
                <Checkbox
                    id={`plan-include-${i}`}
                    aria-label={format(_("Move $0"), m.vm)}
                    isChecked={!m.excluded}
                    isDisabled={locked}
                    onChange={(_e, on) => onChange({ excluded: !on })}
                />
            </Td>
            <Td dataLabel={_("VM")}>{m.vm}</Td>
            <Td dataLabel={_("Memory")}>{formatBytes((vm?.memoryKiB ?? 0) * 1024)}</Td>
            <Td dataLabel={_("From")}>{from}</Td>
            <Td dataLabel={_("To")}>
                <FormSelect
                    aria-label={format(_("Destination of $0"), m.vm)}
                    value={m.to}
                    isDisabled={locked}
                    onChange={(_e, to) => onChange({ to })}
                >
                    {data.hosts
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
                <MoveStatusText status={s} />
            </Td>
        </Tr>
    );
}

function PlanScript({ chosen, data, copyStorage }: { chosen: PlannedMove[]; data: Gathered; copyStorage: boolean }) {
    return (
        <StackItem>
            <Title headingLevel="h3" size="md">
                {_("The plan as a script")}
            </Title>
            <CodeText
                text={planScript(chosen, data.refs, data.domains, copyStorage ? data.vms : null, data.machines)}
                label={_("Plan script")}
                copyLabel={_("Copy the script")}
            />
        </StackItem>
    );
}

function MoveStatusText({ status: s }: { status: MoveStatus | undefined }) {
    if (!s) return "—";
    return (
        <>
            <Label isCompact color={STATE_COLOR[s.state]}>
                {s.state}
            </Label>{" "}
            {s.message ?? ""} {s.where ? `(${s.where})` : ""}
        </>
    );
}

function Unmovable({ plan }: { plan: Plan }) {
    return (
        <StackItem>
            <Alert
                isInline
                variant="warning"
                title={format(
                    ngettext(
                        "$0 VM cannot move anywhere and stays where it is",
                        "$0 VMs cannot move anywhere and stay where they are",
                        plan.unmovable.length,
                    ),
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
    );
}

function CommittedMemory({ plan }: { plan: Plan }) {
    return (
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
                                {formatBytes(plan.after[i]!.memoryKiB * 1024)} ({Math.round(plan.after[i]!.ratio * 100)}
                                %)
                            </Td>
                            <Td dataLabel={_("Limit under the policy")}>{formatBytes(b.limitKiB * 1024)}</Td>
                        </Tr>
                    ))}
                </Tbody>
            </Table>
        </StackItem>
    );
}

function RunReport({ counts }: { counts: { moved: number; failed: number; skipped: number } }) {
    return (
        <StackItem>
            <Alert
                isInline
                variant={counts.failed ? "danger" : "success"}
                data-plan-report
                title={format(_("Moved $0, failed $1, not started $2"), counts.moved, counts.failed, counts.skipped)}
            >
                {_(
                    "Every VM was checked on its source and destination after its migration; the Status column says where each one is now.",
                )}
            </Alert>
        </StackItem>
    );
}

function RunOptions({ form, set, running }: { form: PlanForm; set: SetForm; running: boolean }) {
    return (
        <StackItem>
            <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                <FlexItem>
                    <FormGroup label={_("Migrations at a time per source host")} fieldId="plan-per-source">
                        <TextInput
                            id="plan-per-source"
                            type="number"
                            value={form.perSource}
                            onChange={(_e, v) => set({ perSource: v })}
                            isDisabled={running}
                            style={{ width: "6em" }}
                        />
                    </FormGroup>
                </FlexItem>
                <FlexItem>
                    <Checkbox
                        id="plan-stop"
                        label={_("Stop at the first failure")}
                        isChecked={form.stopOnFailure}
                        isDisabled={running}
                        onChange={(_e, on) => set({ stopOnFailure: on })}
                    />
                </FlexItem>
            </Flex>
        </StackItem>
    );
}

function RunControls({ paused, onPause, onCancel }: { paused: boolean; onPause(): void; onCancel(): void }) {
    return (
        <>
            <Button variant="secondary" onClick={onPause}>
                {paused ? _("Resume") : _("Pause")}
            </Button>
            <Button variant="secondary" onClick={onCancel}>
                {_("Cancel the rest")}
            </Button>
        </>
    );
}
