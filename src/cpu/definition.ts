/**
 * Replacing the <cpu> of a domain definition with a baseline: only the CPU model, vendor and
 * features change; the CPU's topology, NUMA cells, cache and every other part of the domain stay.
 */
import { xml2js, type Element } from "xml-js";
import { kid, kids, writeXml } from "../domains/xml";
import { _, format } from "../../pkg/lib/gettext";

/**
 * Children of the old <cpu> that describe the guest's shape, not the CPU model: kept (if mode='custom' allows them).
 */
const KEPT = new Set(["topology", "numa", "cache", "maxphysaddr"]);
const MODEL_PARTS = new Set(["model", "vendor", "feature"]);
/** Attributes of the old <cpu> that the baseline sets itself, or that mode='custom' refuses. */
const SET_HERE = new Set(["mode", "match", "check"]);

/**
 * What mode='custom' does not allow, from a host-passthrough/maximum CPU (virt-manager's default
 * is `<cpu mode='host-passthrough' check='none' migratable='on'/>`). libvirt 9.0 refuses to
 * define `migratable` ("only allowed for 'host-passthrough' / 'maximum' CPU mode") and
 * `<cache mode='passthrough'/>`; `<maxphysaddr mode='passthrough'>` gives the guest each host's own
 * address width, the very difference a baseline removes. Each is dropped, with the reason.
 */
function refusedByCustom(e: Element): string | null {
    const mode = String(e.attributes?.mode ?? "");
    if (e.name === "cache" && mode === "passthrough")
        return _(
            "<cache mode='passthrough'/>: only host-passthrough and maximum CPUs pass the host's cache through; the guest gets QEMU's default cache description",
        );
    if (e.name === "maxphysaddr" && mode === "passthrough")
        return _(
            "<maxphysaddr mode='passthrough'/>: it gives the guest each host's own physical address width; the guest gets QEMU's default (set <maxphysaddr mode='emulate' bits='N'/> for a fixed width)",
        );
    return null;
}

export interface CpuReplacement {
    xml: string;
    /** What of the old <cpu> was left out because mode='custom' does not allow it, in words. */
    dropped: string[];
}

function parse(xml: string): Element {
    return xml2js(xml, { compact: false }) as Element;
}

/** The domain XML with its <cpu> replaced by `cpuXml` (keeping topology/numa/cache of the old one). */
export function replaceCpu(domainXml: string, cpuXml: string): string {
    return replaceCpuExplained(domainXml, cpuXml).xml;
}

/** replaceCpu, and what it left out of the old <cpu> (shown with the diff). */
export function replaceCpuExplained(domainXml: string, cpuXml: string): CpuReplacement {
    const doc = parse(domainXml);
    const domain = kid(doc, "domain");
    if (!domain) throw new Error(_("Not a domain definition"));
    const baseline = kid(parse(cpuXml), "cpu");
    if (!baseline) throw new Error(_("Not a <cpu> document"));
    const old = kid(domain, "cpu");
    const dropped: string[] = [];
    const attributes: Record<string, string | number | undefined> = {};
    for (const [k, val] of Object.entries(old?.attributes ?? {})) {
        if (SET_HERE.has(k)) continue;
        if (k === "migratable") {
            dropped.push(
                format(
                    _(
                        "migratable='$0': only host-passthrough and maximum CPUs have it; a custom model is migratable by definition",
                    ),
                    String(val),
                ),
            );
            continue;
        }
        attributes[k] = val;
    }
    const kept = kids(old)
        .filter((e) => KEPT.has(e.name ?? ""))
        .filter((e) => {
            const why = refusedByCustom(e);
            if (why) dropped.push(why);
            return why === null;
        });
    const cpu: Element = {
        type: "element",
        name: "cpu",
        attributes: {
            ...attributes,
            mode: "custom",
            match: String(baseline.attributes?.match ?? "exact"),
            check: "partial",
        },
        elements: [...kids(baseline).filter((e) => MODEL_PARTS.has(e.name ?? "")), ...kept],
    };
    const children = domain.elements ?? [];
    const at = children.findIndex((e) => e.type === "element" && e.name === "cpu");
    if (at >= 0) children[at] = cpu;
    else {
        // libvirt's order puts <cpu> after <features>/<os>; it reorders on define anyway
        const after = ["features", "os", "vcpu", "currentMemory", "memory"]
            .map((n) => children.findIndex((e) => e.name === n))
            .find((i) => i >= 0);
        children.splice(after === undefined ? children.length : after + 1, 0, cpu);
    }
    domain.elements = children;
    return { xml: writeXml(doc, 2) + "\n", dropped };
}

/** The domain's <cpu> as XML (for the diff), or null. */
export function cpuOf(domainXml: string): string | null {
    const cpu = kid(kid(parse(domainXml), "domain"), "cpu");
    return cpu ? writeXml({ elements: [cpu] }, 2) : null;
}

/** Line diff of two texts (for showing the change before it is applied). */
export function lineDiff(before: string, after: string): { kind: " " | "-" | "+"; line: string }[] {
    const a = before.split("\n"),
        b = after.split("\n");
    const n = a.length,
        m = b.length;
    const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--)
        for (let j = m - 1; j >= 0; j--)
            lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    const out: { kind: " " | "-" | "+"; line: string }[] = [];
    let i = 0,
        j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) {
            out.push({ kind: " ", line: a[i]! });
            i++;
            j++;
        } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
            out.push({ kind: "+", line: b[j]! });
            j++;
        } else {
            out.push({ kind: "-", line: a[i]! });
            i++;
        }
    }
    return out;
}
