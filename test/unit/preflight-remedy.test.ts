import { describe, expect, it } from "vitest";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { runPreflight } from "../../src/preflight/checks";
import { storage } from "../../src/preflight/storage";
import { parseDefinition } from "../../src/domains/definition";
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

/** Shared storage is offered only where the NFS flow fixes the error: a file image the destination cannot see. */
describe("the shared-storage remedy is offered only where shared storage fixes the error", () => {
    const disk = (type: string, source: string, dev: string) =>
        `<disk type='${type}' device='disk'><source ${source}/><target dev='${dev}'/></disk>`;
    const definition = parseDefinition(
        "<domain type='kvm'><name>vm</name><devices>" +
            disk("file", "file='/local/a.qcow2'", "vda") +
            disk("block", "dev='/dev/sdz'", "vdb") +
            disk("volume", "pool='ssd' volume='data.qcow2'", "vdc") +
            disk("volume", "pool='gone' volume='old.qcow2'", "vdd") +
            "<disk type='network' device='disk'><source protocol='rbd' name='rbd/vm'><host name='mon1'/>" +
            "<auth username='libvirt'><secret type='ceph' uuid='0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1'/></auth>" +
            "</source><target dev='vde'/></disk>" +
            "</devices></domain>",
    );
    const run = async (argv: string[]) => {
        if (argv[3] === "secret-list") return " UUID   Usage\n---------------\n\n";
        if (argv[3] === "vol-info" && argv.includes("gone"))
            throw new RunError(
                "exit-status",
                "x",
                argv,
                1,
                "error: Storage pool not found: no storage pool with matching name 'gone'",
            );
        if (argv[3] === "vol-info") throw new RunError("exit-status", "x", argv, 1, "error: Storage volume not found");
        throw new Error(`not scripted: ${argv.join(" ")}`);
    };
    const input = (storage: "shared" | "copy-all") => ({
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "src",
        destinationUri: "dst",
        destinationLabel: "B",
        options: { ...defaultOptions("running"), storage },
        live: true,
    });
    it("shared storage: only the file image the destination cannot see; not a block device, a volume, a pool or a secret", async () => {
        const results = await storage(run, input("shared"), definition, async () => false);
        expect(results.map((r) => [r.id, r.severity, r.remedy ?? null])).toEqual([
            ["storage:vda", "error", "shared-storage"],
            ["storage:vdb", "error", null],
            ["storage:vdc", "error", null],
            ["storage:vdd", "error", null],
            ["storage:vde", "error", null],
        ]);
    });
    it("copying an image the destination already has: sharing would not help, nothing is offered", async () => {
        const seen = await storage(
            async () => "Name: a.qcow2\n",
            input("copy-all"),
            parseDefinition(
                "<domain type='kvm'><name>vm</name><devices>" +
                    disk("file", "file='/local/a.qcow2'", "vda") +
                    "</devices></domain>",
            ),
            async () => true,
        );
        expect(seen).toEqual([
            expect.objectContaining({ id: "storage:vda", severity: "error", disk: { target: "vda", visible: true } }),
        ]);
        expect(seen[0]!.remedy).toBeUndefined();
    });
});
