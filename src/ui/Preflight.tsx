import { useEffect, useRef, useState } from "react";
import { Button, ExpandableSection, List, ListItem, Spinner } from "@patternfly/react-core";
import { startPreflight, type PendingCheck, type PreflightHandle, type PreflightInput } from "../preflight/checks";
import { PreflightCache, preflightKey } from "../preflight/cache";
import { DirtyRateMeter } from "../preflight/dirtyrate";
import { worst, type CheckResult } from "../preflight/types";
import type { PreflightProgress } from "../preflight/gate";
import { orderChecks, summaryLine } from "../preflight/summary";
import { useServices } from "./services";
import { useTools } from "./tools";
import { SEVERITY_ICON } from "./severityIcon";
import { CommandLine } from "./CommandLine";
import { changeFirewall } from "../preflight/firewall";
import { useAction } from "./useAction";
import { _, format, ngettext } from "../../pkg/lib/gettext";

/** Results of complete runs, kept for a minute per VM + destination + options. */
const cache = new PreflightCache();
/** One dirty-rate measurement per VM, shared by the runs for each destination and option the admin tries. */
export const dirtyRates = new DirtyRateMeter();

/** Runs the pre-flight checks for a destination (again when the input changes) and lists them. A check's fix
 *  (CPU baseline, NFS) opens over the Migrate dialog, which steps aside and checks again when it comes back. */
export function Preflight({
    input,
    onResults,
    onTunnel,
}: {
    input: PreflightInput | null;
    onResults(r: PreflightProgress | null): void;
    /** Switches the Migrate dialog's channel to --p2p --tunnelled (a blocked port's fix); absent elsewhere. */
    onTunnel?: () => void;
}) {
    const { runner } = useServices();
    const [results, setResults] = useState<CheckResult[]>([]);
    const [pending, setPending] = useState<PendingCheck[]>([]);
    // how many checks this run started: the first list of pending checks holds them all
    const [total, setTotal] = useState<number | null>(null);
    // opened once, the passed checks stay open while the checks run again
    const [showPassed, setShowPassed] = useState(false);
    const [checkedAt, setCheckedAt] = useState<number | null>(null);
    const [generation, setGeneration] = useState(0);
    // between an input change and the start of the checks (a 400 ms debounce for an option) the region is busy too
    const [starting, setStarting] = useState(false);
    const [complete, setComplete] = useState(false);
    const handle = useRef<PreflightHandle | null>(null);
    // the VM and destination of the last run: a new destination starts at once, a changed option after a pause
    const lastMove = useRef<string | null>(null);
    const key = input ? preflightKey(input) : "";
    // the checks restart when the key changes, not on every new input object; the callback is the latest
    const latest = useRef({ input, onResults });
    latest.current = { input, onResults };
    const hasInput = input !== null;
    // every result as it arrives: a failed check must hold the Migrate button at once
    useEffect(() => {
        const counts = total !== null ? { total, pending: pending.length } : {};
        latest.current.onResults(hasInput ? { results, complete, ...counts } : null);
    }, [results, complete, hasInput, total, pending.length]);
    useEffect(() => {
        const input = latest.current.input;
        if (!input) {
            setResults([]);
            setPending([]);
            setTotal(null);
            setStarting(false);
            setComplete(false);
            return;
        }
        const cached = cache.get(key);
        if (cached) {
            setResults(cached.results);
            setPending([]);
            setTotal(null);
            setStarting(false);
            setCheckedAt(cached.at);
            setComplete(true);
            return;
        }
        // the debounce is for options being typed; a destination chosen is one choice, checked at once
        const move = JSON.stringify([input.uuid, input.sourceUri, input.destinationUri]);
        const debounceMs = move === lastMove.current ? 400 : 0;
        lastMove.current = move;
        let alive = true;
        setResults([]);
        setTotal(null);
        setCheckedAt(null);
        setComplete(false);
        setStarting(true);
        const timer = setTimeout(() => {
            setStarting(false);
            const h = startPreflight(
                { runner, dirtyRates },
                input,
                (r) => {
                    if (alive) setResults((prev) => [...prev, r]);
                },
                (p) => {
                    if (!alive) return;
                    setPending(p);
                    setTotal((t) => t ?? p.length);
                },
            );
            handle.current = h;
            h.done.then(
                (all) => {
                    cache.set(key, all);
                    if (alive) {
                        setResults(all);
                        setCheckedAt(Date.now());
                        setComplete(true);
                    }
                },
                () => undefined,
            );
        }, debounceMs);
        return () => {
            alive = false;
            clearTimeout(timer);
            handle.current?.cancel();
            handle.current = null;
        };
    }, [key, runner, generation]);
    const running = starting || pending.length > 0;
    if (!input) return null;
    // under a summary line: the problems in a fixed order (not as they answer), the checks still running (each
    // can be skipped), then the passed ones, collapsed
    const groups = orderChecks(results);
    const problems = [...groups.blocking, ...groups.warnings, ...groups.info];
    const summary = summaryLine({ results, complete, total, pending: total !== null ? pending.length : null });
    const again = () => {
        cache.forget(key);
        setGeneration((g) => g + 1);
    };
    const row = (r: CheckResult) => (
        <CheckRow
            key={r.id}
            result={r}
            input={input}
            cacheKey={key}
            onChanged={again}
            {...(onTunnel ? { onTunnel } : {})}
        />
    );
    return (
        <div aria-label={_("Pre-flight checks")} role="region" aria-busy={running}>
            {summary && (
                <p data-preflight-summary>
                    {!running && SEVERITY_ICON[worst(results)]}
                    <strong>{summary}</strong>
                </p>
            )}
            {problems.length > 0 && (
                <List isPlain aria-label={_("Pre-flight check results")}>
                    {problems.map(row)}
                </List>
            )}
            {pending.length > 0 && (
                <List isPlain aria-label={_("Checks still running")}>
                    {pending.map((p) => (
                        <ListItem key={p.id} icon={<Spinner size="md" aria-hidden />} data-pending={p.id}>
                            {p.title}…{" "}
                            <Button
                                variant="link"
                                isInline
                                size="sm"
                                aria-label={format(_("Skip $0"), p.title)}
                                onClick={() => handle.current?.cancel(p.id)}
                            >
                                {_("Skip")}
                            </Button>
                        </ListItem>
                    ))}
                </List>
            )}
            {groups.passed.length > 0 && (
                <ExpandableSection
                    toggleText={
                        showPassed
                            ? _("Hide passed checks")
                            : format(
                                  ngettext("Show $0 passed check", "Show $0 passed checks", groups.passed.length),
                                  groups.passed.length,
                              )
                    }
                    isExpanded={showPassed}
                    onToggle={(_e, open) => setShowPassed(open)}
                >
                    <List isPlain aria-label={_("Passed checks")}>
                        {groups.passed.map(row)}
                    </List>
                </ExpandableSection>
            )}
            {checkedAt !== null && !running && (
                <small>
                    {format(_("Checked at $0."), new Date(checkedAt).toLocaleTimeString())}{" "}
                    <Button variant="link" isInline onClick={again}>
                        {_("Check again")}
                    </Button>
                </small>
            )}
        </div>
    );
}

/** One check's line: its icon and title, what to do, the tool that fixes it, its details and commands. */
function CheckRow({
    result: r,
    input,
    cacheKey,
    onTunnel,
    onChanged,
}: {
    result: CheckResult;
    input: PreflightInput;
    cacheKey: string;
    onTunnel?: () => void;
    /** The destination was changed (its firewall): check again. */
    onChanged(): void;
}) {
    const tools = useTools();
    const { runner } = useServices();
    const change = useAction();
    const fw = r.firewall;
    const target = input.destinationTarget;
    return (
        <ListItem icon={SEVERITY_ICON[r.severity]} data-check={r.id} data-severity={r.severity}>
            {r.title}
            {r.fix && r.severity !== "pass" && (
                <div>
                    <small>{r.fix}</small>
                </div>
            )}
            {r.remedy === "cpu-baseline" && tools.openCpuBaseline && (
                <Button
                    variant="link"
                    isInline
                    onClick={() => {
                        cache.forget(cacheKey);
                        tools.openCpuBaseline!({
                            domain: input.domain,
                            uuid: input.uuid,
                            sourceUri: input.sourceUri,
                            destinationUri: input.destinationUri,
                        });
                    }}
                >
                    {_("Make the CPUs compatible (CPU baseline)")}
                </Button>
            )}
            {r.remedy === "shared-storage" && tools.openNfs && (
                <Button
                    variant="link"
                    isInline
                    onClick={() => {
                        cache.forget(cacheKey);
                        tools.openNfs!();
                    }}
                >
                    {_("Set up shared storage (NFS)")}
                </Button>
            )}
            {r.remedy === "tunnelled" && onTunnel && !input.options.tunnelled && (
                <Button variant="link" isInline onClick={onTunnel}>
                    {_("Use tunnelled migration")}
                </Button>
            )}
            {fw && target && (
                <div>
                    <Button
                        variant="secondary"
                        size="sm"
                        isLoading={change.busy}
                        isDisabled={change.busy}
                        onClick={() =>
                            void change.run(() => changeFirewall(runner, target, fw.commands).then(onChanged))
                        }
                    >
                        {fw.open ? _("Open the migration ports there") : _("Close them again")}
                    </Button>
                    {change.failure && <small> {change.failure}</small>}
                    <CommandLine argv={fw.commands} />
                </div>
            )}
            {(r.detail || r.commands.length > 0) && (
                <ExpandableSection toggleText={_("Details")} isIndented>
                    {r.detail && <pre className="cm-command">{r.detail}</pre>}
                    {r.commands.length > 0 && <CommandLine argv={r.commands} label={_("Commands")} />}
                </ExpandableSection>
            )}
        </ListItem>
    );
}
