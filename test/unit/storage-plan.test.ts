import { describe, expect, it } from "vitest";
import { buildPlan, validateInputs } from "../../src/storage/plan";
import { newRecord } from "../../src/storage/record";
import { displayCommand } from "../../src/virsh/argv";
import { inputs, setup } from "./storage-helpers";
import { uuidOf } from "./refs";

describe("buildPlan", () => {
    it("orders the procedure's steps, each with its host and exact commands", () => {
        const { plan } = setup([]);
        expect(plan.map((s) => s.id)).toEqual([
            "mkdir",
            "copy-0",
            "export",
            "selinux-localhost",
            "selinux-dest",
            "mount-localhost",
            "mount-dest",
            "repoint-vm1",
            "start-vm1",
            "verify-dest",
        ]);
        const s = (id: string) => plan.find((p) => p.id === id)!;
        expect(s("mkdir").commands.map(displayCommand)).toEqual(["mkdir -p -- /var/lib/libvirt/shared-images"]);
        expect(s("export").edits).toEqual([
            {
                path: "/etc/exports",
                line: "/var/lib/libvirt/shared-images 10.0.0.1(rw,no_root_squash) 10.0.0.2(rw,no_root_squash)",
            },
        ]);
        expect(s("export").commands).toEqual([
            ["exportfs", "-a"],
            ["exportfs", "-v"],
        ]);
        expect(s("mount-dest").commands[2]).toEqual([
            "mount",
            "-t",
            "nfs",
            "-o",
            "rw",
            "--",
            "10.0.0.9:/var/lib/libvirt/shared-images",
            "/var/lib/libvirt/images",
        ]);
        expect(s("selinux-dest").skipReason).toMatch(/SELinux is not in use/);
        expect(s("repoint-vm1").skipReason).toMatch(/keep their paths/);
        expect(s("start-vm1").commands[0]).toEqual([
            "virsh",
            "-c",
            "qemu:///system",
            "start",
            "--domain",
            uuidOf("vm1"),
        ]);
        // repointing defines the XML again: it is read with its secure fields
        expect(s("repoint-vm1").commands[0]).toEqual([
            "virsh",
            "-c",
            "qemu:///system",
            "dumpxml",
            "--domain",
            uuidOf("vm1"),
            "--inactive",
            "--security-info",
        ]);
    });
    it("a netfs pool instead of a mount; a different mount point repoints the disks", () => {
        const { plan } = setup([], { method: "pool", mountPoint: "/mnt/shared" });
        const m = plan.find((p) => p.id === "mount-dest")!;
        expect(m.commands[0]).toEqual([
            "virsh",
            "-c",
            "qemu+ssh://root@10.0.0.2/system",
            "pool-define-as",
            "--name",
            "shared-images",
            "--type",
            "netfs",
            "--source-host",
            "10.0.0.9",
            "--source-path",
            "/var/lib/libvirt/shared-images",
            "--source-format",
            "nfs",
            "--target",
            "/mnt/shared",
        ]);
        expect(plan.find((p) => p.id === "repoint-vm1")!.skipReason).toBeUndefined();
    });
    it("SELinux steps only where SELinux is in use", () => {
        const r = newRecord(inputs(), ["dest"]);
        expect(buildPlan(r.inputs, r.selinuxHosts).find((s) => s.id === "selinux-dest")!.skipReason).toBeUndefined();
    });
    it("validation: same image name twice, bad pool name, bad export options", () => {
        const two = inputs({
            images: [
                { domain: "a", uuid: uuidOf("a"), target: "vda", path: "/x/disk.qcow2" },
                { domain: "b", uuid: uuidOf("b"), target: "vda", path: "/y/disk.qcow2" },
            ],
        });
        expect(validateInputs(two)).toMatch(/both named disk.qcow2/);
        expect(validateInputs(inputs({ method: "pool", poolName: "a b" }))).toMatch(/pool name/);
        expect(validateInputs(inputs({ exportOptions: "rw no_root_squash" }))).toMatch(/export options/);
        expect(validateInputs(inputs())).toBeNull();
    });
});
