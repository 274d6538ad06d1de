/**
 * A host's CPU as libvirt offers it to guests: the host-model of `virsh domcapabilities`, turned
 * into the <cpu> element that `hypervisor-cpu-baseline` takes; several hosts merged into one
 * document; and the feature × host matrix.
 */
import { xml2js, type Element } from "xml-js";
import { attr, kid, kids, text, writeXml } from "../domains/xml";
import { _, format } from "../../pkg/lib/gettext";

export interface CpuFeature {
    name: string;
    policy: string;
}

export interface CpuModel {
    model: string | null;
    vendor: string | null;
    features: CpuFeature[];
}

export interface HostCpu extends CpuModel {
    host: string;
    /** The <cpu> element for hypervisor-cpu-baseline. */
    xml: string;
}

function featuresOf(el: Element | undefined): CpuFeature[] {
    return kids(el, "feature")
        .map((f) => ({ name: attr(f, "name") ?? "", policy: attr(f, "policy") ?? "require" }))
        .filter((f) => f.name);
}

/** The host-model CPU of a domcapabilities document; throws when the host offers none. */
export function hostModelCpu(host: string, domcapsXml: string): HostCpu {
    const caps = kid(xml2js(domcapsXml, { compact: false }) as Element, "domainCapabilities");
    if (!caps) throw new Error(format(_("$0: not a domain capabilities document"), host));
    const mode = kids(kid(caps, "cpu"), "mode").find((m) => attr(m, "name") === "host-model");
    if (!mode || attr(mode, "supported") === "no")
        throw new Error(format(_("$0 offers no host-model CPU (supported='no')"), host));
    const cpu: Element = {
        type: "element",
        name: "cpu",
        attributes: { mode: "custom", match: "exact" },
        elements: kids(mode).filter((e) => e.name === "model" || e.name === "vendor" || e.name === "feature"),
    };
    return {
        host,
        model: text(kid(mode, "model")),
        vendor: text(kid(mode, "vendor")),
        features: featuresOf(mode),
        xml: writeXml({ elements: [cpu] }, 2),
    };
}

/** One document with each host's CPU as a top-level <cpu>, as `hypervisor-cpu-baseline` takes it. */
export function mergeHostCpus(cpus: HostCpu[]): string {
    return cpus.map((c) => `<!-- ${c.host.replace(/--/g, "- -")} -->\n${c.xml}`).join("\n") + "\n";
}

/** Reads a <cpu> element (a baseline result, or a domain's CPU). */
export function parseCpu(xml: string): CpuModel {
    const cpu = kid(xml2js(xml, { compact: false }) as Element, "cpu");
    if (!cpu) throw new Error(_("Not a <cpu> document"));
    return { model: text(kid(cpu, "model")), vendor: text(kid(cpu, "vendor")), features: featuresOf(cpu) };
}

/** Features a CPU requires (policy require/force), which a guest can use. */
export function required(c: CpuModel): Set<string> {
    return new Set(c.features.filter((f) => f.policy === "require" || f.policy === "force").map((f) => f.name));
}

export interface MatrixRow {
    feature: string;
    hosts: boolean[];
}

/** Every feature any host requires, and which hosts have it; rows where a host lacks it first. */
export function featureMatrix(cpus: HostCpu[]): MatrixRow[] {
    const sets = cpus.map(required);
    const all = [...new Set(sets.flatMap((s) => [...s]))].sort();
    return all
        .map((feature) => ({ feature, hosts: sets.map((s) => s.has(feature)) }))
        .sort(
            (a, b) =>
                Number(a.hosts.every(Boolean)) - Number(b.hosts.every(Boolean)) || a.feature.localeCompare(b.feature),
        );
}

/**
 * What a host gives up with the baseline: its own model (if different) and features it has that the baseline does not
 * require.
 */
export function losses(host: CpuModel, baseline: CpuModel): { model: string | null; features: string[] } {
    const keep = required(baseline);
    return {
        model: host.model !== baseline.model ? host.model : null,
        features: [...required(host)].filter((f) => !keep.has(f)).sort(),
    };
}

export type CompareVerdict = "identical" | "superset" | "incompatible" | "unknown";

/** `hypervisor-cpu-compare` output (stdout when compatible, libvirt's reason on stderr when not). */
export function parseCompare(output: string, ok: boolean): { verdict: CompareVerdict; reason: string } {
    const line = output
        .split("\n")
        .map((l) => l.replace(/^error:\s*/, "").trim())
        .filter(Boolean);
    const reason = line.filter((l) => !/^Failed to compare/.test(l)).join(" ") || line.join(" ");
    if (/is identical to/.test(output)) return { verdict: "identical", reason };
    if (/is a superset of/.test(output)) return { verdict: "superset", reason };
    if (!ok || /incompatible/.test(output)) return { verdict: "incompatible", reason };
    return { verdict: "unknown", reason };
}
