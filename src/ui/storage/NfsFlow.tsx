import { useMemo, useState } from "react";
import {
    Alert,
    Button,
    ExpandableSection,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Spinner,
    Stack,
    StackItem,
} from "@patternfly/react-core";
import { buildPlan } from "../../storage/plan";
import { runRecordedStep, undoRecorded, type StepRun } from "../../storage/flow";
import { runSteps } from "../../storage/steps";
import { flowContext } from "../../storage/context";
import { hasAdditions, loadRecord, newRecord, RECORD_PATH, replaceRecord } from "../../storage/record";
import { keptData, undoPlan } from "../../storage/undo";
import type { FlowRecord, NfsInputs, Step } from "../../storage/types";
import { useKnownHosts, useLoader } from "../hooks";
import { useServices } from "../services";
import { errorText } from "../../../pkg/lib/error-text";
import { CodeText, CommandLine } from "../CommandLine";
import { NfsSetup } from "./NfsSetup";
import { NfsStep } from "./NfsSteps";
import { _, format } from "../../../pkg/lib/gettext";

/** Text to read and copy under a message's title, its label and its Copy button's. */
type MessageBody = { text: string; label: string; copy: string };
const errorBody = (parts: (string | undefined)[]): MessageBody => ({
    text: parts.filter(Boolean).join("\n"),
    label: _("Error details"),
    copy: _("Copy the error"),
});
const undoBody = (lines: string[]): MessageBody => ({
    text: lines.join("\n"),
    label: _("Undo output"),
    copy: _("Copy Undo's output"),
});

/** "Shared storage (NFS)": the RHEL shared-images procedure as steps the admin runs one by one or all. */
export default function NfsFlow({ onClose }: { onClose(): void }) {
    const services = useServices();
    const hosts = useKnownHosts();
    const ctx = useMemo(() => flowContext(services.runner, services.files), [services]);
    const saved = useLoader(RECORD_PATH, () => loadRecord(services.files));
    const [record, setRecordState] = useState<FlowRecord | null | undefined>(undefined);
    const current = record === undefined ? saved.data : record;
    const [busy, setBusy] = useState(false);
    const [message, setMessage] = useState<{
        variant: "danger" | "success" | "info";
        title: string;
        body?: MessageBody;
    } | null>(null);

    const show = (r: FlowRecord | null) => setRecordState(r);
    // a new flow or "start over" replaces the record, but only the one this dialog shows
    const replace = async (r: FlowRecord | null) => {
        try {
            await replaceRecord(services.files, current ?? null, r);
            show(r);
        } catch (e) {
            setMessage({
                variant: "danger",
                title: _("The flow's record could not be saved"),
                body: errorBody([errorText(e), (e as { fix?: string }).fix]),
            });
            saved.reload();
            setRecordState(undefined);
        }
    };
    // the plan follows the record's inputs, not every new record object (a step's progress)
    const shown = !!current;
    const inputs = current?.inputs;
    const selinuxHosts = current?.selinuxHosts;
    const plan = useMemo(() => {
        try {
            return { steps: shown ? buildPlan(inputs!, selinuxHosts!) : [], error: null };
        } catch (e) {
            return { steps: [], error: errorText(e) };
        }
    }, [shown, inputs, selinuxHosts]);
    const steps = plan.steps;

    const saveFailed = (r: StepRun) => {
        if (r.error)
            setMessage({
                variant: "danger",
                title: _("The flow's record could not be saved"),
                body: errorBody([r.error.message, r.error.fix]),
            });
    };
    const runStep = async (step: Step) => saveFailed(await runRecordedStep(ctx, services.files, current!, step, show));
    const guard = (f: () => Promise<void>) => async () => {
        setBusy(true);
        setMessage(null);
        try {
            await f();
        } finally {
            setBusy(false);
        }
    };
    const runAll = guard(async () => {
        const r = await runSteps(ctx, services.files, current!, steps, show);
        saveFailed(r);
        if (r.ok) setMessage({ variant: "success", title: _("All steps are done") });
    });
    const undo = guard(async () => {
        const r = await undoRecorded(ctx, services.files, current!, show);
        if (r.error)
            setMessage({
                variant: "danger",
                title: r.error,
                body: undoBody(r.output),
            });
        else
            setMessage({
                variant: "success",
                title: _("Undone: the flow's additions were removed"),
                body: undoBody([...r.output, ...keptData(r.record).map((p) => format(_("Kept (data): $0"), p))]),
            });
    });
    const prepare = (inputs: NfsInputs, selinux: string[]) => void replace(newRecord(inputs, selinux));

    const pendingUndo = current ? undoPlan(current) : [];
    return (
        <Modal isOpen onClose={onClose} variant="large" aria-labelledby="nfs-title">
            <ModalHeader
                title={_("Shared storage (NFS)")}
                labelId="nfs-title"
                description={_(
                    "Share the VMs' disk images between hosts over NFS: directory, copy, /etc/exports, exportfs, SELinux, mount on the clients.",
                )}
            />
            <ModalBody>
                <Stack hasGutter>
                    {plan.error && (
                        <StackItem>
                            <Alert variant="danger" isInline title={_("The saved flow cannot be resumed")}>
                                {plan.error}
                            </Alert>
                        </StackItem>
                    )}
                    {message && (
                        <StackItem>
                            <Alert variant={message.variant} isInline title={message.title}>
                                {message.body && (
                                    <CodeText
                                        text={message.body.text}
                                        label={message.body.label}
                                        copyLabel={message.body.copy}
                                    />
                                )}
                            </Alert>
                        </StackItem>
                    )}
                    {current === undefined || (saved.loading && record === undefined) ? (
                        <Spinner aria-label={_("Loading")} />
                    ) : current === null ? (
                        <NfsSetup known={hosts.data?.hosts ?? []} onPrepare={prepare} />
                    ) : (
                        steps.map((s) => (
                            <StackItem key={s.id}>
                                <NfsStep
                                    step={s}
                                    state={current.steps[s.id]}
                                    busy={busy}
                                    onRun={guard(async () => {
                                        await runStep(s);
                                    })}
                                />
                            </StackItem>
                        ))
                    )}
                    {current && pendingUndo.length > 0 && (
                        <StackItem>
                            <ExpandableSection toggleText={_("What Undo removes")}>
                                {pendingUndo.map((a) => (
                                    <div key={a.id}>
                                        <p>{a.title}</p>
                                        {a.commands.length > 0 && <CommandLine argv={a.commands} label={a.title} />}
                                    </div>
                                ))}
                            </ExpandableSection>
                        </StackItem>
                    )}
                </Stack>
            </ModalBody>
            <ModalFooter>
                {current && (
                    <Button variant="primary" onClick={() => void runAll()} isDisabled={busy}>
                        {_("Run all steps")}
                    </Button>
                )}
                {current && (
                    <Button variant="danger" onClick={() => void undo()} isDisabled={busy || !hasAdditions(current)}>
                        {_("Undo")}
                    </Button>
                )}
                {current && (
                    <Button
                        variant="secondary"
                        onClick={() => void replace(null)}
                        isDisabled={busy || hasAdditions(current)}
                    >
                        {_("Start over")}
                    </Button>
                )}
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}
