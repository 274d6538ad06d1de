/** The CPU-baseline wizard's first three steps: hosts, comparison, baseline and its validation. */
import {
    Alert,
    Button,
    Checkbox,
    Flex,
    FlexItem,
    FormGroup,
    FormHelperText,
    FormSelect,
    FormSelectOption,
    HelperText,
    HelperTextItem,
    Label,
    Spinner,
    Stack,
    StackItem,
    Title,
} from "@patternfly/react-core";
import { Td, Tr } from "@patternfly/react-table";
import { featureMatrix, losses, type HostCpu } from "../../cpu/hostcpu";
import type { Baseline, CpuHost, Validation } from "../../cpu/apply";
import * as c from "../../virsh/cpu";
import { CodeText, CommandLine } from "../CommandLine";
import { StatusTable } from "../StatusTable";
import { _, format, ngettext } from "../../../pkg/lib/gettext";

export type Fetch =
    | { state: "loading" }
    | { state: "done"; cpu: HostCpu; at: number }
    | { state: "error"; error: string }
    | { state: "cancelled" };

export function HostsStep({
    hosts,
    chosen,
    setChosen,
    virttype,
    setVirttype,
    types,
    fetches,
    onFetch,
    onCancel,
}: {
    hosts: CpuHost[];
    chosen: Set<string>;
    setChosen(s: Set<string>): void;
    virttype: string;
    setVirttype(v: string): void;
    /** What the type follows: the chosen VMs' types (still loading; the type they run as; a mismatch). */
    types: { loading: boolean; derived: string; warning: string | null };
    fetches: Record<string, Fetch>;
    onFetch(): void;
    onCancel(): void;
}) {
    const busy = Object.values(fetches).some((f) => f.state === "loading");
    return (
        <Stack hasGutter>
            <StackItem>
                {_(
                    "Choose the hosts the VMs must be able to run on. Each host's host-model CPU is read with virsh domcapabilities.",
                )}
            </StackItem>
            <StackItem>
                <FormGroup role="group" label={_("Hosts")} fieldId="cpu-hosts">
                    <Flex spaceItems={{ default: "spaceItemsLg" }}>
                        {hosts.map((h) => (
                            <FlexItem key={h.uri}>
                                <Checkbox
                                    id={`cpu-host-${h.uri}`}
                                    label={h.label}
                                    isChecked={chosen.has(h.uri)}
                                    onChange={(_e, on) => {
                                        const n = new Set(chosen);
                                        if (on) n.add(h.uri);
                                        else n.delete(h.uri);
                                        setChosen(n);
                                    }}
                                />
                            </FlexItem>
                        ))}
                    </Flex>
                </FormGroup>
            </StackItem>
            <StackItem>
                <FormGroup label={_("Virtualization type")} fieldId="cpu-virttype">
                    <FormSelect
                        id="cpu-virttype"
                        value={virttype}
                        onChange={(_e, v) => setVirttype(v)}
                        style={{ maxWidth: "20em" }}
                    >
                        <FormSelectOption value="kvm" label={_("KVM (hardware virtualization)")} />
                        <FormSelectOption value="qemu" label={_("QEMU (software emulation, TCG)")} />
                    </FormSelect>
                    <FormHelperText>
                        <HelperText>
                            <HelperTextItem data-virttype-from={types.loading ? "loading" : types.derived}>
                                {types.loading ? _("Reading the VMs…") : format(_("The VMs run as $0."), types.derived)}
                            </HelperTextItem>
                        </HelperText>
                    </FormHelperText>
                </FormGroup>
            </StackItem>
            <TypeWarning text={types.warning} />
            <StackItem>
                <Flex>
                    <FlexItem>
                        <Button onClick={onFetch} isDisabled={chosen.size === 0 || busy || types.loading}>
                            {_("Read host CPUs")}
                        </Button>
                    </FlexItem>
                    {busy && (
                        <FlexItem>
                            <Button variant="link" onClick={onCancel}>
                                {_("Cancel")}
                            </Button>
                        </FlexItem>
                    )}
                </Flex>
            </StackItem>
            <StackItem>
                <StatusTable
                    label={_("Host CPUs")}
                    columns={[_("Host"), _("State"), _("CPU model"), _("Vendor"), _("Features")]}
                >
                    {hosts
                        .filter((h) => chosen.has(h.uri) && fetches[h.uri])
                        .map((h) => {
                            const f = fetches[h.uri]!;
                            return (
                                <Tr key={h.uri} data-cpu-host={h.label} data-state={f.state}>
                                    <Td dataLabel={_("Host")}>{h.label}</Td>
                                    <Td dataLabel={_("State")}>
                                        {f.state === "loading" ? (
                                            <Spinner size="md" aria-label={_("Reading")} />
                                        ) : f.state === "done" ? (
                                            format(_("Read at $0"), new Date(f.at).toLocaleTimeString())
                                        ) : f.state === "error" ? (
                                            <span>{f.error}</span>
                                        ) : (
                                            _("Cancelled")
                                        )}
                                    </Td>
                                    <Td dataLabel={_("CPU model")}>{f.state === "done" ? f.cpu.model : "—"}</Td>
                                    <Td dataLabel={_("Vendor")}>{f.state === "done" ? f.cpu.vendor : "—"}</Td>
                                    <Td dataLabel={_("Features")}>
                                        {f.state === "done"
                                            ? f.cpu.features.filter((x) => x.policy === "require").length
                                            : "—"}
                                    </Td>
                                </Tr>
                            );
                        })}
                </StatusTable>
            </StackItem>
            <StackItem>
                <CommandLine
                    argv={hosts.filter((h) => chosen.has(h.uri)).map((h) => c.domcapabilities(h.uri, virttype))}
                    label={_("Commands")}
                />
            </StackItem>
        </Stack>
    );
}

export function CompareStep({ cpus, merged }: { cpus: HostCpu[]; merged: string }) {
    const matrix = featureMatrix(cpus);
    const lacking = matrix.filter((r) => !r.hosts.every(Boolean));
    const download = () => {
        const url = URL.createObjectURL(new Blob([merged], { type: "application/xml" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = "host-cpus.xml";
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    return (
        <Stack hasGutter>
            <StackItem>
                {lacking.length === 0 ? (
                    <Alert isInline isPlain variant="success" title={_("Every host offers the same features")} />
                ) : (
                    <Alert
                        isInline
                        isPlain
                        variant="info"
                        title={format(
                            ngettext(
                                "$0 feature is missing on at least one host",
                                "$0 features are missing on at least one host",
                                lacking.length,
                            ),
                            lacking.length,
                        )}
                    />
                )}
            </StackItem>
            <StackItem>
                <StatusTable label={_("Feature matrix")} columns={[_("Feature"), ...cpus.map((h) => h.host)]} sticky>
                    <Tr>
                        <Td dataLabel={_("Feature")}>
                            <strong>{_("Model")}</strong>
                        </Td>
                        {cpus.map((h) => (
                            <Td key={h.host} dataLabel={h.host}>
                                {h.model} ({h.vendor})
                            </Td>
                        ))}
                    </Tr>
                    {matrix.slice(0, 200).map((r) => (
                        <Tr key={r.feature} data-feature={r.feature}>
                            <Td dataLabel={_("Feature")}>{r.feature}</Td>
                            {r.hosts.map((has, i) => (
                                <Td key={cpus[i]!.host} dataLabel={cpus[i]!.host}>
                                    {has ? (
                                        _("yes")
                                    ) : (
                                        <Label color="orange" isCompact>
                                            {_("missing")}
                                        </Label>
                                    )}
                                </Td>
                            ))}
                        </Tr>
                    ))}
                </StatusTable>
            </StackItem>
            <StackItem>
                <Title headingLevel="h3" size="md">
                    {_("The merged input of hypervisor-cpu-baseline")}
                </Title>
                <Button variant="secondary" size="sm" onClick={download}>
                    {_("Download host-cpus.xml")}
                </Button>
                <CodeText
                    text={merged}
                    label={_("Merged CPU document")}
                    copyLabel={_("Copy host-cpus.xml")}
                    maxHeight="12em"
                />
            </StackItem>
        </Stack>
    );
}

export interface BaselineOptions {
    on: string;
    features: boolean;
    migratable: boolean;
}

export function BaselineStep({
    hosts,
    cpus,
    options,
    setOptions,
    baseline,
    validations,
    busy,
    error,
    onCompute,
    virttype,
}: {
    virttype: string;
    hosts: CpuHost[];
    cpus: HostCpu[];
    options: BaselineOptions;
    setOptions(o: BaselineOptions): void;
    baseline: Baseline | null;
    validations: Validation[] | null;
    busy: boolean;
    error: string | null;
    onCompute(): void;
}) {
    const incompatible = validations?.filter((v) => v.verdict === "incompatible") ?? [];
    return (
        <Stack hasGutter>
            <StackItem>
                <Flex alignItems={{ default: "alignItemsFlexEnd" }}>
                    <FlexItem>
                        <FormGroup label={_("Compute on")} fieldId="cpu-on">
                            <FormSelect
                                id="cpu-on"
                                value={options.on}
                                onChange={(_e, on) => setOptions({ ...options, on })}
                            >
                                {hosts.map((h) => (
                                    <FormSelectOption key={h.uri} value={h.uri} label={h.label} />
                                ))}
                            </FormSelect>
                        </FormGroup>
                    </FlexItem>
                    <FlexItem>
                        <Checkbox
                            id="cpu-features"
                            label={_("List all features (--features)")}
                            isChecked={options.features}
                            onChange={(_e, features) => setOptions({ ...options, features })}
                        />
                    </FlexItem>
                    <FlexItem>
                        <Checkbox
                            id="cpu-migratable"
                            label={_("Migratable features only (--migratable)")}
                            isChecked={options.migratable}
                            onChange={(_e, migratable) => setOptions({ ...options, migratable })}
                        />
                    </FlexItem>
                    <FlexItem>
                        <Button onClick={onCompute} isLoading={busy} isDisabled={busy || cpus.length === 0}>
                            {_("Compute baseline")}
                        </Button>
                    </FlexItem>
                </Flex>
            </StackItem>
            {error && (
                <StackItem>
                    <Alert isInline variant="danger" title={_("The baseline could not be computed")}>
                        {error}
                    </Alert>
                </StackItem>
            )}
            {baseline && (
                <StackItem data-baseline-model={baseline.model ?? ""}>
                    <Title headingLevel="h3" size="md">
                        {format(
                            ngettext(
                                "Baseline: $0 ($1), $2 feature required",
                                "Baseline: $0 ($1), $2 features required",
                                baseline.features.filter((f) => f.policy === "require").length,
                            ),
                            baseline.model ?? "?",
                            baseline.vendor ?? "?",
                            baseline.features.filter((f) => f.policy === "require").length,
                        )}
                    </Title>
                    <StatusTable
                        label={_("Validation on every host")}
                        columns={[_("Host"), _("hypervisor-cpu-compare"), _("What the host gives up")]}
                    >
                        {cpus.map((h) => {
                            const v = validations?.find((x) => x.host === h.host);
                            const lost = losses(h, baseline);
                            return (
                                <Tr key={h.host} data-validation={h.host} data-verdict={v?.verdict ?? "pending"}>
                                    <Td dataLabel={_("Host")}>{h.host}</Td>
                                    <Td dataLabel={_("hypervisor-cpu-compare")}>
                                        {!v ? (
                                            <Spinner size="md" aria-label={_("Checking")} />
                                        ) : (
                                            <>
                                                <Label
                                                    isCompact
                                                    color={
                                                        v.verdict === "incompatible"
                                                            ? "red"
                                                            : v.verdict === "unknown"
                                                              ? "orange"
                                                              : "green"
                                                    }
                                                >
                                                    {v.verdict === "incompatible"
                                                        ? _("Incompatible")
                                                        : v.verdict === "identical"
                                                          ? _("Identical")
                                                          : v.verdict === "superset"
                                                            ? _("Compatible (superset)")
                                                            : _("Unknown")}
                                                </Label>{" "}
                                                {v.verdict === "incompatible" && v.reason}
                                            </>
                                        )}
                                    </Td>
                                    <Td dataLabel={_("What the host gives up")}>
                                        {[
                                            lost.model && format(_("model $0"), lost.model),
                                            lost.features.length
                                                ? format(
                                                      ngettext(
                                                          "$0 feature: $1",
                                                          "$0 features: $1",
                                                          lost.features.length,
                                                      ),
                                                      lost.features.length,
                                                      lost.features.slice(0, 12).join(", ") +
                                                          (lost.features.length > 12 ? "…" : ""),
                                                  )
                                                : null,
                                        ]
                                            .filter(Boolean)
                                            .join("; ") || _("nothing")}
                                    </Td>
                                </Tr>
                            );
                        })}
                    </StatusTable>
                </StackItem>
            )}
            {incompatible.length > 0 && (
                <StackItem>
                    <Alert
                        isInline
                        variant="danger"
                        title={format(_("The baseline does not run on $0"), incompatible.map((v) => v.host).join(", "))}
                    >
                        {_(
                            "VMs with this CPU could not start or migrate there. Remove those hosts, or compute the baseline on another host.",
                        )}
                    </Alert>
                </StackItem>
            )}
            {baseline && (
                <StackItem>
                    <CodeText
                        text={baseline.xml}
                        label={_("Baseline CPU")}
                        copyLabel={_("Copy the baseline")}
                        maxHeight="10em"
                    />
                </StackItem>
            )}
            <StackItem>
                <CommandLine
                    label={_("Commands")}
                    argv={[
                        c.hypervisorCpuBaseline(options.on || "qemu:///system", {
                            virttype,
                            features: options.features,
                            migratable: options.migratable,
                        }),
                        ...hosts.map((h) => c.cpuCompare(h.uri, virttype)),
                    ]}
                />
            </StackItem>
        </Stack>
    );
}

/** The VMs that run as another type than the baseline's (virtTypeWarning), or nothing. */
export function TypeWarning({ text }: { text: string | null }) {
    return (
        text && (
            <StackItem>
                <Alert
                    isInline
                    variant="warning"
                    title={_("The VMs run as another virtualization type")}
                    data-virttype-warning=""
                >
                    {text}
                </Alert>
            </StackItem>
        )
    );
}
