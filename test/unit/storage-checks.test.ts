import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { backingCheck, parseImageInfo, runChecks, spaceCheck } from "../../src/storage/checks";
import { RunError } from "../../pkg/lib/runner";
import { ScriptedRunner, failure } from "./fakes";
import { host, inputs } from "./storage-helpers";

const fixture = (name: string) => readFileSync(new URL(`fixtures/storage/${name}`, import.meta.url), "utf8");

describe("backing chains: the flow copies one file per disk", () => {
    it("reads qemu-img info's JSON (captured from qemu-img 7.2)", () => {
        expect(parseImageInfo(fixture("qemu-img-info-overlay.json"))).toEqual({
            format: "qcow2",
            backing: "/tmp/base.qcow2",
        });
        expect(parseImageInfo(fixture("qemu-img-info-single.json"))).toEqual({ format: "qcow2", backing: null });
    });
    it("a single image passes; an overlay is an error that says how to merge it", () => {
        expect(backingCheck("/i/a.qcow2", { format: "qcow2", backing: null }, [])).toMatchObject({
            severity: "pass",
            title: "/i/a.qcow2 is a single qcow2 image (no backing file)",
        });
        const r = backingCheck("/i/top.qcow2", { format: "qcow2", backing: "/i/base.qcow2" }, []);
        expect(r).toMatchObject({ severity: "error", title: "/i/top.qcow2 is a layer on top of /i/base.qcow2" });
        expect(r.fix).toMatch(/qemu-img convert -O qcow2 \/i\/top.qcow2 NEW-FILE/);
    });
    it("runChecks asks the source for every image; qemu-img missing is 'could not be checked', never a pass", async () => {
        const base = [
            [/^virsh .* domstate/, "shut off\n"],
            [/^sh -c/, "bin exportfs\nbin mount.nfs\nfs nfs\nfs nfsd\nnfsd-threads 8\nrunning rpc.mountd\n"],
            [/^getenforce$/, new RunError("not-found", "getenforce: not found", ["getenforce"])],
            [/^stat /, "1024"],
            [/^df /, "Filesystem 1-blocks Used Available Capacity Mounted\n/dev/x 100 0 1073741824 0% /\n"],
        ] as [RegExp, string | RunError][];
        const overlay = new ScriptedRunner([
            [
                /^qemu-img info --output=json -U -- \/var\/lib\/libvirt\/images\/vm1.qcow2$/,
                fixture("qemu-img-info-overlay.json"),
            ],
            ...base,
        ]);
        const i = inputs();
        const { results } = await runChecks(overlay, i);
        expect(results.find((r) => r.id === "backing-/var/lib/libvirt/images/vm1.qcow2")).toMatchObject({
            severity: "error",
            commands: [["qemu-img", "info", "--output=json", "-U", "--", "/var/lib/libvirt/images/vm1.qcow2"]],
        });
        expect(overlay.ran(/^qemu-img/)[0]!.target).toEqual(i.source.target);
        const missing = new ScriptedRunner([
            [/^qemu-img/, new RunError("not-found", "qemu-img: not found", ["qemu-img"])],
            ...base,
        ]);
        const r2 = (await runChecks(missing, i)).results.find((r) => r.id.startsWith("backing-"));
        expect(r2).toMatchObject({
            severity: "warning",
            title: "The backing chain of /var/lib/libvirt/images/vm1.qcow2 could not be checked",
        });
    });
});

describe("SELinux detection", () => {
    it("getenforce missing (locally not-found, over SSH exit 127) → not installed; Enforcing + getsebool off → the step is needed", async () => {
        const { selinuxState } = await import("../../src/storage/checks");
        const h = inputs().clients[1]!;
        expect(
            await selinuxState(
                new ScriptedRunner([
                    [
                        /^getenforce$/,
                        new RunError("exit-status", "sh: 1: getenforce: not found", ["getenforce"], 127, ""),
                    ],
                ]),
                h,
            ),
        ).toBe("absent");
        expect(
            await selinuxState(
                new ScriptedRunner([[/^getenforce$/, new RunError("not-found", "", ["getenforce"])]]),
                h,
            ),
        ).toBe("absent");
        expect(await selinuxState(new ScriptedRunner([[/^getenforce$/, "Disabled\n"]]), h)).toBe("disabled");
        expect(
            await selinuxState(
                new ScriptedRunner([
                    [/^getenforce$/, "Enforcing\n"],
                    [/^getsebool virt_use_nfs$/, "virt_use_nfs --> off\n"],
                ]),
                h,
            ),
        ).toBe("off");
        expect(
            await selinuxState(
                new ScriptedRunner([
                    [/^getenforce$/, "Permissive\n"],
                    [/^getsebool virt_use_nfs$/, "virt_use_nfs --> on\n"],
                ]),
                h,
            ),
        ).toBe("on");
        await expect(
            selinuxState(
                new ScriptedRunner([
                    [/^getenforce$/, failure("ssh: connect to host 10.0.0.2 port 22: Connection refused", 255)],
                ]),
                h,
            ),
        ).rejects.toThrow();
    });
});

describe("free space: sizes in the unit that fits them", () => {
    it("a 64 MiB image on a 40 GiB export reads 64.0 MiB and 40.0 GiB (it said 0.06 GiB before, 0.00 GiB for less)", () => {
        const r = spaceCheck(host("storage", "10.0.0.9"), "/srv/images", 40 * 2 ** 30, 64 * 2 ** 20, []);
        expect(r).toMatchObject({ severity: "pass", title: "40.0 GiB free on 10.0.0.9 for 64.0 MiB of images" });
    });

    it("not enough space names both sizes in their own units", () => {
        const r = spaceCheck(host("storage", "10.0.0.9"), "/srv/images", 300 * 2 ** 20, 2 * 2 ** 30, []);
        expect(r.severity).toBe("error");
        expect(r.title).toBe("Not enough space on 10.0.0.9 for the images: 300 MiB free, 2.0 GiB needed");
    });
});
