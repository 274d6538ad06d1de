import { describe, expect, it } from "vitest";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { runPreflight } from "../../src/preflight/checks";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";

const XML =
    "<domain type='kvm'><name>vm</name><cpu mode='custom'><model>Skylake-Client-IBRS</model></cpu><devices>" +
    "<disk type='file' device='disk'><source file='/local/a.qcow2'/><target dev='vda'/></disk>" +
    "<disk type='file' device='disk'><source file='/shared/b.qcow2'/><target dev='vdb'/></disk>" +
    "<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda'/></disk></devices></domain>";

/** The fix each check offers, as the UI reads it: a remedy set by the check, never matched from its id. */
describe("check results name their remedy", () => {
    const runner = (cpuRuns: boolean): Runner => ({
        run: async (_t, argv) => {
            const sub = argv[3];
            if (sub === "dumpxml") return XML;
            if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
            if (sub === "hypervisor-cpu-compare") {
                if (cpuRuns) return "CPU described in /dev/stdin is identical to the CPU provided by hypervisor\n";
                throw new RunError("exit-status", "incompatible", argv, 1, "error: the CPU is incompatible");
            }
            if (sub === "vol-info") {
                if (argv.includes("/shared/b.qcow2")) return "Name: b.qcow2\n";
                throw new RunError("exit-status", "no vol", argv, 1, "error: Storage volume not found");
            }
            throw new Error(`not scripted: ${argv.join(" ")}`);
        },
    });
    const check = (cpuRuns: boolean) =>
        runPreflight(
            { runner: runner(cpuRuns) },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
            },
        );
    it("a CPU the destination cannot run: the CPU baseline; a disk it cannot see: shared storage", async () => {
        const results = await check(false);
        const remedies = results.filter((r) => r.remedy).map((r) => [r.id, r.severity, r.remedy]);
        expect(remedies.sort()).toEqual([
            ["cpu", "error", "cpu-baseline"],
            ["storage:vda", "error", "shared-storage"],
        ]);
        // the shared disk, the CD-ROM and the checks that could not run offer nothing
        expect(results.find((r) => r.id === "storage:vdb")).toMatchObject({ severity: "pass" });
        expect(results.find((r) => r.id === "storage:sda")?.remedy).toBeUndefined();
    });
    it("a CPU that runs there offers nothing", async () => {
        const results = await check(true);
        expect(results.find((r) => r.id === "cpu")).toMatchObject({ severity: "pass" });
        expect(results.filter((r) => r.remedy).map((r) => r.id)).toEqual(["storage:vda"]);
    });
});
