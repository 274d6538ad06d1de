import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { xml2js, type Element } from "xml-js";
import {
    featureMatrix,
    hostModelCpu,
    losses,
    mergeHostCpus,
    parseCompare,
    parseCpu,
    required,
} from "../../src/cpu/hostcpu";

const fx = (name: string) => readFileSync(new URL(`fixtures/cpu/${name}`, import.meta.url), "utf8");
const skylake = hostModelCpu("sky", fx("domcaps-skylake-client.xml"));
const cascade = hostModelCpu("cas", fx("domcaps-cascadelake-server.xml"));
const haswell = hostModelCpu("has", fx("domcaps-haswell.xml"));
const labA = hostModelCpu("127.0.0.1", fx("domcaps-lab-a-qemu.xml"));

describe("host-model CPUs from domcapabilities", () => {
    it("reads model, vendor and features, and writes a <cpu> hypervisor-cpu-baseline takes", () => {
        expect(labA).toMatchObject({ model: "EPYC", vendor: "AMD" });
        expect(labA.features).toContainEqual({ name: "acpi", policy: "require" });
        expect(labA.features).toContainEqual({ name: "vme", policy: "disable" });
        const cpu = parseCpu(labA.xml);
        expect(cpu).toEqual({ model: "EPYC", vendor: "AMD", features: labA.features });
        expect(labA.xml).toMatch(/^<cpu mode="custom" match="exact">/);
        expect(skylake.model).toBe("Skylake-Client-IBRS");
    });
    it("a host without host-model, or another document, is an error", () => {
        expect(() =>
            hostModelCpu(
                "x",
                "<domainCapabilities><cpu><mode name='host-model' supported='no'/></cpu></domainCapabilities>",
            ),
        ).toThrow(/no host-model/);
        expect(() => hostModelCpu("x", "<capabilities/>")).toThrow(/not a domain capabilities/);
    });
    it("merges N hosts into top-level <cpu> elements, one per host, labelled", () => {
        const merged = mergeHostCpus([skylake, cascade, haswell]);
        const doc = xml2js(`<container>${merged}</container>`, { compact: false }) as Element;
        const cpus = doc.elements![0]!.elements!.filter((e) => e.type === "element");
        expect(cpus.map((e) => e.name)).toEqual(["cpu", "cpu", "cpu"]);
        expect(merged).toContain("<!-- sky -->");
        expect(mergeHostCpus([{ ...skylake, host: "a--b" }])).not.toContain("a--b");
    });
    it("the feature × host matrix lists what some host lacks first", () => {
        const m = featureMatrix([skylake, cascade, haswell]);
        const row = (f: string) => m.find((r) => r.feature === f)!.hosts;
        expect(row("acpi")).toEqual([true, true, true]);
        expect(row("clflushopt")).toEqual([true, false, false]);
        expect(row("pcid")).toEqual([false, false, true]);
        expect(m[0]!.hosts.every(Boolean)).toBe(false);
        expect(m.at(-1)!.hosts.every(Boolean)).toBe(true);
        expect(m.find((r) => r.feature === "hle")).toBeUndefined(); // disabled features are not offered
    });
});

describe("baseline results (from the real virsh hypervisor-cpu-baseline of the fixtures)", () => {
    const baseline = parseCpu(fx("baseline-intel3-qemu.xml"));
    it("Skylake + Cascade Lake + Haswell → IvyBridge with features", () => {
        expect(baseline.model).toBe("IvyBridge");
        expect(required(baseline).has("avx2")).toBe(true);
    });
    it("what each host loses relative to its own host-model", () => {
        expect(losses(skylake, baseline)).toMatchObject({ model: "Skylake-Client-IBRS" });
        expect(losses(skylake, baseline).features).toContain("clflushopt");
        expect(losses(cascade, baseline).features).toContain("umip");
        expect(losses(labA, parseCpu(fx("baseline-lab-qemu.xml")))).toEqual({
            model: null,
            features: expect.any(Array),
        });
    });
    it("compare verdicts with libvirt's reason", () => {
        expect(
            parseCompare(
                "CPU described in /dev/stdin is identical to the CPU provided by hypervisor on the host\n",
                true,
            ),
        ).toMatchObject({ verdict: "identical" });
        expect(
            parseCompare(
                "CPU described in /dev/stdin is a superset of the CPU provided by hypervisor on the host\n",
                true,
            ),
        ).toMatchObject({ verdict: "superset" });
        expect(
            parseCompare(
                "error: Failed to compare hypervisor CPU with /dev/stdin\nerror: the CPU is incompatible with host CPU: host CPU vendor does not match required CPU vendor Intel\n",
                false,
            ),
        ).toEqual({
            verdict: "incompatible",
            reason: "the CPU is incompatible with host CPU: host CPU vendor does not match required CPU vendor Intel",
        });
    });
});
