import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { xml2js, type Element } from "xml-js";
import { parseCpu } from "../../src/cpu/hostcpu";
import { cpuOf, lineDiff, replaceCpu, replaceCpuExplained } from "../../src/cpu/definition";

const fx = (name: string) => readFileSync(new URL(`fixtures/cpu/${name}`, import.meta.url), "utf8");

describe("replacing a domain's <cpu>", () => {
    const baselineXml = fx("baseline-intel3-qemu.xml");
    const others = (xml: string) =>
        (xml2js(xml, { compact: false }) as Element)
            .elements!.find((e) => e.name === "domain")!
            .elements!.filter((e) => e.type === "element" && e.name !== "cpu");
    for (const f of ["domain-lab-dirty.xml", "domain-lab-disk.xml", "domain-numa.xml", "domain-passthrough.xml"]) {
        it(`${f}: only the CPU model and features change; everything else round-trips`, () => {
            const before = fx(f);
            const after = replaceCpu(before, baselineXml);
            expect(others(after)).toEqual(others(before));
            const cpu = parseCpu(cpuOf(after)!);
            expect(cpu.model).toBe("IvyBridge");
            expect(cpu.features).toEqual(parseCpu(baselineXml).features);
            // applying twice gives the same document
            expect(replaceCpu(after, baselineXml)).toBe(after);
        });
    }
    it("keeps the CPU's topology, cache and NUMA cells", () => {
        const numa = fx("domain-numa.xml").replace("<cache mode='passthrough'/>", "<cache level='3' mode='emulate'/>");
        const after = cpuOf(replaceCpu(numa, baselineXml))!;
        expect(after).toContain('<topology sockets="2" dies="1" cores="2" threads="1"/>');
        expect(after).toContain('<cache level="3" mode="emulate"/>');
        expect(after).toContain('<cell id="1" cpus="2-3" memory="4194304" unit="KiB"/>');
        expect(after).toMatch(
            /^<cpu mode="custom" check="partial" match="exact">|^<cpu mode="custom" match="exact" check="partial">/,
        );
    });
    it("a host-passthrough CPU (issue 17 item 5): what mode='custom' refuses is left out, and said", () => {
        // fixtures/cpu/domain-passthrough.xml: virt-manager's migratable='on', plus cache and maxphysaddr passthrough
        const after = replaceCpu(fx("domain-passthrough.xml"), baselineXml);
        const cpu = (xml2js(cpuOf(after)!, { compact: false }) as Element).elements![0]!;
        expect(cpu.attributes).toEqual({ mode: "custom", match: "exact", check: "partial" });
        expect(cpu.elements!.filter((e) => e.type === "element").map((e) => e.name)).not.toContain("cache");
        expect(cpu.elements!.filter((e) => e.type === "element").map((e) => e.name)).not.toContain("maxphysaddr");
        expect(cpuOf(after)).toContain('<topology sockets="1" dies="1" cores="2" threads="1"/>');
        const { dropped } = replaceCpuExplained(fx("domain-passthrough.xml"), baselineXml);
        expect(dropped).toEqual([
            expect.stringMatching(/^migratable='on'/),
            expect.stringMatching(/^<cache mode='passthrough'\/>/),
            expect.stringMatching(/^<maxphysaddr mode='passthrough'\/>/),
        ]);
        // what custom allows stays: an emulated cache and a fixed address width
        const emulated = fx("domain-passthrough.xml")
            .replace("<cache mode='passthrough'/>", "<cache level='3' mode='emulate'/>")
            .replace("<maxphysaddr mode='passthrough' limit='39'/>", "<maxphysaddr mode='emulate' bits='39'/>");
        const kept = replaceCpuExplained(emulated, baselineXml);
        expect(kept.dropped).toEqual([expect.stringMatching(/^migratable/)]);
        expect(cpuOf(kept.xml)).toContain('<cache level="3" mode="emulate"/>');
        expect(cpuOf(kept.xml)).toContain('<maxphysaddr mode="emulate" bits="39"/>');
    });
    it("a domain without <cpu> gets one; a diff shows the change", () => {
        const bare = "<domain type='qemu'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices/></domain>";
        const after = replaceCpu(bare, baselineXml);
        expect(cpuOf(after)).toContain("IvyBridge");
        const d = lineDiff("a\nb\nc", "a\nB\nc");
        expect(d).toEqual([
            { kind: " ", line: "a" },
            { kind: "+", line: "B" },
            { kind: "-", line: "b" },
            { kind: " ", line: "c" },
        ]);
    });
});
