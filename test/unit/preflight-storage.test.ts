import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../src/domains/definition";
import { RunError } from "../../pkg/lib/runner";
import { diskVisibility, storage } from "../../src/preflight/storage";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";

describe("storage check when copying the disks", () => {
    const d = parseDefinition(
        "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda'/></disk></devices></domain>",
    );
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: { ...defaultOptions("running"), storage: "copy-all" as const },
        live: true,
    };
    it("nothing at that path on the destination: the copy creates it", async () => {
        const r = await storage(
            async () => {
                throw new Error("error: Storage volume not found");
            },
            input,
            d,
            async () => false,
        );
        expect(r).toEqual([
            expect.objectContaining({
                severity: "pass",
                title: "vda: /var/lib/libvirt/images/vm.qcow2 will be copied",
            }),
        ]);
    });
    it("an image the destination already sees (listed by a pool or not) is an error when copied, not a warning (issue 17 item 3)", async () => {
        for (const [vol, file] of [
            [true, true],
            [false, true],
        ] as const) {
            const r = await storage(
                async () => {
                    if (!vol) throw new Error("error: Storage volume not found: no storage vol with matching path");
                    return "Name: vm.qcow2\n";
                },
                input,
                d,
                async () => file,
            );
            expect(r[0]).toMatchObject({
                severity: "error",
                title: "vda: /var/lib/libvirt/images/vm.qcow2 is visible on B: copying it would write over the image the destination already has",
                disk: { target: "vda", visible: true },
            });
            expect(r[0]!.fix).toMatch(/copy only the disks the destination cannot see/);
        }
    });
    it("with --migrate-disks only the listed disks are copied; a visible disk left out is shared", async () => {
        const two = parseDefinition(
            "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/shared/a.qcow2'/><target dev='vda'/></disk>" +
                "<disk type='file' device='disk'><source file='/local/b.qcow2'/><target dev='vdb'/></disk></devices></domain>",
        );
        const only = { ...input, options: { ...input.options, migrateDisks: ["vdb"] } };
        const run = async (argv: string[]) => {
            if (argv.includes("/shared/a.qcow2")) return "Name: a.qcow2\n";
            throw new Error("error: Storage volume not found: no storage vol with matching path");
        };
        const r = await storage(run, only, two, null);
        expect(r.map((x) => [x.id, x.severity, x.disk])).toEqual([
            ["storage:vda", "pass", { target: "vda", visible: true }],
            ["storage:vdb", "pass", { target: "vdb", visible: false }],
        ]);
    });
    it("diskVisibility: what the dialog offers to copy alone (--migrate-disks)", async () => {
        const two = parseDefinition(
            "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/shared/a.qcow2'/><target dev='vda'/></disk>" +
                "<disk type='file' device='disk'><source file='/local/b.qcow2'/><target dev='vdb'/></disk><disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda'/></disk></devices></domain>",
        );
        const run = async (argv: string[]) => {
            if (argv.includes("/shared/a.qcow2")) return "Name: a.qcow2\n";
            throw new Error("error: Storage volume not found: no storage vol with matching path");
        };
        expect(diskVisibility(await storage(run, input, two, null))).toEqual({ unseen: ["vdb"], seen: ["vda"] });
    });
    it("a vol-info that fails for another reason (timeout, lost connection) is no verdict: never copy on a guess", async () => {
        const r = await storage(
            async () => {
                throw new Error("error: Cannot recv data: Connection reset by peer");
            },
            input,
            d,
            null,
        );
        expect(r[0]).toMatchObject({ id: "storage:vda", unchecked: true });
        expect(r[0]!.disk).toBeUndefined();
    });
});

describe("storage check by disk type (issue 17 item 7)", () => {
    const xml = (disks: string) =>
        parseDefinition(`<domain type='qemu'><name>vm</name><devices>${disks}</devices></domain>`);
    const RBD =
        "<disk type='network' device='disk'><source protocol='rbd' name='rbd/vm-disk'><host name='mon1' port='6789'/>" +
        "<auth username='libvirt'><secret type='ceph' uuid='0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1'/></auth></source><target dev='vdb'/></disk>";
    const VOL =
        "<disk type='volume' device='disk'><source pool='ssd' volume='vm-data.qcow2'/><target dev='vdc'/></disk>";
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: defaultOptions("running"),
        live: true,
    };
    const SECRETS =
        " UUID                                   Usage\n--------------------------------------------------------------\n 0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1   ceph client.libvirt secret\n";
    const EMPTY = " UUID   Usage\n---------------\n\n";
    const scripted = (answers: Record<string, (argv: string[]) => string>) => {
        const calls: string[][] = [];
        const run = async (argv: string[]) => {
            calls.push(argv);
            const f = answers[argv[3]!];
            if (!f) throw new Error(`unexpected ${argv.join(" ")}`);
            return f(argv);
        };
        return { calls, run };
    };
    it("reads network and volume disks for what they are", () => {
        expect(xml(RBD + VOL).disks).toEqual([
            {
                type: "network",
                device: "disk",
                source: "rbd/vm-disk",
                target: "vdb",
                readonly: false,
                shareable: false,
                protocol: "rbd",
                secret: { type: "ceph", uuid: "0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1", usage: null },
            },
            {
                type: "volume",
                device: "disk",
                source: null,
                target: "vdc",
                readonly: false,
                shareable: false,
                pool: "ssd",
                volume: "vm-data.qcow2",
            },
        ]);
    });
    it("a network disk is not a path: the destination needs its secret, and then sees the same image", async () => {
        const ok = scripted({ "secret-list": () => SECRETS });
        const [r] = await storage(ok.run, input, xml(RBD), null);
        expect(r).toMatchObject({ id: "storage:vdb", severity: "pass", disk: { target: "vdb", visible: true } });
        expect(ok.calls.map((c) => c[3])).toEqual(["secret-list"]);
        const missing = scripted({ "secret-list": () => EMPTY });
        const [m] = await storage(missing.run, input, xml(RBD), null);
        expect(m).toMatchObject({
            severity: "error",
            title: "vdb: rbd rbd/vm-disk needs secret 0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1, which B does not have",
        });
        // never offered for copying: a plan must not put it in --migrate-disks
        expect(m!.disk).toBeUndefined();
    });
    it("a secret named by usage is matched by type and usage", async () => {
        const byUsage = RBD.replace("uuid='0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1'", "usage='client.libvirt secret'");
        const [r] = await storage(scripted({ "secret-list": () => SECRETS }).run, input, xml(byUsage), null);
        expect(r).toMatchObject({ severity: "pass" });
    });
    it("a network disk without auth needs nothing looked up; copying it is an error (the destination already has it)", async () => {
        // an nbd disk may have no export name: still checked, not dropped
        const noAuth =
            "<disk type='network' device='disk'><source protocol='nbd'><host name='nbd1' port='10809'/></source><target dev='vdd'/></disk>";
        const none = scripted({});
        expect((await storage(none.run, input, xml(noAuth), null))[0]).toMatchObject({
            id: "storage:vdd",
            severity: "pass",
            title: "vdd: nbd disk over the network, the same image on B",
            commands: [],
        });
        expect(
            (
                await storage(
                    none.run,
                    { ...input, options: { ...input.options, storage: "copy-all" } },
                    xml(noAuth),
                    null,
                )
            )[0],
        ).toMatchObject({ severity: "error" });
        expect(none.calls).toEqual([]);
    });
    it("a volume disk is looked up in its pool on the destination", async () => {
        const found = scripted({ "vol-info": () => "Name:           vm-data.qcow2\nType:           file\n" });
        expect((await storage(found.run, input, xml(VOL), null))[0]).toMatchObject({
            id: "storage:vdc",
            severity: "pass",
            title: "vdc: ssd/vm-data.qcow2 is visible on B",
        });
        expect(found.calls).toEqual([["virsh", "-c", "b", "vol-info", "--pool", "ssd", "--vol", "vm-data.qcow2"]]);
        const noVol = scripted({
            "vol-info": (argv) => {
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    "error: Storage volume not found: no storage vol with matching name 'vm-data.qcow2'",
                );
            },
        });
        expect((await storage(noVol.run, input, xml(VOL), null))[0]).toMatchObject({
            severity: "error",
            title: "vdc: ssd/vm-data.qcow2 is not visible on B",
            disk: { target: "vdc", visible: false },
        });
        const noPool = scripted({
            "vol-info": (argv) => {
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    "error: Storage pool not found: no storage pool with matching name 'ssd'",
                );
            },
        });
        const [p] = await storage(
            noPool.run,
            { ...input, options: { ...input.options, storage: "copy-all" } },
            xml(VOL),
            null,
        );
        expect(p).toMatchObject({ severity: "error", title: "vdc: storage pool ssd does not exist on B" });
    });
});
