/** The CPU-baseline wizard's last steps: apply the baseline to VMs (diff, backup, restore), save it, restart VMs. */
import { useState } from "react";
import {
    Alert,
    Button,
    Checkbox,
    Flex,
    FlexItem,
    FormGroup,
    FormHelperText,
    HelperText,
    HelperTextItem,
    Label,
    Stack,
    StackItem,
    TextInput,
} from "@patternfly/react-core";
import { Td, Tr } from "@patternfly/react-table";
import { isActive } from "../../domains/types";
import {
    applyBaseline,
    preview,
    restartDomain,
    restoreDefinition,
    type Baseline,
    type CpuHost,
    type RestartPhase,
} from "../../cpu/apply";
import { chosenByHost, virtTypeWarning, vmKey, type CpuVm, type HostApplyResult, type HostVms } from "../../cpu/vms";
import { cpuOf, lineDiff } from "../../cpu/definition";
import { recordApplied, saveBaseline, validateBaselineName } from "../../cpu/store";
import * as v from "../../virsh/argv";
import * as c from "../../virsh/cpu";
import { useServices } from "../services";
import { CodeText, CommandLine } from "../CommandLine";
import { StatusTable } from "../StatusTable";
import { TypeWarning } from "./CpuSteps";
import { useAction } from "../useAction";
import { errorText } from "../../../pkg/lib/error-text";
import { _, format, ngettext } from "../../../pkg/lib/gettext";

type Diff = { domain: string; lines: ReturnType<typeof lineDiff>; dropped: string[] };
type Result = HostApplyResult & { restored?: boolean };

/** What the admin sets in the apply step: the VMs (by host and UUID, vmKey), the override, the save name. */
interface ApplyForm {
    chosen: Set<string>;
    anyway: boolean;
    name: string;
}

const toggled = (set: Set<string>, item: string, on: boolean) => {
    const n = new Set(set);
    if (on) n.add(item);
    else n.delete(item);
    return n;
};

interface ApplyProps {
    /** vmKey()s chosen to start with (the VM the wizard was opened for). */
    preselect?: string[];
    /** The VMs of every chosen host. */
    hosts: HostVms[];
    baseline: Baseline;
    hostsLabel: string[];
    blocked: boolean;
    results: HostApplyResult[];
    setResults(r: HostApplyResult[]): void;
    /** After applying: the VMs' definitions (and states) are read again. */
    onApplied(): void;
}

export function ApplyStep(props: ApplyProps) {
    const { hosts, blocked, results, preselect, baseline } = props;
    const [form, setForm] = useState<ApplyForm>({
        chosen: new Set(preselect ?? []),
        anyway: false,
        name: "",
    });
    const set = (patch: Partial<ApplyForm>) => setForm((f) => ({ ...f, ...patch }));
    const all = hosts.flatMap((h) => h.vms);
    const chosenVms = all.filter((vm) => form.chosen.has(vmKey(vm)));
    const act = useApplyActions(props, chosenByHost(hosts, form.chosen), form.name);
    return (
        <Stack hasGutter>
            {blocked && <BlockedWarning anyway={form.anyway} onAnyway={(anyway) => set({ anyway })} />}
            <TypeWarning text={baseline.virttype ? virtTypeWarning(baseline.virttype, chosenVms) : null} />
            {hosts
                .filter((h) => h.error)
                .map((h) => (
                    <StackItem key={h.host.uri}>
                        <Alert isInline isPlain variant="warning" title={h.error} />
                    </StackItem>
                ))}
            {act.failure && (
                <StackItem>
                    <Alert isInline variant="danger" title={act.failure} />
                </StackItem>
            )}
            <StackItem>
                <StatusTable
                    label={_("Virtual machines to apply the baseline to")}
                    columns={[
                        {
                            label: _("Choose"),
                            content: (
                                <SelectAll
                                    chosen={chosenVms.length}
                                    total={all.length}
                                    onAll={(on) => set({ chosen: new Set(on ? all.map(vmKey) : []) })}
                                />
                            ),
                        },
                        _("VM"),
                        _("Host"),
                        _("Type"),
                        _("State"),
                        _("Change"),
                        _("Result"),
                    ]}
                >
                    {all.map((vm, i) => (
                        <ApplyRow
                            key={vmKey(vm)}
                            index={i}
                            vm={vm}
                            result={
                                results.find((x) => x.uri === vm.host.uri && x.uuid === vm.domain.uuid) as
                                    Result | undefined
                            }
                            chosen={form.chosen.has(vmKey(vm))}
                            onChoose={(on) => setForm((f) => ({ ...f, chosen: toggled(f.chosen, vmKey(vm), on) }))}
                            onShow={() => void act.show(vm)}
                            onRestore={(r) => void act.restore(r)}
                        />
                    ))}
                </StatusTable>
            </StackItem>
            {act.diff && <DiffView diff={act.diff} />}
            <ApplyButton
                count={chosenVms.length}
                busy={act.busy}
                held={blocked && !form.anyway}
                onApply={() => void act.apply()}
            />
            <StackItem>
                <CommandLine
                    label={_("Commands")}
                    argv={chosenVms.flatMap((vm) => [
                        v.dumpxml(vm.host.uri, vm.domain.uuid, { inactive: true, securityInfo: true }),
                        c.defineFromStdin(vm.host.uri),
                    ])}
                />
            </StackItem>
            <SaveRow
                name={form.name}
                saved={act.saved}
                onName={(name) => set({ name })}
                onSave={() => void act.save()}
            />
        </Stack>
    );
}

/**
 * Preview, apply, restore and save, with the one failure they share (only Apply holds the button
 * busy). Each VM's commands run on its own host, through that host's URI.
 */
function useApplyActions(props: ApplyProps, chosen: { host: CpuHost; vms: CpuVm[] }[], name: string) {
    const { baseline, hostsLabel, results, setResults, onApplied } = props;
    const { runner, files } = useServices();
    const [diff, setDiff] = useState<Diff | null>(null);
    const [saved, setSaved] = useState<string | null>(null);
    const { busy, failure, run, attempt } = useAction();
    const show = (vm: CpuVm) =>
        attempt(async () => {
            const p = await preview(runner, vm.host.uri, vm.domain.uuid, baseline.xml);
            setDiff({
                domain: vm.domain.name,
                lines: lineDiff(cpuOf(p.before) ?? "", cpuOf(p.after) ?? ""),
                dropped: p.dropped,
            });
        });
    const apply = () =>
        run(async () => {
            const all: HostApplyResult[] = [];
            for (const { host, vms } of chosen) {
                const r = await applyBaseline(
                    runner,
                    files,
                    host.uri,
                    vms.map((vm) => vm.domain),
                    baseline.xml,
                );
                all.push(...r.map((x) => ({ ...x, uri: host.uri, host: host.label })));
                setResults([...all]);
                // the VM list shows which VMs use which baseline
                const ok = r.filter((x) => x.ok).map((x) => ({ uuid: x.uuid, name: x.domain }));
                await recordApplied(files, host.uri, ok, { baseline: saved, model: baseline.model });
            }
            onApplied();
        });
    const restore = (r: HostApplyResult) =>
        attempt(async () => {
            await restoreDefinition(runner, files, r.uri, r.backup!);
            setResults(results.map((x) => (x === r ? ({ ...x, restored: true } as HostApplyResult) : x)));
            await recordApplied(files, r.uri, [{ uuid: r.uuid, name: r.domain }], null);
        });
    const save = () =>
        attempt(async () => {
            await saveBaseline(files, {
                name,
                hosts: hostsLabel,
                xml: baseline.xml,
                model: baseline.model,
                savedAt: Date.now(),
            });
            setSaved(name);
        });
    return { diff, saved, busy, failure, show, apply, restore, save };
}

function ApplyButton({ count, busy, held, onApply }: { count: number; busy: boolean; held: boolean; onApply(): void }) {
    return (
        <StackItem>
            <Button onClick={onApply} isLoading={busy} isDisabled={busy || count === 0 || held}>
                {format(ngettext("Apply to $0 VM", "Apply to $0 VMs", count), count)}
            </Button>
            <small> {_("The current definitions are kept in /var/lib/cockpit-migrate/cpu-backups for Restore.")}</small>
        </StackItem>
    );
}

function BlockedWarning({ anyway, onAnyway }: { anyway: boolean; onAnyway(on: boolean): void }) {
    return (
        <StackItem>
            <Alert isInline variant="warning" title={_("The baseline is incompatible with at least one chosen host")} />
            <Checkbox
                id="cpu-apply-anyway"
                label={_("Apply it anyway: VMs with it will not start or migrate there")}
                isChecked={anyway}
                onChange={(_e, on) => onAnyway(on)}
            />
        </StackItem>
    );
}

function SelectAll({ chosen, total, onAll }: { chosen: number; total: number; onAll(on: boolean): void }) {
    return (
        <Checkbox
            id="cpu-vm-all"
            aria-label={_("Apply to every VM listed")}
            isChecked={chosen === 0 ? false : chosen === total ? true : null}
            isDisabled={total === 0}
            onChange={(_e, on) => onAll(on)}
        />
    );
}

function ApplyRow({
    index,
    vm,
    result: r,
    chosen,
    onChoose,
    onShow,
    onRestore,
}: {
    index: number;
    vm: CpuVm;
    result: Result | undefined;
    chosen: boolean;
    onChoose(on: boolean): void;
    onShow(): void;
    onRestore(r: HostApplyResult): void;
}) {
    const d = vm.domain;
    return (
        <Tr
            data-apply={d.name}
            data-host={vm.host.label}
            data-result={r ? (r.restored ? "restored" : r.ok ? "applied" : "failed") : "none"}
        >
            <Td dataLabel={_("Choose")}>
                <Checkbox
                    id={`cpu-vm-${index}`}
                    aria-label={format(_("Apply to $0 on $1"), d.name, vm.host.label)}
                    isChecked={chosen}
                    onChange={(_e, on) => onChoose(on)}
                />
            </Td>
            <Td dataLabel={_("VM")}>{d.name}</Td>
            <Td dataLabel={_("Host")}>{vm.host.label}</Td>
            <Td dataLabel={_("Type")}>{vm.virttype ?? "—"}</Td>
            <Td dataLabel={_("State")}>{d.state}</Td>
            <Td dataLabel={_("Change")}>
                <Button
                    variant="link"
                    isInline
                    onClick={onShow}
                    aria-label={format(_("Show the change for $0 on $1"), d.name, vm.host.label)}
                >
                    {_("Show the change")}
                </Button>
            </Td>
            <Td dataLabel={_("Result")}>
                <ApplyResultCell name={d.name} result={r} onRestore={onRestore} />
            </Td>
        </Tr>
    );
}

function ApplyResultCell({
    name,
    result: r,
    onRestore,
}: {
    name: string;
    result: Result | undefined;
    onRestore(r: HostApplyResult): void;
}) {
    if (!r) return "—";
    if (r.restored) return <Label isCompact>{_("Restored")}</Label>;
    if (!r.ok)
        return (
            <Label isCompact color="red">
                {r.error}
            </Label>
        );
    return (
        <>
            {_("Applied")}{" "}
            <Button
                variant="link"
                isInline
                onClick={() => onRestore(r)}
                aria-label={format(_("Restore the previous definition of $0"), name)}
            >
                {_("Restore")}
            </Button>
        </>
    );
}

function DiffView({ diff }: { diff: Diff }) {
    return (
        <StackItem>
            <CodeText
                text={diff.lines.map((l) => `${l.kind} ${l.line}`).join("\n")}
                label={format(_("Change of $0's CPU"), diff.domain)}
                copyLabel={format(_("Copy the CPU change of $0"), diff.domain)}
                maxHeight="14em"
            >
                {diff.lines.map((l, i) => (
                    <span
                        key={i}
                        className={l.kind === "+" ? "cm-diff-add" : l.kind === "-" ? "cm-diff-del" : undefined}
                    >{`${l.kind} ${l.line}\n`}</span>
                ))}
            </CodeText>
            {diff.dropped.length > 0 && (
                <Alert isInline isPlain variant="info" title={_("Left out: a custom CPU model does not allow it")}>
                    <ul aria-label={format(_("Left out of $0's CPU"), diff.domain)}>
                        {diff.dropped.map((d) => (
                            <li key={d}>{d}</li>
                        ))}
                    </ul>
                </Alert>
            )}
        </StackItem>
    );
}

function SaveRow({
    name,
    saved,
    onName,
    onSave,
}: {
    name: string;
    saved: string | null;
    onName(name: string): void;
    onSave(): void;
}) {
    const nameError = name ? validateBaselineName(name) : null;
    return (
        <StackItem>
            <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                <FlexItem>
                    <FormGroup label={_("Save as")} fieldId="cpu-save-name">
                        <TextInput
                            id="cpu-save-name"
                            value={name}
                            onChange={(_e, x) => onName(x)}
                            validated={nameError ? "error" : "default"}
                        />
                        <FormHelperText>
                            <HelperText>
                                <HelperTextItem variant={nameError ? "error" : "default"}>
                                    {nameError ?? _("A name for the baseline, for example cluster-2026")}
                                </HelperTextItem>
                            </HelperText>
                        </FormHelperText>
                    </FormGroup>
                </FlexItem>
                <FlexItem>
                    <Button variant="secondary" onClick={onSave} isDisabled={!name || !!nameError}>
                        {_("Save baseline")}
                    </Button>
                </FlexItem>
                {saved && <FlexItem>{format(_("Saved as $0."), saved)}</FlexItem>}
            </Flex>
        </StackItem>
    );
}

type Phase = { phase: RestartPhase; left?: number; error?: string };

/** How a restart goes: the shutdown timeout (seconds, as typed) and whether to force off after it. */
interface RestartForm {
    timeout: string;
    force: boolean;
}

export function RestartStep({ hosts, applied }: { hosts: HostVms[]; applied: HostApplyResult[] }) {
    const { runner } = useServices();
    const [form, setForm] = useState<RestartForm>({ timeout: "60", force: false });
    const [phases, setPhases] = useState<Record<string, Phase>>({});
    const vms = hosts.flatMap((h) => h.vms);
    const running = applied.filter(
        (r) =>
            r.ok && vms.some((vm) => vm.host.uri === r.uri && vm.domain.uuid === r.uuid && isActive(vm.domain.state)),
    );
    const key = (r: HostApplyResult) => `${r.uri}\n${r.uuid}`;
    const restart = async (r: HostApplyResult) => {
        const k = key(r);
        try {
            await restartDomain(
                runner,
                r.uri,
                { uuid: r.uuid, name: r.domain },
                {
                    timeoutMs: Number(form.timeout) * 1000,
                    force: form.force,
                    onPhase: (phase, left) =>
                        setPhases((p) => ({ ...p, [k]: { phase, ...(left !== undefined ? { left } : {}) } })),
                },
            );
        } catch (e) {
            setPhases((p) => ({ ...p, [k]: { phase: "failed", error: errorText(e) } }));
        }
    };
    return (
        <Stack hasGutter>
            <StackItem>
                {running.length === 0
                    ? _("No running VM needs a restart: shut-off VMs use the new CPU when they next start.")
                    : _("A running VM keeps its old CPU until it restarts. These VMs still run with the old CPU:")}
            </StackItem>
            <RestartOptions form={form} onChange={(patch) => setForm((f) => ({ ...f, ...patch }))} />
            {running.map((r) => (
                <RestartRow key={key(r)} result={r} phase={phases[key(r)]} onRestart={() => void restart(r)} />
            ))}
            <StackItem>
                <CommandLine
                    label={_("Commands")}
                    argv={running.flatMap((r) => [
                        c.shutdown(r.uri, r.uuid),
                        v.domstate(r.uri, r.uuid),
                        ...(form.force ? [c.destroy(r.uri, r.uuid)] : []),
                        c.start(r.uri, r.uuid),
                    ])}
                />
            </StackItem>
        </Stack>
    );
}

function RestartOptions({ form, onChange }: { form: RestartForm; onChange(patch: Partial<RestartForm>): void }) {
    return (
        <StackItem>
            <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                <FlexItem>
                    <FormGroup label={_("Shutdown timeout (s)")} fieldId="cpu-timeout">
                        <TextInput
                            id="cpu-timeout"
                            type="number"
                            value={form.timeout}
                            onChange={(_e, x) => onChange({ timeout: x })}
                            style={{ width: "8em" }}
                        />
                    </FormGroup>
                </FlexItem>
                <FlexItem>
                    <Checkbox
                        id="cpu-force"
                        label={_("Force off when the guest does not shut down in time")}
                        isChecked={form.force}
                        onChange={(_e, on) => onChange({ force: on })}
                    />
                </FlexItem>
            </Flex>
        </StackItem>
    );
}

function RestartRow({ result: r, phase: p, onRestart }: { result: HostApplyResult; phase?: Phase; onRestart(): void }) {
    const PHASE: Record<RestartPhase, string> = {
        "shutting-down": _("Shutting down"),
        "forcing-off": _("Forcing off"),
        starting: _("Starting"),
        running: _("Running with the new CPU"),
        failed: _("Failed"),
    };
    return (
        <StackItem data-restart={r.domain} data-host={r.host} data-phase={p?.phase ?? "old-cpu"}>
            <strong>{r.domain}</strong> {r.host}{" "}
            {p ? (
                <Label isCompact color={p.phase === "running" ? "green" : p.phase === "failed" ? "red" : "blue"}>
                    {PHASE[p.phase]}
                    {p.phase === "shutting-down" && p.left !== undefined ? ` (${p.left} s)` : ""}
                </Label>
            ) : (
                <Label isCompact color="orange">
                    {_("Old CPU")}
                </Label>
            )}{" "}
            {p?.error && <span>{p.error}</span>}{" "}
            <Button
                variant="secondary"
                size="sm"
                isDisabled={!!p && p.phase !== "failed" && p.phase !== "running"}
                onClick={onRestart}
                aria-label={format(_("Shut down and start $0"), r.domain)}
            >
                {_("Shut down and start")}
            </Button>
        </StackItem>
    );
}
