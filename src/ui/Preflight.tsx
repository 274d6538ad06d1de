import { useEffect, useState } from "react";
import { ExpandableSection, Icon, List, ListItem, Spinner } from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon, ExclamationTriangleIcon, InfoCircleIcon } from "@patternfly/react-icons";
import { runPreflight, type PreflightInput } from "../preflight/checks";
import { SEVERITY_ORDER, type CheckResult } from "../preflight/types";
import { useServices } from "./services";
import { CommandLine } from "./CommandLine";
import { _ } from "../../pkg/lib/gettext";

const ICON = {
    pass: <Icon status="success"><CheckCircleIcon /></Icon>,
    info: <Icon status="info"><InfoCircleIcon /></Icon>,
    warning: <Icon status="warning"><ExclamationTriangleIcon /></Icon>,
    error: <Icon status="danger"><ExclamationCircleIcon /></Icon>,
};

/** Runs the pre-flight checks for a destination (again when the input changes) and lists them. */
export function Preflight({ input, onResults }: { input: PreflightInput | null; onResults(r: CheckResult[] | null): void }) {
    const { runner } = useServices();
    const [results, setResults] = useState<CheckResult[]>([]);
    const [running, setRunning] = useState(false);
    const key = input ? JSON.stringify([input.domain, input.sourceUri, input.destinationUri, input.options.storage, input.options.bandwidthMiBs, input.live]) : "";
    useEffect(() => {
        if (!input) { setResults([]); onResults(null); return }
        let alive = true;
        setResults([]); setRunning(true); onResults(null);
        const timer = setTimeout(() => {
            runPreflight({ runner }, input, r => { if (alive) setResults(prev => [...prev, r]) })
                .then(all => { if (alive) { setRunning(false); onResults(all) } }, () => { if (alive) setRunning(false) });
        }, 400);
        return () => { alive = false; clearTimeout(timer) };
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [key, runner]);
    if (!input) return null;
    const sorted = [...results].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    return (
        <div aria-label={_("Pre-flight checks")} role="region" aria-busy={running}>
            <List isPlain aria-label={_("Pre-flight check results")}>
                {sorted.map(r => (
                    <ListItem key={r.id} icon={ICON[r.severity]} data-check={r.id} data-severity={r.severity}>
                        {r.title}
                        {(r.fix || r.detail || r.commands.length > 0) && r.severity !== "pass" && (
                            <div>{r.fix && <small>{r.fix}</small>}</div>
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
            {running && <Spinner size="md" aria-label={_("Checking")} />}
        </div>
    );
}
