/**
 * CPU baseline ("EVC for libvirt"): one CPU definition that runs on every chosen host — read each
 * host's host-model CPU, compare, compute the baseline, validate it everywhere, apply it to VMs,
 * restart them. Loaded only when opened (its own chunk).
 */
import { useMemo, useRef, useState } from "react";
import { Modal, Wizard, WizardHeader, WizardStep } from "@patternfly/react-core";
import { localUri } from "../../hosts/uri";
import { sameHost } from "../../hosts/names";
import { mergeHostCpus, type HostCpu } from "../../cpu/hostcpu";
import {
    computeBaseline,
    fetchHostCpu,
    validateBaseline,
    type Baseline,
    type CpuHost,
    type Validation,
} from "../../cpu/apply";
import { loadHostVms, typeBasis, virtTypeFor, virtTypeWarning, vmKey, type HostApplyResult } from "../../cpu/vms";
import { useKnownHosts, useLoader, useMachineList } from "../hooks";
import { useServices } from "../services";
import { useAction } from "../useAction";
import { errorText } from "../../../pkg/lib/error-text";
import { ApplyStep, RestartStep } from "./CpuApply";
import { BaselineStep, CompareStep, HostsStep, type BaselineOptions, type Fetch } from "./CpuSteps";
import type { CpuPreset } from "../tools";
import { _ } from "../../../pkg/lib/gettext";

const NONE: never[] = [];

/** A host's CPU, cached for the session with the time it was read. */
const cache = new Map<string, { cpu: HostCpu; at: number }>();

export default function CpuBaselineWizard({ onClose, preset }: { onClose(): void; preset?: CpuPreset }) {
    const { runner } = useServices();
    const known = useKnownHosts();
    // one per machine, named as everywhere on the page (This host, not also the known host that is this machine)
    const { hosts: machines, identities } = useMachineList(
        known.data?.hosts ?? NONE,
        preset ? [preset.sourceUri, preset.destinationUri] : NONE,
    );
    const hosts: CpuHost[] = useMemo(() => machines.map((h) => ({ label: h.label, uri: h.uri })), [machines]);
    const [chosen, setChosen] = useState<Set<string> | null>(null);
    // opened from a failed CPU check: the VM's host and the destination, however the check reached them
    const presetHost = (h: CpuHost) =>
        !!preset && [preset.sourceUri, preset.destinationUri].some((uri) => sameHost(h, { uri }, identities));
    const selected = chosen ?? new Set((preset ? hosts.filter(presetHost) : hosts).map((h) => h.uri));
    const chosenHosts = hosts.filter((h) => selected.has(h.uri));
    // the VMs of every chosen host, with the type each runs as: the type follows them
    const hostVms = useLoader(`cpu-vms\n${chosenHosts.map((h) => h.uri).join("\n")}`, () =>
        loadHostVms(runner, chosenHosts),
    );
    const vms = hostVms.data?.flatMap((h) => h.vms) ?? [];
    const basis = typeBasis(vms, preset);
    const derived = virtTypeFor(basis);
    const [pickedType, setVirttype] = useState<string | null>(null);
    const virttype = pickedType ?? derived.virttype;
    const [fetches, setFetches] = useState<Record<string, Fetch>>({});
    // the type the host CPUs were read for: reading them for another type starts again
    const [fetchedType, setFetchedType] = useState<string | null>(null);
    const generation = useRef(0);
    const [options, setOptions] = useState<BaselineOptions>({
        on: localUri("system"),
        features: false,
        // a migration tool: features that block migration (invtsc, …) are left out
        migratable: true,
    });
    const [baseline, setBaseline] = useState<Baseline | null>(null);
    const [validations, setValidations] = useState<Validation[] | null>(null);
    const { busy, failure: error, run } = useAction();
    const [applied, setApplied] = useState<HostApplyResult[]>([]);

    const cpus =
        fetchedType === virttype
            ? chosenHosts.map((h) => fetches[h.uri]).flatMap((f) => (f?.state === "done" ? [f.cpu] : []))
            : [];
    // a string (compared by value), made by joining a few short XMLs: nothing to memoize
    const merged = mergeHostCpus(cpus);
    const allRead = chosenHosts.length > 0 && cpus.length === chosenHosts.length;

    const fetchAll = () => {
        const g = ++generation.current;
        setFetchedType(virttype);
        setBaseline(null);
        setValidations(null);
        for (const h of chosenHosts) {
            const key = `${virttype}\n${h.uri}`;
            const hit = cache.get(key);
            if (hit) {
                setFetches((f) => ({ ...f, [h.uri]: { state: "done", ...hit } }));
                continue;
            }
            setFetches((f) => ({ ...f, [h.uri]: { state: "loading" } }));
            fetchHostCpu(runner, h, virttype).then(
                (cpu) => {
                    const entry = { cpu, at: Date.now() };
                    cache.set(key, entry);
                    if (g === generation.current) setFetches((f) => ({ ...f, [h.uri]: { state: "done", ...entry } }));
                },
                (e) => {
                    if (g === generation.current)
                        setFetches((f) => ({ ...f, [h.uri]: { state: "error", error: errorText(e) } }));
                },
            );
        }
    };
    const cancel = () => {
        generation.current++;
        setFetches((f) =>
            Object.fromEntries(
                Object.entries(f).map(([k, x]) => [k, x.state === "loading" ? { state: "cancelled" } : x]),
            ),
        );
    };
    const compute = () =>
        run(async () => {
            setBaseline(null);
            setValidations(null);
            const on = hosts.find((h) => h.uri === options.on) ?? hosts[0]!;
            const b = await computeBaseline(runner, on, cpus, {
                virttype,
                features: options.features,
                migratable: options.migratable,
            });
            setBaseline(b);
            setValidations(await validateBaseline(runner, chosenHosts, b.xml, virttype));
        });
    const blocked = !!validations?.some((v) => v.verdict === "incompatible");

    return (
        <Modal isOpen onEscapePress={onClose} variant="large" aria-labelledby="cpu-wizard-title">
            <Wizard
                height={640}
                onClose={onClose}
                header={
                    <WizardHeader
                        title={_("CPU baseline")}
                        titleId="cpu-wizard-title"
                        onClose={onClose}
                        closeButtonAriaLabel={_("Close")}
                        description={_(
                            "One CPU definition that runs on every chosen host, so VMs can migrate between them.",
                        )}
                    />
                }
            >
                <WizardStep name={_("Hosts")} id="cpu-step-hosts" footer={{ isNextDisabled: !allRead }}>
                    <HostsStep
                        hosts={hosts}
                        chosen={selected}
                        setChosen={setChosen}
                        virttype={virttype}
                        setVirttype={setVirttype}
                        types={{
                            loading: hostVms.loading && !hostVms.data,
                            derived: derived.virttype,
                            warning: virtTypeWarning(virttype, basis),
                        }}
                        fetches={fetchedType === virttype ? fetches : {}}
                        onFetch={fetchAll}
                        onCancel={cancel}
                    />
                </WizardStep>
                <WizardStep name={_("Compare")} id="cpu-step-compare" isDisabled={!allRead}>
                    <CompareStep cpus={cpus} merged={merged} />
                </WizardStep>
                <WizardStep
                    name={_("Baseline")}
                    id="cpu-step-baseline"
                    isDisabled={!allRead}
                    footer={{ isNextDisabled: !baseline || !validations }}
                >
                    <BaselineStep
                        hosts={chosenHosts}
                        cpus={cpus}
                        options={options}
                        setOptions={setOptions}
                        baseline={baseline}
                        virttype={virttype}
                        validations={validations}
                        busy={busy}
                        error={error}
                        onCompute={() => void compute()}
                    />
                </WizardStep>
                <WizardStep name={_("Apply")} id="cpu-step-apply" isDisabled={!baseline}>
                    {baseline && (
                        <ApplyStep
                            hosts={hostVms.data ?? []}
                            baseline={baseline}
                            blocked={blocked}
                            hostsLabel={chosenHosts.map((h) => h.label)}
                            results={applied}
                            setResults={setApplied}
                            onApplied={hostVms.reload}
                            {...(preset
                                ? { preselect: basis.filter((vm) => vm.domain.uuid === preset.uuid).map(vmKey) }
                                : {})}
                        />
                    )}
                </WizardStep>
                <WizardStep
                    name={_("Restart")}
                    id="cpu-step-restart"
                    isDisabled={!baseline}
                    footer={{ nextButtonText: _("Close"), onNext: onClose }}
                >
                    <RestartStep hosts={hostVms.data ?? []} applied={applied} />
                </WizardStep>
            </Wizard>
        </Modal>
    );
}
