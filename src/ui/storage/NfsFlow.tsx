import { useMemo, useRef, useState } from "react";
import { Alert, Button, ExpandableSection, Modal, ModalBody, ModalFooter, ModalHeader, Spinner, Stack, StackItem } from "@patternfly/react-core";
import { buildPlan } from "../../storage/plan";
import { executeStep, StepError } from "../../storage/run";
import { flowContext } from "../../storage/context";
import { hasAdditions, loadRecord, newRecord, RECORD_PATH, saveRecord } from "../../storage/record";
import { keptData, undoAction, undoPlan } from "../../storage/undo";
import type { FlowRecord, NfsInputs, Step } from "../../storage/types";
import { useKnownHosts, useLoader } from "../hooks";
import { useServices } from "../services";
import { errorText } from "../errorText";
import { CommandLine } from "../CommandLine";
import { NfsSetup } from "./NfsSetup";
import { NfsStep } from "./NfsSteps";
import { _ } from "../../../pkg/lib/gettext";

/** "Shared storage (NFS)": the RHEL shared-images procedure as steps the admin runs one by one or all. */
export default function NfsFlow({ onClose }: { onClose(): void }) {
    const services = useServices();
    const hosts = useKnownHosts();
    const ctx = useMemo(() => flowContext(services.runner, services.files), [services]);
    const saved = useLoader(RECORD_PATH, () => loadRecord(services.files));
    const [record, setRecordState] = useState<FlowRecord | null | undefined>(undefined);
    const current = record === undefined ? saved.data : record;
    const ref = useRef<FlowRecord | null>(null);
    ref.current = current ?? null;
    const [busy, setBusy] = useState(false);
    const [message, setMessage] = useState<{ variant: "danger" | "success" | "info"; title: string; body?: string } | null>(null);

    const commit = async (r: FlowRecord | null) => {
        setRecordState(r ? { ...r, steps: { ...r.steps }, added: { ...r.added } } : null);
        try { await saveRecord(services.files, r) } catch (e) { setMessage({ variant: "danger", title: _("The flow's record could not be saved"), body: errorText(e) }) }
    };
    const plan = useMemo(() => {
        try { return { steps: current ? buildPlan(current.inputs, current.selinuxHosts) : [], error: null } } catch (e) { return { steps: [], error: errorText(e) } }
    }, [current?.inputs, current?.selinuxHosts]);
    const steps = plan.steps;

    const runStep = async (step: Step): Promise<boolean> => {
        const r = ref.current!;
        r.steps[step.id] = { status: "running", output: "" };
        await commit(r);
        try {
            const output = await executeStep(ctx, r, step, part => { r.steps[step.id] = { ...r.steps[step.id]!, ...part }; setRecordState({ ...r, steps: { ...r.steps } }) });
            r.steps[step.id] = { status: "done", output };
            return true;
        } catch (e) {
            r.steps[step.id] = e instanceof StepError ? { status: "failed", output: e.output, error: e.message, fix: e.fix } : { status: "failed", output: "", error: errorText(e) };
            return false;
        } finally { await commit(r) }
    };
    const guard = (f: () => Promise<void>) => async () => { setBusy(true); setMessage(null); try { await f() } finally { setBusy(false) } };
    const runAll = guard(async () => {
        for (const s of steps) {
            if (s.skipReason || ref.current!.steps[s.id]?.status === "done") continue;
            if (!await runStep(s)) return;
        }
        setMessage({ variant: "success", title: _("All steps are done") });
    });
    const undo = guard(async () => {
        const r = ref.current!;
        const out: string[] = [];
        try {
            for (const a of undoPlan(r)) { out.push(await undoAction(ctx, r, a)); await commit(r) }
            for (const id of Object.keys(r.steps)) r.steps[id] = { status: "pending", output: "" };
            await commit(r);
            setMessage({ variant: "success", title: _("Undone: the flow's additions were removed"), body: [...out, ...keptData(r).map(p => `Kept (data): ${p}`)].join("\n") });
        } catch (e) { await commit(r); setMessage({ variant: "danger", title: errorText(e), body: out.join("\n") }) }
    });
    const prepare = (inputs: NfsInputs, selinux: string[]) => void commit(newRecord(inputs, selinux));

    const pendingUndo = current ? undoPlan(current) : [];
    return (
        <Modal isOpen onClose={onClose} variant="large" aria-labelledby="nfs-title">
            <ModalHeader title={_("Shared storage (NFS)")} labelId="nfs-title"
                description={_("Share the VMs' disk images between hosts over NFS: directory, copy, /etc/exports, exportfs, SELinux, mount on the clients.")} />
            <ModalBody>
                <Stack hasGutter>
                    {plan.error && <StackItem><Alert variant="danger" isInline title={_("The saved flow cannot be resumed")}>{plan.error}</Alert></StackItem>}
                    {message && <StackItem><Alert variant={message.variant} isInline title={message.title}>{message.body && <pre className="cm-command">{message.body}</pre>}</Alert></StackItem>}
                    {current === undefined || (saved.loading && record === undefined) ? <Spinner aria-label={_("Loading")} />
                        : current === null ? <NfsSetup known={hosts.data?.hosts ?? []} onPrepare={prepare} />
                            : steps.map(s => <StackItem key={s.id}><NfsStep step={s} state={current.steps[s.id]} busy={busy} onRun={guard(async () => { await runStep(s) })} /></StackItem>)}
                    {current && pendingUndo.length > 0 && (
                        <StackItem>
                            <ExpandableSection toggleText={_("What Undo removes")}>
                                {pendingUndo.map(a => <div key={a.id}><p>{a.title}</p>{a.commands.length > 0 && <CommandLine argv={a.commands} label={a.title} />}</div>)}
                            </ExpandableSection>
                        </StackItem>
                    )}
                </Stack>
            </ModalBody>
            <ModalFooter>
                {current && <Button variant="primary" onClick={() => void runAll()} isDisabled={busy}>{_("Run all steps")}</Button>}
                {current && <Button variant="danger" onClick={() => void undo()} isDisabled={busy || !hasAdditions(current)}>{_("Undo")}</Button>}
                {current && <Button variant="secondary" onClick={() => void commit(null)} isDisabled={busy || hasAdditions(current)}>{_("Start over")}</Button>}
                <Button variant="link" onClick={onClose}>{_("Close")}</Button>
            </ModalFooter>
        </Modal>
    );
}
