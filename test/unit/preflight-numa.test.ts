import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseCpuset, parseDefinition } from "../../src/domains/definition";
import { parseTopology } from "../../src/domains/parse";
import { numaCheck } from "../../src/preflight/numa";

const fixture = (name: string) => readFileSync(new URL(`fixtures/preflight/${name}`, import.meta.url), "utf8");

const domain = (extra = "", memory = "<memory unit='GiB'>2</memory><currentMemory unit='GiB'>1</currentMemory>") =>
    parseDefinition(
        `<domain type='kvm'><name>vm</name>${memory}<vcpu>2</vcpu>${extra}<os><type machine='pc'>hvm</type></os></domain>`,
    );

describe("NUMA", () => {
    it("cpusets", () => {
        expect(parseCpuset("0-3,^2,8")).toEqual([0, 1, 3, 8]);
        expect(parseCpuset("1")).toEqual([1]);
        expect(parseCpuset("x")).toBeNull();
    });
    const topology = parseTopology(fixture("capabilities-lab.xml"));
    it("reads the lab host's real topology", () => {
        expect(topology).toEqual([
            { id: 0, memoryKiB: expect.any(Number), cpus: [0, 1], hugepages: expect.any(Array) },
        ]);
    });
    it("pinning to CPUs and nodes that exist warns; to ones that do not is an error", () => {
        const ok = domain(
            "<cputune><vcpupin vcpu='0' cpuset='0-1'/></cputune><numatune><memory nodeset='0'/></numatune>",
        );
        expect(numaCheck(ok, topology, "B", [])).toMatchObject({
            severity: "warning",
            title: "The VM pins host CPUs 0,1 and NUMA nodes 0: they exist on B",
        });
        const bad = domain(
            "<cputune><vcpupin vcpu='0' cpuset='3'/><emulatorpin cpuset='0'/></cputune><numatune><memory nodeset='1'/><memnode cellid='0' nodeset='0'/></numatune>",
        );
        expect(numaCheck(bad, topology, "B", [])).toMatchObject({
            severity: "error",
            title: "The VM pins host CPUs 3 and NUMA nodes 1 that B does not have",
        });
        expect(numaCheck(domain(), topology, "B", [])).toMatchObject({ severity: "pass" });
    });
});
