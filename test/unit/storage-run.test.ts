import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/storage/plan";
import { executeStep, StepError } from "../../src/storage/run";
import { undoAction, undoPlan } from "../../src/storage/undo";
import { newRecord } from "../../src/storage/record";
import { EXPORTS_PATH, parseExportfsVerbose } from "../../src/storage/exports";
import { FSTAB_PATH } from "../../src/storage/fstab";
import { MARKER } from "../../src/storage/lines";
import { repointDisks } from "../../src/storage/repoint";
import { displayCommand } from "../../src/virsh/argv";
import { RunError } from "../../pkg/lib/runner";
import { MemoryFiles, ScriptedRunner, failure } from "./fakes";
import { EXPORTS, FSTAB, LOCAL, inputs, setup } from "./storage-helpers";

describe("export step: write our line, exportfs -a, exportfs -v, roll back on failure", () => {
    const VERBOSE =
        "/var/lib/libvirt/shared-images\n\t\t10.0.0.1(sync,wdelay,rw,no_root_squash)\n/var/lib/libvirt/shared-images\n\t\t10.0.0.2(sync,rw,no_root_squash)\n";
    it("success: the line is added after everything else, a backup is kept, and Undo gives back the same bytes", async () => {
        const { runner, files, ctx, record, step } = setup([
            [/^exportfs -a$/, ""],
            [/^exportfs -v$/, VERBOSE],
            [/^exportfs -r$/, ""],
        ]);
        const out = await executeStep(ctx, record, step("export"));
        const store = files(record.inputs.storage);
        expect(store.get(EXPORTS_PATH)).toBe(
            `${EXPORTS}${MARKER}\n/var/lib/libvirt/shared-images 10.0.0.1(rw,no_root_squash) 10.0.0.2(rw,no_root_squash)\n`,
        );
        expect(store.get(`${EXPORTS_PATH}.cockpit-migrate.bak`)).toBe(EXPORTS);
        expect(out).toMatch(/added/);
        expect(record.added.exports).toEqual({ hostId: "storage", path: "/var/lib/libvirt/shared-images" });
        expect(runner.calls.map((c) => c.target)).toEqual([record.inputs.storage.target, record.inputs.storage.target]);
        // running it again changes nothing
        await executeStep(ctx, record, step("export"));
        expect(store.get(EXPORTS_PATH)!.split(MARKER).length).toBe(2);
        const [undo] = undoPlan(record);
        expect(undo!.commands).toEqual([["exportfs", "-r"]]);
        await undoAction(ctx, record, undo!);
        expect(store.get(EXPORTS_PATH)).toBe(EXPORTS);
        expect(record.added.exports).toBeNull();
    });
    it("no /etc/exports before: Undo removes the file the flow created, unless someone added to it since", async () => {
        for (const later of ["", "/srv/added-by-admin *(ro)\n"]) {
            const { runner, files, ctx, record, step } = setup([
                [/^exportfs -a$/, ""],
                [/^exportfs -v$/, VERBOSE],
                [/^exportfs -r$/, ""],
                [/^rm -f -- \/etc\/exports$/, ""],
            ]);
            const store = files(record.inputs.storage);
            store.files.delete(EXPORTS_PATH);
            await executeStep(ctx, record, step("export"));
            expect(record.added.exports).toEqual({
                hostId: "storage",
                path: "/var/lib/libvirt/shared-images",
                created: true,
            });
            expect(store.get(`${EXPORTS_PATH}.cockpit-migrate.bak`)).toBeNull();
            if (later) store.touch(EXPORTS_PATH, store.get(EXPORTS_PATH)! + later);
            const [undo] = undoPlan(record);
            expect(undo!.commands).toEqual([
                ["rm", "-f", "--", EXPORTS_PATH],
                ["exportfs", "-r"],
            ]);
            const said = await undoAction(ctx, record, undo!);
            const removed = runner.calls.some((c) => c.argv.join(" ") === "rm -f -- /etc/exports");
            if (later) {
                expect(removed).toBe(false);
                expect(store.get(EXPORTS_PATH)).toBe(later);
                expect(said).toMatch(/line removed/);
            } else {
                expect(removed).toBe(true);
                expect(said).toMatch(/removed again/);
            }
            expect(record.added.exports).toBeNull();
        }
    });
    it("exportfs rejects an option: the file is rolled back byte for byte, and the reason is in words", async () => {
        const { files, ctx, record, step } = setup([
            [/^exportfs -a$/, failure('exportfs: /etc/exports:5: unknown keyword "bogus"')],
        ]);
        const e = await executeStep(ctx, record, step("export")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e).toBeInstanceOf(StepError);
        expect((e as StepError).message).toBe('exportfs on 10.0.0.9 rejected the export option "bogus"');
        expect((e as StepError).fix).toMatch(/left as it was before the step/);
        expect((e as StepError).output).toMatch(/restored/);
        expect(files(record.inputs.storage).get(EXPORTS_PATH)).toBe(EXPORTS);
        expect(record.added.exports).toBeNull();
    });
    it("exportfs is missing (no NFS server): rolled back, says what to install", async () => {
        const { files, ctx, record, step } = setup([
            [/^exportfs/, new RunError("not-found", "exportfs is not installed", ["exportfs"])],
        ]);
        const e = await executeStep(ctx, record, step("export")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e.message).toMatch(/exportfs is not installed on 10.0.0.9/);
        expect(e.fix).toMatch(/nfs-kernel-server/);
        expect(files(record.inputs.storage).get(EXPORTS_PATH)).toBe(EXPORTS);
    });
    it("exportfs -v does not list a client: rolled back, the file and the live table (exportfs -r)", async () => {
        const { runner, files, ctx, record, step } = setup([
            [/^exportfs -a$/, ""],
            [/^exportfs -v$/, "/var/lib/libvirt/shared-images\n\t\t10.0.0.1(rw)\n"],
            [/^exportfs -r$/, ""],
        ]);
        const e = await executeStep(ctx, record, step("export")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e.message).toMatch(/does not list .* for 10.0.0.2/);
        expect(files(record.inputs.storage).get(EXPORTS_PATH)).toBe(EXPORTS);
        const argvs = runner.calls.map((c) => c.argv.join(" "));
        expect(argvs.at(-1)).toBe("exportfs -r");
        expect(e.output).toMatch(/live exports follow the file again/);
    });
    it("exportfs -v is read exactly: a longer address or a longer path is not ours", async () => {
        for (const listed of [
            "/var/lib/libvirt/shared-images\t110.0.0.1(rw)\n/var/lib/libvirt/shared-images\t10.0.0.22(rw)\n",
            "/var/lib/libvirt/shared-images-old\t10.0.0.1(rw)\n/var/lib/libvirt/shared-images-old\t10.0.0.2(rw)\n",
            "/srv/x\t10.0.0.1(rw,fsid=/var/lib/libvirt/shared-images)\n/srv/x\t10.0.0.2(rw)\n",
        ]) {
            const { ctx, record, step } = setup([
                [/^exportfs -a$/, ""],
                [/^exportfs -v$/, listed],
                [/^exportfs -r$/, ""],
            ]);
            const e = await executeStep(ctx, record, step("export")).then(
                () => null,
                (x: unknown) => x as StepError,
            );
            expect(e?.message, listed).toMatch(/does not list/);
        }
        expect(
            parseExportfsVerbose(
                "/a\\040b\t10.0.0.1(rw)\t*.lab(ro)\n/very/long/path\n\t\t10.0.0.2(sync,rw)\n\t\t<world>(ro)\n",
            ),
        ).toEqual(
            new Map([
                ["/a b", new Set(["10.0.0.1", "*.lab"])],
                ["/very/long/path", new Set(["10.0.0.2", "<world>"])],
            ]),
        );
    });
    it("a concurrent edit between read and write: nothing written, the admin's change kept", async () => {
        const { files, ctx, record, step } = setup([]);
        const store = files(record.inputs.storage);
        store.onReplace = (p) => {
            if (p === EXPORTS_PATH) {
                store.onReplace = null;
                store.touch(EXPORTS_PATH, EXPORTS + "/srv/new b(rw)\n");
            }
        };
        const e = await executeStep(ctx, record, step("export")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e.message).toMatch(/changed by someone else .* nothing was written/);
        expect(store.get(EXPORTS_PATH)).toBe(EXPORTS + "/srv/new b(rw)\n");
    });
});

describe("mount step", () => {
    const NODEV = failure("mount.nfs: No such device", 32);
    it("the kernel cannot mount NFS: says so; with fstab, the line is taken out again (same bytes)", async () => {
        const { runner, files, ctx, record, step } = setup(
            [
                [/^findmnt/, failure("", 1)],
                [/^mkdir/, ""],
                [/^mount /, NODEV],
            ],
            { method: "fstab" },
        );
        const e = await executeStep(ctx, record, step("mount-dest")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e.message).toBe("The kernel of 10.0.0.2 cannot mount NFS (mount.nfs: No such device)");
        expect(e.fix).toMatch(/\/etc\/fstab was left as it was/);
        expect(runner.ran(/^mount /)[0]!.argv).toEqual(["mount", "--", "/var/lib/libvirt/images"]);
        const store = files(record.inputs.clients[1]!);
        expect(store.get(FSTAB_PATH)).toBe(FSTAB);
        expect(store.get(`${FSTAB_PATH}.cockpit-migrate.bak`)).toBe(FSTAB);
        expect(record.added).toMatchObject({ fstab: [], mounts: [] });
    });
    it("success with fstab: recorded; Undo unmounts and removes only our line", async () => {
        const { runner, files, ctx, record, step } = setup(
            [
                [/^findmnt/, failure("", 1)],
                [/^mkdir/, ""],
                [/^mount /, ""],
                [/^umount/, ""],
            ],
            { method: "fstab" },
        );
        await executeStep(ctx, record, step("mount-dest"));
        const store = files(record.inputs.clients[1]!);
        expect(store.get(FSTAB_PATH)).toBe(
            `${FSTAB}${MARKER}\n10.0.0.9:/var/lib/libvirt/shared-images /var/lib/libvirt/images nfs rw 0 0\n`,
        );
        for (const a of undoPlan(record)) await undoAction(ctx, record, a);
        expect(runner.ran(/^umount/)[0]!.argv).toEqual(["umount", "--", "/var/lib/libvirt/images"]);
        expect(store.get(FSTAB_PATH)).toBe(FSTAB);
    });
    it("something else is mounted there: refused, nothing run", async () => {
        const { runner, ctx, record, step } = setup([[/^findmnt/, "/dev/sdb1 ext4\n"]]);
        await expect(executeStep(ctx, record, step("mount-dest"))).rejects.toThrow(/\/dev\/sdb1 is already mounted/);
        expect(runner.ran(/^mount/)).toEqual([]);
    });
    it("netfs pool whose start fails is undefined again", async () => {
        const { runner, ctx, record, step } = setup(
            [
                [/pool-info/, failure("error: failed to get pool")],
                [/pool-define-as/, ""],
                [/pool-build/, ""],
                [
                    /pool-start/,
                    failure(
                        "error: Failed to start pool shared-images\nerror: internal error: Child process (/usr/bin/mount -t nfs ...) unexpected exit status 32: mount.nfs: No such device",
                    ),
                ],
                [/pool-undefine/, ""],
            ],
            { method: "pool" },
        );
        const e = await executeStep(ctx, record, step("mount-dest")).then(
            () => {
                throw new Error("the step should fail");
            },
            (x: unknown) => x as StepError,
        );
        expect(e.message).toMatch(/cannot mount NFS/);
        expect(runner.ran(/pool-undefine/)).toHaveLength(1);
        expect(record.added.pools).toEqual([]);
        expect(runner.calls.every((c) => c.target.kind === "local")).toBe(true);
    });
});

describe("other steps", () => {
    it("start: runs virsh start only when not running, then confirms", async () => {
        let state = "shut off";
        const { runner, ctx, record, step } = setup([
            [/domstate/, () => state + "\n"],
            [
                / start /,
                () => {
                    state = "running";
                    return "";
                },
            ],
        ]);
        expect(await executeStep(ctx, record, step("start-vm1"))).toBe("The VM is running");
        await executeStep(ctx, record, step("start-vm1"));
        expect(runner.ran(/ start /)).toHaveLength(1);
    });
    it("verify: the destination must see the same SHA-256 as the copy", async () => {
        const { ctx, record, step } = setup([[/^sha256sum/, "bbbb  /var/lib/libvirt/images/vm1.qcow2\n"]]);
        record.checksums["/var/lib/libvirt/images/vm1.qcow2"] = "aaaa";
        await expect(executeStep(ctx, record, step("verify-dest"))).rejects.toThrow(/sees a different/);
        record.checksums["/var/lib/libvirt/images/vm1.qcow2"] = "bbbb";
        expect(await executeStep(ctx, record, step("verify-dest"))).toMatch(/same as the copy/);
    });
    it("repoint: changes only the file disks named, through virsh define on stdin, and Undo points them back", async () => {
        const xml =
            "<domain type='kvm'><name>vm1</name><devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm1.qcow2'/><target dev='vda'/></disk><disk type='file' device='cdrom'><source file='/iso/a.iso'/></disk></devices></domain>";
        let defined = xml;
        const { ctx, record, step } = setup(
            [
                [/dumpxml/, () => defined],
                [
                    / define /,
                    (_a, input) => {
                        defined = input!;
                        return "";
                    },
                ],
            ],
            { mountPoint: "/mnt/shared" },
        );
        await executeStep(ctx, record, step("repoint-vm1"));
        expect(defined).toContain('file="/mnt/shared/vm1.qcow2"');
        expect(defined).toContain('file="/iso/a.iso"');
        await undoAction(
            ctx,
            record,
            undoPlan(record).find((a) => a.id === "repoint-vm1")!,
        );
        expect(defined).toContain('file="/var/lib/libvirt/images/vm1.qcow2"');
        expect(repointDisks(xml, new Map()).changed).toBe(0);
    });
    it("setsebool on a host with SELinux", async () => {
        const r = newRecord(inputs(), ["dest"]);
        const runner = new ScriptedRunner([[/^setsebool -P virt_use_nfs 1$/, ""]]);
        const s = buildPlan(r.inputs, r.selinuxHosts).find((x) => x.id === "selinux-dest")!;
        expect(await executeStep({ runner, files: () => new MemoryFiles(), jobDir: () => "/x" }, r, s)).toMatch(
            /virt_use_nfs is on/,
        );
        expect(runner.calls[0]!.target).toEqual(LOCAL.target.kind === "local" ? r.inputs.clients[1]!.target : null);
    });
});

describe("Undo of a netfs pool", () => {
    it("pool-destroy (an inactive pool is fine) then pool-undefine, only for the pool the flow defined", async () => {
        const { runner, ctx, record, step } = setup(
            [
                [/pool-info/, failure("error: failed to get pool")],
                [/pool-define-as|pool-build|pool-start|pool-autostart/, ""],
                [
                    /pool-destroy/,
                    failure("error: Requested operation is not valid: storage pool 'shared-images' is not active"),
                ],
                [/pool-undefine/, ""],
            ],
            { method: "pool" },
        );
        await executeStep(ctx, record, step("mount-dest"));
        expect(record.added.pools).toEqual([{ hostId: "dest", name: "shared-images" }]);
        const plan = undoPlan(record);
        expect(plan.map((a) => a.commands.map(displayCommand))).toEqual([
            [
                "virsh -c qemu+ssh://root@10.0.0.2/system pool-destroy --pool shared-images",
                "virsh -c qemu+ssh://root@10.0.0.2/system pool-undefine --pool shared-images",
            ],
        ]);
        await undoAction(ctx, record, plan[0]!);
        expect(runner.ran(/pool-undefine/)).toHaveLength(1);
        expect(record.added.pools).toEqual([]);
    });
    it("a pool of that name the flow did not define is refused, not reused", async () => {
        const { runner, ctx, record, step } = setup([[/pool-info/, "Name: shared-images\nState: running\n"]], {
            method: "pool",
        });
        await expect(executeStep(ctx, record, step("mount-dest"))).rejects.toThrow(
            /already exists on 10.0.0.2; the flow does not change it/,
        );
        expect(runner.ran(/pool-(define|start|undefine)/)).toEqual([]);
    });
});
