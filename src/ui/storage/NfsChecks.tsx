import { ExpandableSection, List, ListItem } from "@patternfly/react-core";
import { SEVERITY_ORDER, type CheckResult } from "../../preflight/types";
import { SEVERITY_ICON } from "../severityIcon";
import { CommandLine } from "../CommandLine";
import { _ } from "../../../pkg/lib/gettext";

/** The flow's prerequisite checks, worst first, each with what to do and the commands it ran. */
export function NfsChecks({ results }: { results: CheckResult[] }) {
    const sorted = [...results].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    return (
        <List isPlain aria-label={_("Prerequisite checks")}>
            {sorted.map((r) => (
                <ListItem key={r.id} icon={SEVERITY_ICON[r.severity]} data-check={r.id} data-severity={r.severity}>
                    {r.title}
                    {r.fix && r.severity !== "pass" && (
                        <div>
                            <small>{r.fix}</small>
                        </div>
                    )}
                    {(r.detail || r.commands.length > 0) && (
                        <ExpandableSection toggleText={_("Details")} isIndented>
                            {r.detail && <p>{r.detail}</p>}
                            {r.commands.length > 0 && <CommandLine argv={r.commands} label={_("Commands")} />}
                        </ExpandableSection>
                    )}
                </ListItem>
            ))}
        </List>
    );
}
