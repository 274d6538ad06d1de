import { Alert, Button, ExpandableSection, Label, Progress, Stack, StackItem, Title } from "@patternfly/react-core";
import type { Step, StepState } from "../../storage/types";
import { stepStatus } from "../../storage/steps";
import { CodeText, CommandLine } from "../CommandLine";
import { formatBytes } from "../format";
import { _, format } from "../../../pkg/lib/gettext";

const STATUS: Record<StepState["status"], [string, "grey" | "blue" | "green" | "red" | "orange"]> = {
    pending: [_("Not run"), "grey"],
    running: [_("Running"), "blue"],
    done: [_("Done"), "green"],
    failed: [_("Failed"), "red"],
    skipped: [_("Skipped"), "orange"],
};

/** One step: host, title, status, the exact commands and file edits, output, and why it failed. */
export function NfsStep({
    step,
    state,
    busy,
    onRun,
}: {
    step: Step;
    state: StepState | undefined;
    busy: boolean;
    onRun(): void;
}) {
    const status = stepStatus(step, state);
    const [text, color] = STATUS[status];
    const p = state?.progress;
    return (
        <section aria-label={step.title} data-step={step.id} data-status={status} className="cm-nfs-step">
            <Stack hasGutter>
                <StackItem>
                    <Title headingLevel="h3" size="md">
                        <Label color={color} isCompact>
                            {text}
                        </Label>{" "}
                        {step.title}
                    </Title>
                    <small>
                        {format(_("On $0"), step.host.label)}
                        {step.skipReason ? ` — ${step.skipReason}` : ""}
                    </small>
                </StackItem>
                {p && status === "running" && (
                    <StackItem>
                        <Progress
                            aria-label={format(_("Progress of $0"), step.title)}
                            value={p.total ? Math.min(100, (100 * p.bytes) / p.total) : 0}
                            label={`${formatBytes(p.bytes)} / ${formatBytes(p.total)}${p.rate ? ` — ${p.rate}` : ""}`}
                        />
                    </StackItem>
                )}
                <StackItem>
                    <ExpandableSection toggleText={_("Commands")} isIndented>
                        {step.commands.length > 0 && (
                            <CommandLine argv={step.commands} label={format(_("Commands of $0"), step.title)} />
                        )}
                        {step.edits.map((e) => (
                            <p key={e.path}>
                                {format(
                                    _(
                                        "Edits $0 (only the line marked as this flow's, through a tag-checked replace, with a backup):",
                                    ),
                                    e.path,
                                )}{" "}
                                <code>{e.line}</code>
                            </p>
                        ))}
                    </ExpandableSection>
                </StackItem>
                {state?.error && (
                    <StackItem>
                        <Alert variant="danger" isInline title={state.error} data-step-error={step.id}>
                            {state.fix}
                        </Alert>
                    </StackItem>
                )}
                {state?.output?.trim() && (
                    <StackItem>
                        <CodeText
                            text={state.output}
                            label={format(_("Output of $0"), step.title)}
                            copyLabel={format(_("Copy the output: $0"), step.title)}
                        />
                    </StackItem>
                )}
                {!step.skipReason && (
                    <StackItem>
                        <Button
                            variant="secondary"
                            size="sm"
                            isDisabled={busy}
                            onClick={onRun}
                            aria-label={format(_("Run: $0"), step.title)}
                        >
                            {status === "done" ? _("Run again") : status === "failed" ? _("Retry") : _("Run")}
                        </Button>
                    </StackItem>
                )}
            </Stack>
        </section>
    );
}
