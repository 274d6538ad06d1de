/** The CPU-baseline wizard's last steps: apply the baseline to VMs (diff, backup, restore), save it, restart VMs. */
import { useState } from "react";
import {
    Alert,
    Button,
    Checkbox,
    Flex,
    FlexItem,
    FormGroup,
    Label,
    Stack,
    StackItem,
    TextInput,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { Domain } from "../../domains/types";
import { isActive } from "../../domains/types";
import {
    applyBaseline,
    preview,
    restartDomain,
    restoreDefinition,
    type ApplyResult,
    type Baseline,
    type RestartPhase,
} from "../../cpu/apply";
import { cpuOf, lineDiff } from "../../cpu/definition";
import { recordApplied, saveBaseline, validateBaselineName } from "../../cpu/store";
import * as v from "../../virsh/argv";
import * as c from "../../virsh/cpu";
import { useServices } from "../services";
import { CommandLine } from "../CommandLine";
import { errorText } from "../../../pkg/lib/error-text";
import { _, format } from "../../../pkg/lib/gettext";

export function ApplyStep({
    uri,
    domains,
    baseline,
    hostsLabel,
    blocked,
    results,
    setResults,
    preselect,
}: {
    preselect?: string;
    uri: string;
    domains: Domain[];
    baseline: Baseline;
    hostsLabel: string[];
    blocked: boolean;
    results: ApplyResult[];
    setResults(r: ApplyResult[]): void;
}) {
    const { runner, files } = useServices();
    const [chosen, setChosen] = useState<Set<string>>(new Set(preselect ? [preselect] : []));
    const [diff, setDiff] = useState<{ domain: string; lines: ReturnType<typeof lineDiff>; dropped: string[] } | null>(
        null,
    );
    const [busy, setBusy] = useState(false);
    const [anyway, setAnyway] = useState(false);
    const [name, setName] = useState("");
    const [saved, setSaved] = useState<string | null>(null);
    const [failure, setFailure] = useState<string | null>(null);
    const persistent = domains.filter((d) => d.persistent);
    // chosen by name (unique on a host); every command addresses the VM by its UUID
    const chosenDomains = persistent.filter((d) => chosen.has(d.name));
    const show = async (domain: string) => {
        setFailure(null);
        try {
            const ref = persistent.find((d) => d.name === domain);
            if (!ref) throw new Error(format(_("$0 is no longer defined on this host"), domain));
            const p = await preview(runner, uri, ref.uuid, baseline.xml);
            setDiff({ domain, lines: lineDiff(cpuOf(p.before) ?? "", cpuOf(p.after) ?? ""), dropped: p.dropped });
        } catch (e) {
            setFailure(errorText(e));
        }
    };
    const apply = async () => {
        setBusy(true);
        setFailure(null);
        try {
            const r = await applyBaseline(runner, files, uri, chosenDomains, baseline.xml);
            setResults(r);
            // the VM list shows which VMs use which baseline
            await recordApplied(
                files,
                uri,
                r.filter((x) => x.ok).map((x) => x.domain),
                { baseline: saved, model: baseline.model },
            );
        } catch (e) {
            setFailure(errorText(e));
        } finally {
            setBusy(false);
        }
    };
    const restore = async (r: ApplyResult) => {
        setFailure(null);
        try {
            await restoreDefinition(runner, files, uri, r.backup!);
            setResults(results.map((x) => (x === r ? ({ ...x, restored: true } as ApplyResult) : x)));
            await recordApplied(files, uri, [r.domain], null);
        } catch (e) {
            setFailure(errorText(e));
        }
    };
    const save = async () => {
        setFailure(null);
        try {
            await saveBaseline(files, {
                name,
                hosts: hostsLabel,
                xml: baseline.xml,
                model: baseline.model,
                savedAt: Date.now(),
            });
            setSaved(name);
        } catch (e) {
            setFailure(errorText(e));
        }
    };
    const nameError = name ? validateBaselineName(name) : null;
    return (
        <Stack hasGutter>
            {blocked && (
                <StackItem>
                    <Alert
                        isInline
                        variant="warning"
                        title={_("The baseline is incompatible with at least one chosen host")}
                    />
                    <Checkbox
                        id="cpu-apply-anyway"
                        label={_("Apply it anyway: VMs with it will not start or migrate there")}
                        isChecked={anyway}
                        onChange={(_e, on) => setAnyway(on)}
                    />
                </StackItem>
            )}
            {failure && (
                <StackItem>
                    <Alert isInline variant="danger" title={failure} />
                </StackItem>
            )}
            <StackItem>
                <Table aria-label={_("Virtual machines to apply the baseline to")} variant="compact">
                    <Thead>
                        <Tr>
                            <Th screenReaderText={_("Choose")} />
                            <Th>{_("VM")}</Th>
                            <Th>{_("State")}</Th>
                            <Th>{_("Change")}</Th>
                            <Th>{_("Result")}</Th>
                        </Tr>
                    </Thead>
                    <Tbody>
                        {persistent.map((d) => {
                            const r = results.find((x) => x.domain === d.name) as
                                (ApplyResult & { restored?: boolean }) | undefined;
                            return (
                                <Tr
                                    key={d.name}
                                    data-apply={d.name}
                                    data-result={r ? (r.restored ? "restored" : r.ok ? "applied" : "failed") : "none"}
                                >
                                    <Td dataLabel={_("Choose")}>
                                        <Checkbox
                                            id={`cpu-vm-${d.name}`}
                                            aria-label={format(_("Apply to $0"), d.name)}
                                            isChecked={chosen.has(d.name)}
                                            onChange={(_e, on) => {
                                                const n = new Set(chosen);
                                                if (on) n.add(d.name);
                                                else n.delete(d.name);
                                                setChosen(n);
                                            }}
                                        />
                                    </Td>
                                    <Td dataLabel={_("VM")}>{d.name}</Td>
                                    <Td dataLabel={_("State")}>{d.state}</Td>
                                    <Td dataLabel={_("Change")}>
                                        <Button
                                            variant="link"
                                            isInline
                                            onClick={() => void show(d.name)}
                                            aria-label={format(_("Show the change for $0"), d.name)}
                                        >
                                            {_("Show the change")}
                                        </Button>
                                    </Td>
                                    <Td dataLabel={_("Result")}>
                                        {!r ? (
                                            "—"
                                        ) : r.restored ? (
                                            <Label isCompact>{_("Restored")}</Label>
                                        ) : r.ok ? (
                                            <>
                                                {_("Applied")}{" "}
                                                <Button
                                                    variant="link"
                                                    isInline
                                                    onClick={() => void restore(r)}
                                                    aria-label={format(
                                                        _("Restore the previous definition of $0"),
                                                        d.name,
                                                    )}
                                                >
                                                    {_("Restore")}
                                                </Button>
                                            </>
                                        ) : (
                                            <Label isCompact color="red">
                                                {r.error}
                                            </Label>
                                        )}
                                    </Td>
                                </Tr>
                            );
                        })}
                    </Tbody>
                </Table>
            </StackItem>
            {diff && (
                <StackItem>
                    <pre
                        className="cm-command"
                        aria-label={format(_("Change of $0's CPU"), diff.domain)}
                        style={{ maxHeight: "14em", overflow: "auto" }}
                    >
                        {diff.lines.map((l, i) => (
                            <div
                                key={i}
                                className={l.kind === "+" ? "cm-diff-add" : l.kind === "-" ? "cm-diff-del" : undefined}
                            >{`${l.kind} ${l.line}`}</div>
                        ))}
                    </pre>
                    {diff.dropped.length > 0 && (
                        <Alert
                            isInline
                            isPlain
                            variant="info"
                            title={_("Left out: a custom CPU model does not allow it")}
                        >
                            <ul aria-label={format(_("Left out of $0's CPU"), diff.domain)}>
                                {diff.dropped.map((d) => (
                                    <li key={d}>{d}</li>
                                ))}
                            </ul>
                        </Alert>
                    )}
                </StackItem>
            )}
            <StackItem>
                <Button
                    onClick={() => void apply()}
                    isLoading={busy}
                    isDisabled={busy || chosen.size === 0 || (blocked && !anyway)}
                >
                    {format(_("Apply to $0 VMs"), chosen.size)}
                </Button>
                <small>
                    {" "}
                    {_("The current definitions are kept in /var/lib/cockpit-migrate/cpu-backups for Restore.")}
                </small>
            </StackItem>
            <StackItem>
                <CommandLine
                    label={_("Commands")}
                    argv={chosenDomains.flatMap((d) => [
                        v.dumpxml(uri, d.uuid, { inactive: true, securityInfo: true }),
                        c.defineFromStdin(uri),
                    ])}
                />
            </StackItem>
            <StackItem>
                <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                    <FlexItem>
                        <FormGroup label={_("Save as")} fieldId="cpu-save-name">
                            <TextInput
                                id="cpu-save-name"
                                value={name}
                                onChange={(_e, x) => setName(x)}
                                placeholder="cluster-2026"
                                validated={nameError ? "error" : "default"}
                            />
                        </FormGroup>
                    </FlexItem>
                    <FlexItem>
                        <Button variant="secondary" onClick={() => void save()} isDisabled={!name || !!nameError}>
                            {_("Save baseline")}
                        </Button>
                    </FlexItem>
                    {saved && <FlexItem>{format(_("Saved as $0."), saved)}</FlexItem>}
                </Flex>
            </StackItem>
        </Stack>
    );
}

export function RestartStep({ uri, domains, applied }: { uri: string; domains: Domain[]; applied: ApplyResult[] }) {
    const { runner } = useServices();
    const [timeout, setTimeoutS] = useState("60");
    const [force, setForce] = useState(false);
    const [phases, setPhases] = useState<Record<string, { phase: RestartPhase; left?: number; error?: string }>>({});
    const running = applied.filter((r) => r.ok && domains.some((d) => d.uuid === r.uuid && isActive(d.state)));
    const restart = async (r: ApplyResult) => {
        const domain = r.domain;
        try {
            await restartDomain(
                runner,
                uri,
                { uuid: r.uuid, name: r.domain },
                {
                    timeoutMs: Number(timeout) * 1000,
                    force,
                    onPhase: (phase, left) =>
                        setPhases((p) => ({ ...p, [domain]: { phase, ...(left !== undefined ? { left } : {}) } })),
                },
            );
        } catch (e) {
            setPhases((p) => ({ ...p, [domain]: { phase: "failed", error: errorText(e) } }));
        }
    };
    const PHASE: Record<RestartPhase, string> = {
        "shutting-down": _("Shutting down"),
        "forcing-off": _("Forcing off"),
        starting: _("Starting"),
        running: _("Running with the new CPU"),
        failed: _("Failed"),
    };
    return (
        <Stack hasGutter>
            <StackItem>
                {running.length === 0
                    ? _("No running VM needs a restart: shut-off VMs use the new CPU when they next start.")
                    : _("A running VM keeps its old CPU until it restarts. These VMs still run with the old CPU:")}
            </StackItem>
            <StackItem>
                <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                    <FlexItem>
                        <FormGroup label={_("Shutdown timeout (s)")} fieldId="cpu-timeout">
                            <TextInput
                                id="cpu-timeout"
                                type="number"
                                value={timeout}
                                onChange={(_e, x) => setTimeoutS(x)}
                                style={{ width: "8em" }}
                            />
                        </FormGroup>
                    </FlexItem>
                    <FlexItem>
                        <Checkbox
                            id="cpu-force"
                            label={_("Force off when the guest does not shut down in time")}
                            isChecked={force}
                            onChange={(_e, on) => setForce(on)}
                        />
                    </FlexItem>
                </Flex>
            </StackItem>
            {running.map((r) => {
                const p = phases[r.domain];
                return (
                    <StackItem key={r.domain} data-restart={r.domain} data-phase={p?.phase ?? "old-cpu"}>
                        <strong>{r.domain}</strong>{" "}
                        {p ? (
                            <Label
                                isCompact
                                color={p.phase === "running" ? "green" : p.phase === "failed" ? "red" : "blue"}
                            >
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
                            onClick={() => void restart(r)}
                            aria-label={format(_("Shut down and start $0"), r.domain)}
                        >
                            {_("Shut down and start")}
                        </Button>
                    </StackItem>
                );
            })}
            <StackItem>
                <CommandLine
                    label={_("Commands")}
                    argv={running.flatMap((r) => [
                        c.shutdown(uri, r.uuid),
                        v.domstate(uri, r.uuid),
                        ...(force ? [c.destroy(uri, r.uuid)] : []),
                        c.start(uri, r.uuid),
                    ])}
                />
            </StackItem>
        </Stack>
    );
}
