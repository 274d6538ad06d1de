import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseDefinition } from "../../src/domains/definition";
import { parseDomstats } from "../../src/domains/parse";
import { assessCapacity, committed, guestClass, parseNodeinfo, parseSysctl } from "../../src/preflight/capacity";
import { DEFAULT_POLICY } from "../../src/preflight/policy";

const fixture = (name: string) => readFileSync(new URL(`fixtures/preflight/${name}`, import.meta.url), "utf8");

const domain = (extra = "", memory = "<memory unit='GiB'>2</memory><currentMemory unit='GiB'>1</currentMemory>") =>
    parseDefinition(
        `<domain type='kvm'><name>vm</name>${memory}<vcpu>2</vcpu>${extra}<os><type machine='pc'>hvm</type></os></domain>`,
    );

describe("capacity", () => {
    const node = parseNodeinfo(fixture("nodeinfo-lab.txt"));
    it("reads real nodeinfo and sysctls", () => {
        expect(node).toEqual({ memoryKiB: expect.any(Number), cpus: 2 });
        expect(parseSysctl("0\n1\n")).toEqual({ overcommitMemory: 0, panicOnOom: 1 });
        expect(parseSysctl("")).toEqual({ overcommitMemory: null, panicOnOom: null });
        expect(() => parseNodeinfo("error")).toThrow(/nodeinfo/);
    });
    it("guest class: locked memory or hugepages is guaranteed, otherwise burstable at its current balloon", () => {
        expect(guestClass(domain())).toBe("burstable");
        expect(guestClass(domain("<memoryBacking><locked/></memoryBacking>"))).toBe("guaranteed");
        expect(guestClass(domain("<memoryBacking><hugepages/></memoryBacking>"))).toBe("guaranteed");
    });
    it("counts running guests by balloon and vCPUs", () => {
        const stats = parseDomstats(
            "Domain: 'a'\n  balloon.current=1048576\n  balloon.maximum=2097152\n  vcpu.current=2\nDomain: 'b'\n  balloon.maximum=524288\n  vcpu.current=1\n",
        );
        expect(committed(stats)).toEqual({ memoryKiB: 1572864, vcpus: 3, guests: 2 });
    });
    const base = {
        label: "B",
        node: { memoryKiB: 4 * 1048576, cpus: 4 },
        policy: DEFAULT_POLICY,
        sysctl: { overcommitMemory: 0, panicOnOom: 0 },
        commands: [],
    };
    it("within the policy passes; beyond it warns", () => {
        const [mem, cpu] = assessCapacity({
            ...base,
            running: { memoryKiB: 1048576, vcpus: 2, guests: 1 },
            guest: domain(),
        });
        expect(mem).toMatchObject({
            severity: "pass",
            title: "B: 2.0 of 3.5 GiB guest memory committed with this VM (57%; policy 100%)",
        });
        expect(cpu).toMatchObject({ severity: "pass", title: "B: 4 vCPUs on 4 CPUs with this VM (100%; policy 400%)" });
        const strict = assessCapacity({
            ...base,
            policy: { memoryCommitPercent: 50, cpuCommitPercent: 50, hostReserveMiB: 512 },
            running: { memoryKiB: 1048576, vcpus: 2, guests: 1 },
            guest: domain(),
        });
        expect(strict[0]).toMatchObject({
            severity: "warning",
            fix: expect.stringMatching(/beyond the overcommit policy/),
        });
        expect(strict[1]).toMatchObject({ severity: "warning" });
    });
    it("overcommitting a guaranteed guest, or a host with strict accounting or panic_on_oom, is an error", () => {
        const running = { memoryKiB: 3 * 1048576, vcpus: 1, guests: 1 };
        const loose = { ...base, policy: { ...DEFAULT_POLICY, memoryCommitPercent: 200 } };
        expect(assessCapacity({ ...loose, running, guest: domain() })[0]!.severity).toBe("pass");
        expect(
            assessCapacity({ ...loose, running, guest: domain("<memoryBacking><locked/></memoryBacking>") })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/locks its memory/) });
        expect(
            assessCapacity({ ...loose, running, guest: domain(), sysctl: { overcommitMemory: 2, panicOnOom: 0 } })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/overcommit_memory=2/) });
        expect(
            assessCapacity({ ...loose, running, guest: domain(), sysctl: { overcommitMemory: 0, panicOnOom: 1 } })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/panic_on_oom/) });
        expect(assessCapacity({ ...base, running, guest: domain(), sysctl: null })[0]).toMatchObject({
            severity: "warning",
            detail: expect.stringMatching(/could not be read/),
        });
        // overcommitted within a loose policy, and the sysctls could not be read: not checked, never a pass
        expect(
            assessCapacity({
                ...loose,
                running,
                guest: domain(),
                sysctl: null,
                sysctlError: "Permission denied (publickey)",
            })[0],
        ).toMatchObject({
            severity: "warning",
            unchecked: true,
            detail: expect.stringMatching(/could not be read: Permission denied/),
        });
    });
});
