import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parseDefinition } from "../../src/domains/definition";
import { predict, runPreflight } from "../../src/preflight/checks";
import { worst } from "../../src/preflight/types";
import { defaultOptions } from "../../src/migration/options";
import { domstats } from "../../src/virsh/argv";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";

const XML = `<domain type='kvm'><name>vm</name><memory unit='GiB'>2</memory><vcpu placement='static'>2</vcpu>
<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
<cputune><vcpupin vcpu='0' cpuset='1'/></cputune><numatune><memory mode='strict' nodeset='0'/></numatune>
<cpu mode='custom' match='exact' check='partial'><model fallback='forbid'>Skylake-Client-IBRS</model><feature policy='require' name='md-clear'/><topology sockets='1' cores='2' threads='1'/></cpu>
<devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
<interface type='network'><source network='default'/></interface><interface type='hostdev'><source><address type='pci' domain='0' bus='3' slot='0' function='1'/></source></interface>
<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev></devices></domain>`;

describe("parseDefinition", () => {
    const d = parseDefinition(XML);
    it("reads what pre-flight needs", () => {
        expect(d).toMatchObject({ type: "kvm", memoryKiB: 2097152, vcpus: 2, machine: "pc-q35-7.2", cpuMode: "custom", cpuModel: "Skylake-Client-IBRS", vcpupin: true, numatune: true });
        expect(d.disks).toEqual([
            { device: "disk", source: "/var/lib/libvirt/images/vm.qcow2", target: "vda", readonly: false, shareable: false },
            { device: "cdrom", source: "/iso/x.iso", target: "sda", readonly: true, shareable: false },
        ]);
        expect(d.hostdevs).toEqual(["mdev c2177883-f1bb-47f0-914d-32a22e3a8804", "SR-IOV interface"]);
        expect(d.interfaces[0]).toEqual({ type: "network", source: "default" });
    });
    it("keeps the whole <cpu> element for hypervisor-cpu-compare", () => {
        expect(d.cpuXml).toContain("<model fallback=\"forbid\">Skylake-Client-IBRS</model>");
        expect(d.cpuXml).toContain("md-clear");
        expect(d.cpuXml!.startsWith("<cpu")).toBe(true);
    });
    it("no model: nothing to compare", () => {
        expect(parseDefinition("<domain type='qemu'><name>x</name><cpu mode='custom' match='exact' check='none'/></domain>").cpuXml).toBeNull();
    });
});

describe("predict", () => {
    it("memory / (bandwidth - dirty rate)", () => {
        expect(predict(12, 1000, 100, []).title).toBe("Dirty rate 12 MiB/s: about 11 s for 1000 MiB at the 100 MiB/s limit");
        expect(predict(0, 512, undefined, []).title).toMatch(/about 5 s for 512 MiB at 1 Gbit\/s/);
    });
    it("warns when the guest dirties memory about as fast as it can be sent", () => {
        expect(predict(95, 1000, 100, [])).toMatchObject({ severity: "warning" });
    });
});

describe("domstats builder: names after --, read by the real virsh as names", () => {
    it("hostile names", () => {
        for (const name of HOSTILE.filter((s, i) => s && !s.includes("\0") && i % 4 === 0)) {
            const argv = domstats("test:///default", name, "--state");
            expect(argv.slice(-2)).toEqual(["--", name]);
            const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
            expect(r.stderr, name).toMatch(/failed to get domain|Domain not found/);
        }
    });
});

describe("runPreflight with a scripted runner", () => {
    const answers = (argv: readonly string[], input?: string): string => {
        const uri = argv[2], sub = argv[3];
        if (sub === "dumpxml") return XML;
        if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
        if (sub === "capabilities") return `<capabilities><host><uuid>${uri === "src" ? "u1" : "u2"}</uuid></host><guest><arch name='x86_64'><machine>pc-i440fx-7.2</machine><machine canonical='pc-q35-7.2'>q35</machine></arch></guest></capabilities>`;
        if (sub === "net-info") return "Name:           default\nActive:         no\n";
        if (sub === "hostname") return uri === "src" ? "a\n" : "b\n";
        if (sub === "hypervisor-cpu-compare") { expect(input).toContain("Skylake"); throw new RunError("exit-status", "incompatible", argv, 1, "error: the CPU is incompatible with host CPU") }
        if (sub === "vol-info") throw new RunError("exit-status", "no vol", argv, 1, "error: Storage volume not found");
        if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         4194304 KiB\n";
        if (sub === "domstats") return "Domain: 'other'\n  balloon.current=3145728\n";
        throw new Error(`unexpected ${argv.join(" ")}`);
    };
    const runner: Runner = { run: async (_t, argv, o) => answers(argv, o?.input) };
    it("runs every check and reports each problem", async () => {
        const seen: string[] = [];
        const results = await runPreflight({ runner }, { domain: "vm", sourceUri: "src", destinationUri: "dst", destinationLabel: "B", options: defaultOptions("shutoff"), live: false },
            r => seen.push(r.id));
        const by = (id: string) => results.find(r => r.id === id)!;
        expect(by("reachable").severity).toBe("pass");
        expect(by("same-host")).toMatchObject({ severity: "pass", title: "Different hosts (a → b)" });
        expect(by("cpu")).toMatchObject({ severity: "error", title: "B cannot run CPU model Skylake-Client-IBRS" });
        expect(by("storage:vda")).toMatchObject({ severity: "error" });
        expect(by("storage:sda")).toMatchObject({ severity: "warning" });
        expect(by("devices").severity).toBe("error");
        expect(by("numa").severity).toBe("warning");
        expect(by("capacity")).toMatchObject({ severity: "error", title: expect.stringMatching(/5\.0 of 4\.0 GiB/) });
        expect(by("machine")).toMatchObject({ severity: "pass", title: "Machine type pc-q35-7.2 is available on B" });
        expect(by("network:default")).toMatchObject({ severity: "error", title: "Network default is not active on B" });
        expect(results.some(r => r.id === "dirtyrate")).toBe(false);
        expect(seen.sort()).toEqual(results.map(r => r.id).sort());
        expect(worst(results)).toBe("error");
    });
    it("the same host UUID is an error", async () => {
        const same: Runner = { run: async (t, argv, o) => argv[3] === "capabilities" ? "<capabilities><host><uuid>u1</uuid></host></capabilities>" : runner.run(t, argv, o) };
        const results = await runPreflight({ runner: same }, { domain: "vm", sourceUri: "src", destinationUri: "dst", destinationLabel: "B", options: defaultOptions("shutoff"), live: false });
        expect(results.find(r => r.id === "same-host")).toMatchObject({ severity: "error" });
        expect(results.find(r => r.id === "machine")).toMatchObject({ severity: "error", title: "B's QEMU does not offer machine type pc-q35-7.2" });
    });
});
