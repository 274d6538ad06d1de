import { useEffect, useRef, useState } from "react";
import { Button, ExpandableSection, Flex, FlexItem, List, ListItem, Spinner } from "@patternfly/react-core";
import { startPreflight, type PendingCheck, type PreflightHandle, type PreflightInput } from "../preflight/checks";
import { PreflightCache, preflightKey } from "../preflight/cache";
import { DirtyRateMeter } from "../preflight/dirtyrate";
import { SEVERITY_ORDER, type CheckResult } from "../preflight/types";
import type { PreflightProgress } from "../preflight/gate";
import { useServices } from "./services";
import { useTools } from "./tools";
import { SEVERITY_ICON } from "./severityIcon";
import { CommandLine } from "./CommandLine";
import { _, format } from "../../pkg/lib/gettext";

/** Results of complete runs, kept for a minute per VM + destination + options. */
const cache = new PreflightCache();
/** One dirty-rate measurement per VM, shared by the runs for each destination and option the admin tries. */
export const dirtyRates = new DirtyRateMeter();

/** Runs the pre-flight checks for a destination (again when the input changes) and lists them. A check's fix
 *  (CPU baseline, NFS) opens over the Migrate dialog, which steps aside and checks again when it comes back. */
export function Preflight({
    input,
    onResults,
}: {
    input: PreflightInput | null;
    onResults(r: PreflightProgress | null): void;
}) {
    const { runner } = useServices();
    const tools = useTools();
    const [results, setResults] = useState<CheckResult[]>([]);
    const [pending, setPending] = useState<PendingCheck[]>([]);
    const [checkedAt, setCheckedAt] = useState<number | null>(null);
    const [generation, setGeneration] = useState(0);
    // between an input change and the start of the checks (a 400 ms debounce) the region is busy too
    const [starting, setStarting] = useState(false);
    const [complete, setComplete] = useState(false);
    const handle = useRef<PreflightHandle | null>(null);
    const key = input ? preflightKey(input) : "";
    // the checks restart when the key changes, not on every new input object; the callback is the latest
    const latest = useRef({ input, onResults });
    latest.current = { input, onResults };
    const hasInput = input !== null;
    // every result as it arrives: a failed check must hold the Migrate button at once
    useEffect(() => {
        latest.current.onResults(hasInput ? { results, complete } : null);
    }, [results, complete, hasInput]);
    useEffect(() => {
        const input = latest.current.input;
        if (!input) {
            setResults([]);
            setPending([]);
            setStarting(false);
            setComplete(false);
            return;
        }
        const cached = cache.get(key);
        if (cached) {
            setResults(cached.results);
            setPending([]);
            setStarting(false);
            setCheckedAt(cached.at);
            setComplete(true);
            return;
        }
        let alive = true;
        setResults([]);
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
                    if (alive) setPending(p);
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
        }, 400);
        return () => {
            alive = false;
            clearTimeout(timer);
            handle.current?.cancel();
            handle.current = null;
        };
    }, [key, runner, generation]);
    const running = starting || pending.length > 0;
    if (!input) return null;
    const sorted = [...results].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    return (
        <div aria-label={_("Pre-flight checks")} role="region" aria-busy={running}>
            <List isPlain aria-label={_("Pre-flight check results")}>
                {sorted.map((r) => (
                    <ListItem key={r.id} icon={SEVERITY_ICON[r.severity]} data-check={r.id} data-severity={r.severity}>
                        {r.title}
                        {(r.fix || r.detail || r.commands.length > 0) && r.severity !== "pass" && (
                            <div>{r.fix && <small>{r.fix}</small>}</div>
                        )}
                        {r.remedy === "cpu-baseline" && tools.openCpuBaseline && input && (
                            <Button
                                variant="link"
                                isInline
                                onClick={() => {
                                    cache.forget(key);
                                    tools.openCpuBaseline!({
                                        domain: input.domain,
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
                                    cache.forget(key);
                                    tools.openNfs!();
                                }}
                            >
                                {_("Set up shared storage (NFS)")}
                            </Button>
                        )}
                        {(r.detail || r.commands.length > 0) && (
                            <ExpandableSection toggleText={_("Details")} isIndented>
                                {r.detail && <pre className="cm-command">{r.detail}</pre>}
                                {r.commands.length > 0 && <CommandLine argv={r.commands} label={_("Commands")} />}
                            </ExpandableSection>
                        )}
                    </ListItem>
                ))}
            </List>
            {pending.length > 0 && (
                <List isPlain aria-label={_("Checks still running")}>
                    {pending.map((p) => (
                        <ListItem key={p.id} icon={<Spinner size="md" aria-hidden />} data-pending={p.id}>
                            <Flex spaceItems={{ default: "spaceItemsSm" }}>
                                <FlexItem>{p.title}…</FlexItem>
                                <FlexItem>
                                    <Button
                                        variant="link"
                                        isInline
                                        size="sm"
                                        aria-label={format(_("Cancel check: $0"), p.title)}
                                        onClick={() => handle.current?.cancel(p.id)}
                                    >
                                        {_("Cancel")}
                                    </Button>
                                </FlexItem>
                            </Flex>
                        </ListItem>
                    ))}
                </List>
            )}
            {checkedAt !== null && !running && (
                <small>
                    {format(_("Checked at $0."), new Date(checkedAt).toLocaleTimeString())}{" "}
                    <Button
                        variant="link"
                        isInline
                        onClick={() => {
                            cache.forget(key);
                            setGeneration((g) => g + 1);
                        }}
                    >
                        {_("Check again")}
                    </Button>
                </small>
            )}
        </div>
    );
}
