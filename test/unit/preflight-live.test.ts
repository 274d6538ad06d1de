import { describe, expect, it } from "vitest";
import { runPreflight } from "../../src/preflight/checks";
import { defaultOptions } from "../../src/migration/options";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { uuidOf } from "./refs";
import { qemuDirtyRate } from "./fakes";
import { DirtyRateMeter } from "../../src/preflight/dirtyrate";

// The persistent definition of a host-model VM, and what libvirt 9.0 reports for it while it runs:
// the expanded CPU (mode='custom', the host's model and features), plus a disk, an interface and a
// passthrough device attached with --live (in the live definition only).
const INACTIVE = `<domain type='kvm'><name>vm</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><cpu mode='host-model' check='partial'/>
<devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><source network='default'/></interface></devices></domain>`;
const LIVE = `<domain type='kvm' id='3'><name>vm</name><memory unit='KiB'>524288</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>Skylake-Client-IBRS</model><vendor>Intel</vendor><feature policy='require' name='md-clear'/><feature policy='disable' name='mpx'/></cpu>
<devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='disk'><source file='/srv/hot/scratch.qcow2'/><target dev='vdb' bus='virtio'/></disk>
<interface type='network'><source network='default'/></interface><interface type='network'><source network='hotnet'/></interface>
<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/></source></hostdev></devices></domain>`;

interface Call {
    argv: readonly string[];
    input?: string;
}

function scripted(live: string, cpuOk: boolean): { runner: Runner; calls: Call[] } {
    const calls: Call[] = [];
    const runner: Runner = {
        run: async (_t, argv, o) => {
            calls.push({ argv, ...(o?.input !== undefined ? { input: o.input } : {}) });
            const uri = argv[2],
                sub = argv[3];
            if (sub === "dumpxml") {
                // what libvirt answers for each flag: --inactive the persistent definition, otherwise the live one
                if (argv.includes("--inactive")) return INACTIVE;
                return live;
            }
            if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
            if (sub === "capabilities")
                return `<capabilities><host><uuid>${uri === "src" ? "u1" : "u2"}</uuid></host><guest><arch name='x86_64'><machine>pc-q35-7.2</machine></arch></guest></capabilities>`;
            if (sub === "hostname") return uri === "src" ? "a\n" : "b\n";
            if (sub === "net-info") return `Name:           ${argv.at(-1)}\nActive:         yes\n`;
            if (sub === "vol-info") return "Name: x\n";
            if (sub === "hypervisor-cpu-compare") {
                if (cpuOk)
                    return "CPU described in /dev/stdin is identical to the CPU provided by hypervisor on the host\n";
                throw new RunError(
                    "exit-status",
                    "incompatible",
                    argv,
                    1,
                    "error: the CPU is incompatible with host CPU: Host CPU does not provide required features: md-clear",
                );
            }
            if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         4194304 KiB\n";
            if (sub === "domstats") return "";
            if (sub === "domdirtyrate-calc") return "";
            throw new Error(`unexpected ${argv.join(" ")}`);
        },
    };
    return { runner, calls };
}

const input = (live: boolean) => ({
    domain: "vm",
    uuid: uuidOf("vm"),
    sourceUri: "src",
    destinationUri: "dst",
    destinationLabel: "B",
    options: defaultOptions(live ? "running" : "shutoff"),
    live,
    dirtyRateSeconds: 1,
});
const by = (results: { id: string }[], id: string) => results.find((r) => r.id === id);
const noSleep = { sleep: async () => undefined };

describe("a live migration is checked with the VM's live, migratable definition", () => {
    it("reads dumpxml --migratable (not --inactive) for the CPU, storage, device and network checks", async () => {
        const { runner, calls } = scripted(LIVE, false);
        const results = await runPreflight({ runner, ...noSleep }, input(true));
        const reads = calls.filter((c) => c.argv[3] === "dumpxml").map((c) => c.argv);
        expect(reads.length).toBeGreaterThan(0);
        for (const a of reads) {
            expect(a).toContain("--migratable");
            expect(a).not.toContain("--inactive");
            expect(a.slice(a.indexOf("--domain"), a.indexOf("--domain") + 2)).toEqual(["--domain", uuidOf("vm")]);
        }
        // the disk, the network and the passthrough device attached with --live are seen
        expect(by(results, "storage:vdb")).toMatchObject({
            severity: "pass",
            title: "vdb: /srv/hot/scratch.qcow2 is visible on B",
        });
        expect(by(results, "network:hotnet")).toMatchObject({ severity: "pass" });
        expect(by(results, "devices")).toMatchObject({
            severity: "error",
            title: "Devices that cannot migrate: pci 0x0000:0x03:0x00.0x1",
        });
    });
    it("a running host-model VM's expanded CPU is compared on the destination, and an incompatible one is an error", async () => {
        const { runner, calls } = scripted(LIVE, false);
        const results = await runPreflight({ runner, ...noSleep }, input(true));
        const compare = calls.find((c) => c.argv[3] === "hypervisor-cpu-compare");
        expect(compare?.argv[2]).toBe("dst");
        expect(compare?.input).toContain('<model fallback="forbid">Skylake-Client-IBRS</model>');
        expect(compare?.input).toContain("md-clear");
        expect(by(results, "cpu")).toMatchObject({
            severity: "error",
            title: "B cannot run CPU model Skylake-Client-IBRS",
            detail: expect.stringMatching(/md-clear/),
        });
        const ok = scripted(LIVE, true);
        expect(by(await runPreflight({ runner: ok.runner, ...noSleep }, input(true)), "cpu")).toMatchObject({
            severity: "pass",
            title: "CPU model Skylake-Client-IBRS runs on B",
        });
    });
    it("a live host-model definition without an expanded model is not a pass", async () => {
        const { runner } = scripted(LIVE.replace(/<cpu .*<\/cpu>/, "<cpu mode='host-model' check='partial'/>"), true);
        expect(by(await runPreflight({ runner, ...noSleep }, input(true)), "cpu")).toMatchObject({
            severity: "warning",
            unchecked: true,
        });
    });
    it("an offline migration keeps the inactive definition: host-model is fixed when the VM starts there", async () => {
        const { runner, calls } = scripted(LIVE, false);
        const results = await runPreflight({ runner }, input(false));
        const reads = calls.filter((c) => c.argv[3] === "dumpxml").map((c) => c.argv);
        expect(reads.length).toBeGreaterThan(0);
        for (const a of reads) {
            expect(a).toContain("--inactive");
            expect(a).not.toContain("--migratable");
        }
        expect(calls.some((c) => c.argv[3] === "hypervisor-cpu-compare")).toBe(false);
        expect(by(results, "cpu")).toMatchObject({
            severity: "pass",
            title: "host-model CPU: libvirt fixes the model when the VM starts",
        });
        expect(by(results, "storage:vdb")).toBeUndefined();
        expect(by(results, "network:hotnet")).toBeUndefined();
    });
});

describe("the dirty rate is the VM's: pre-flights for several destinations measure it once", () => {
    it("two destinations checked at once (the readiness dialog, or a destination changed within seconds) both get it", async () => {
        const { runner: rest } = scripted(LIVE, true);
        const q = qemuDirtyRate(16);
        const runner: Runner = {
            run: (t, argv, o) =>
                argv[3] === "domdirtyrate-calc" || argv[3] === "domstats"
                    ? q.runner.run(t, argv, o)
                    : rest.run(t, argv, o),
        };
        const deps = { runner, sleep: q.sleep, dirtyRates: new DirtyRateMeter() };
        const [toB, toC] = await Promise.all([
            runPreflight(deps, input(true)),
            runPreflight(deps, { ...input(true), destinationUri: "dst2", destinationLabel: "C" }),
        ]);
        for (const r of [toB, toC])
            expect(by(r, "dirtyrate")).toMatchObject({ title: expect.stringMatching(/^Dirty rate 16 MiB\/s/) });
        expect(q.calcs).toEqual([1]);
    });
});
