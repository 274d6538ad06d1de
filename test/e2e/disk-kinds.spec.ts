/**
 * Disks that are not file paths (issue 17 item 7), on the lab: a pool's volume is looked up in
 * that pool on the destination, a network disk by the secret its auth names. Each verdict is
 * checked against what libvirt on the destination holds, and the offline move is then made and
 * read back from libvirt on both hosts (by UUID).
 */
import { test, expect, type Page } from "@playwright/test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { domUuid, isPersistent, domState, lab, labGuest, labHost, tryVirsh, virsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result } from "./migrate-helpers";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

const [A, B] = ["a", "b"] as const;
const POOL = "lab-e2e-dk-pool";

const VOLUME = "lab-e2e-dk-vol.qcow2";

/** A started dir pool named POOL on a lab host. */
function definePool(h: "a" | "b") {
    const uri = labHost(h).uri;
    virsh(uri, "pool-define-as", "--name", POOL, "--type", "dir", "--target", `/var/lib/libvirt/images/${POOL}`);
    virsh(uri, "pool-build", "--pool", POOL);
    virsh(uri, "pool-start", "--pool", POOL);
}

/** VOLUME (qcow2) in POOL on a lab host. */
function createVolume(h: "a" | "b") {
    virsh(labHost(h).uri, "vol-create-as", "--pool", POOL, "--name", VOLUME, "--capacity", "16M", "--format", "qcow2");
}

function removePool(h: "a" | "b") {
    const uri = labHost(h).uri;
    tryVirsh(uri, "vol-delete", "--pool", POOL, "--vol", VOLUME);
    tryVirsh(uri, "pool-destroy", "--pool", POOL);
    tryVirsh(uri, "pool-delete", "--pool", POOL);
    tryVirsh(uri, "pool-undefine", "--pool", POOL);
}

function defineOnA(xml: string) {
    const dir = mkdtempSync(join(tmpdir(), "cm-e2e-dk-"));
    try {
        writeFileSync(join(dir, "vm.xml"), xml);
        virsh(labHost(A).uri, "define", "--file", join(dir, "vm.xml"));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

async function toB(page: Page, name: string) {
    const dialog = await openMigrateDialog(page, "localhost", name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.getByLabel("Offline")).toBeChecked();
    return dialog;
}

async function movedOffline(page: Page, dialog: ReturnType<Page["getByRole"]>, name: string, id: string) {
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(labHost(B).uri, id)).toBe("shut off");
    expect(isPersistent(labHost(B).uri, id)).toBe(true);
    expect(domState(labHost(A).uri, id)).toBeNull();
}

test("a pool's volume is looked up in that pool on the destination: no pool there is an error naming it; with it, the VM moves", async ({
    page,
}) => {
    const name = "lab-e2e-dk-vol";
    removePool(A);
    removePool(B);
    try {
        definePool(A);
        createVolume(A);
        defineOnA(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
            <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
            <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='${POOL}' volume='${VOLUME}'/><target dev='vda' bus='virtio'/></disk>
            </devices></domain>`);
        const id = domUuid(labHost(A).uri, name);
        const dialog = await toB(page, name);
        const vda = dialog.locator('[data-check="storage:vda"]');
        await expect(vda).toHaveAttribute("data-severity", "error", { timeout: 60_000 });
        await expect(vda).toContainText(`vda: storage pool ${POOL} does not exist on 127.0.0.2`);
        await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
        // the same pool on B, without the volume: "not visible", not a pass
        definePool(B);
        await dialog.getByRole("button", { name: "Check again" }).click();
        await expect(vda).toHaveAttribute("data-severity", "error", { timeout: 60_000 });
        await expect(vda).toContainText(`vda: ${POOL}/${VOLUME} is not visible on 127.0.0.2`);
        // and with the volume there (shared storage, as far as the definition goes): a pass
        createVolume(B);
        await dialog.getByRole("button", { name: "Check again" }).click();
        await expect(vda).toHaveAttribute("data-severity", "pass", { timeout: 60_000 });
        await expect(vda).toContainText(`vda: ${POOL}/${VOLUME} is visible on 127.0.0.2`);
        await movedOffline(page, dialog, name, id);
        expect(virsh(labHost(B).uri, "dumpxml", "--domain", id)).toContain(
            `<source pool='${POOL}' volume='${VOLUME}'/>`,
        );
    } finally {
        tryVirsh(labHost(B).uri, "undefine", "--domain", name);
        tryVirsh(labHost(A).uri, "undefine", "--domain", name);
        removePool(A);
        removePool(B);
    }
});

test("a network disk is checked by its secret on the destination: without it an error naming it; with it, the VM moves", async ({
    page,
}) => {
    const name = "lab-e2e-dk-rbd";
    const secret = "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f"; // the lab's secure guest's ceph auth (test/lab/guests.sh)
    tryVirsh(labHost(B).uri, "secret-undefine", "--secret", secret);
    labGuest(A, name, "secure", false);
    const id = domUuid(labHost(A).uri, name);
    try {
        const dialog = await toB(page, name);
        const vdb = dialog.locator('[data-check="storage:vdb"]');
        await expect(vdb).toHaveAttribute("data-severity", "error", { timeout: 60_000 });
        await expect(vdb).toContainText(`vdb: rbd lab/${name} needs secret ${secret}, which 127.0.0.2 does not have`);
        await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
        const dir = mkdtempSync(join(tmpdir(), "cm-e2e-dk-"));
        try {
            writeFileSync(
                join(dir, "secret.xml"),
                `<secret ephemeral='no' private='yes'><uuid>${secret}</uuid><usage type='ceph'><name>lab</name></usage></secret>`,
            );
            virsh(labHost(B).uri, "secret-define", "--file", join(dir, "secret.xml"));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
        await dialog.getByRole("button", { name: "Check again" }).click();
        await expect(vdb).toHaveAttribute("data-severity", "pass", { timeout: 60_000 });
        await expect(vdb).toContainText(`vdb: rbd lab/${name} over the network, the same image on 127.0.0.2`);
        await movedOffline(page, dialog, name, id);
        // the disk's auth moved with it (the definition was read with its security info)
        expect(virsh(labHost(B).uri, "dumpxml", "--domain", id)).toContain(`<secret type='ceph' uuid='${secret}'/>`);
    } finally {
        tryVirsh(labHost(B).uri, "secret-undefine", "--secret", secret);
    }
});
