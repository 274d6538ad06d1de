import { ExpandableSection, Icon, List, ListItem } from "@patternfly/react-core";
import {
    CheckCircleIcon,
    ExclamationCircleIcon,
    ExclamationTriangleIcon,
    InfoCircleIcon,
} from "@patternfly/react-icons";
import { SEVERITY_ORDER, type CheckResult } from "../../preflight/types";
import { CommandLine } from "../CommandLine";
import { _ } from "../../../pkg/lib/gettext";

const ICON = {
    pass: (
        <Icon status="success">
            <CheckCircleIcon />
        </Icon>
    ),
    info: (
        <Icon status="info">
            <InfoCircleIcon />
        </Icon>
    ),
    warning: (
        <Icon status="warning">
            <ExclamationTriangleIcon />
        </Icon>
    ),
    error: (
        <Icon status="danger">
            <ExclamationCircleIcon />
        </Icon>
    ),
};

/** The flow's prerequisite checks, worst first, each with what to do and the commands it ran. */
export function NfsChecks({ results }: { results: CheckResult[] }) {
    const sorted = [...results].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    return (
        <List isPlain aria-label={_("Prerequisite checks")}>
            {sorted.map((r) => (
                <ListItem key={r.id} icon={ICON[r.severity]} data-check={r.id} data-severity={r.severity}>
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
