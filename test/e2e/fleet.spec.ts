/**
 * What real fleets have and the first lab did not: autostart VMs, transient VMs, an IPv6
 * migration address. Each is migrated from the page and the state is read from libvirt on both
 * hosts (by UUID lists, never by a lookup that a name could answer).
 */
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { domUuid, HOSTS_CONFIG, LAB_STATE, labGuest, labHost, labHosts, lab, tryVirsh, virsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { command, openMigrateDialog, result, dataFlows } from "./migrate-helpers";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

const uuids = (h: "a" | "b" | "c", ...filters: string[]) =>
    virsh(labHost(h).uri, "list", "--all", "--uuid", ...filters)
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
/** running / defined / persistent / autostart of the VM with this UUID on a host, or null when it is not there. */
function stateOf(h: "a" | "b" | "c", uuid: string) {
    if (!uuids(h).includes(uuid)) return null;
    return {
        running: uuids(h, "--state-running").includes(uuid),
        persistent: uuids(h, "--persistent").includes(uuid),
        autostart: uuids(h, "--autostart").includes(uuid),
    };
}

async function migrate(
    page: import("@playwright/test").Page,
    from: string,
    name: string,
    to: string,
    temporary = false,
) {
    const dialog = await openMigrateDialog(page, from, name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption(to);
    if (temporary) await dialog.getByLabel("Temporary").check();
    return dialog;
}

test("autostart: a Permanent move carries it to the destination; the source no longer has the VM", async ({ page }) => {
    labGuest("a", "lab-e2e-auto-p", "tiny");
    const id = domUuid(labHost("a").uri, "lab-e2e-auto-p");
    virsh(labHost("a").uri, "autostart", "--domain", id);
    const dialog = await migrate(page, "localhost", "lab-e2e-auto-p", "127.0.0.2");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const done = result(page, "lab-e2e-auto-p");
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    await expect(done.locator("[data-autostart]")).toHaveAttribute("data-autostart", "ok");
    await expect(done).toContainText("Autostart carried over");
    expect(stateOf("b", id)).toEqual({ running: true, persistent: true, autostart: true });
    expect(stateOf("a", id)).toBeNull();
});

test("autostart: a Temporary migration is held until autostart is turned off on the source, which then cannot start it twice", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-auto-t", "tiny");
    const id = domUuid(labHost("a").uri, "lab-e2e-auto-t");
    virsh(labHost("a").uri, "autostart", "--domain", id);
    const dialog = await migrate(page, "localhost", "lab-e2e-auto-t", "127.0.0.2", true);
    const go = dialog.getByRole("button", { name: "Migrate", exact: true });
    await expect(dialog.getByText(/the next boot here would start it a second time/)).toBeVisible();
    await expect(go).toBeDisabled();
    await dialog.getByLabel("Turn autostart off on this host first (virsh autostart --disable)").check();
    await expect(command(dialog)).toContainText(`autostart --domain ${id} --disable`);
    await go.click();
    await expect(result(page, "lab-e2e-auto-t")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(stateOf("a", id)).toEqual({ running: false, persistent: true, autostart: false });
    expect(stateOf("b", id)).toEqual({ running: true, persistent: false, autostart: false });
});

test("a transient VM migrated Temporarily is verified as what it is: running on the destination, nothing left on the source", async ({
    page,
}) => {
    const a = labHost("a");
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "vm.xml");
    writeFileSync(
        file,
        `<domain type='qemu'><name>lab-e2e-transient</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><serial type='pty'/></devices></domain>`,
    );
    try {
        execFileSync("virsh", ["-c", a.uri, "create", "--file", file], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
    const id = domUuid(a.uri, "lab-e2e-transient");
    const dialog = await migrate(page, "localhost", "lab-e2e-transient", "127.0.0.2", true);
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const done = result(page, "lab-e2e-transient");
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    await expect(done).toContainText("Checked on both hosts: Running on 127.0.0.2");
    await expect(done).not.toContainText("is gone");
    expect(stateOf("b", id)).toEqual({ running: true, persistent: false, autostart: false });
    expect(stateOf("a", id)).toBeNull();
    virsh(labHost("b").uri, "destroy", "--domain", id);
});

test("an IPv6 migration address: B → this host over [::1] (--migrateuri tcp://[::1] --listen-address ::1)", async ({
    page,
}) => {
    // this host's known entry migrates over IPv6 loopback
    const hosts = labHosts().map((h) => ({
        address: h.address,
        sshUser: "root",
        transport: "ssh",
        ...(h.address === "127.0.0.1" ? { migrationAddress: "::1" } : {}),
    }));
    writeFileSync(`${HOSTS_CONFIG}.tmp`, JSON.stringify({ version: 1, hosts }, null, 2) + "\n");
    renameSync(`${HOSTS_CONFIG}.tmp`, HOSTS_CONFIG);
    labGuest("b", "lab-e2e-v6", "tiny");
    const id = domUuid(labHost("b").uri, "lab-e2e-v6");
    const dialog = await migrate(page, "127.0.0.2", "lab-e2e-v6", "127.0.0.1");
    await expect(command(dialog)).toContainText("--migrateuri 'tcp://[::1]' --listen-address ::1");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-v6")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(stateOf("a", id)).toEqual({ running: true, persistent: true, autostart: false });
    expect(stateOf("b", id)).toBeNull();
});

test("copy only what the destination cannot see: a network disk both hosts open is an error to copy; --migrate-disks copies the other, and the VM moves", async ({
    page,
}) => {
    // A disk both hosts open as the same image, as libvirt recognises shared storage: an NBD export
    // (qemu-nbd on loopback, open to several clients: during the migration both QEMUs have it open).
    // libvirt lets a disk it does not copy stay only on a network disk or a cluster/network file
    // system; this machine kind cannot mount NFS, so a shared directory would be refused as unsafe.
    const dir = mkdtempSync(join(tmpdir(), "cm-e2e-nbd-"));
    const shared = join(dir, "shared.qcow2"),
        pidFile = join(dir, "qemu-nbd.pid"),
        local = "/var/lib/libvirt/images/lab-e2e-copyonly-local.qcow2";
    const port = "10899";
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", shared, "16M"]);
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", local, "16M"]);
    // data in the image that is copied, to compare on the destination afterwards
    execFileSync("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 1M 2M", local], { stdio: "pipe" });
    execFileSync("qemu-nbd", [
        "--fork",
        `--pid-file=${pidFile}`,
        "--format=qcow2",
        "--shared=4",
        "--persistent",
        "--bind=127.0.0.1",
        `--port=${port}`,
        "--export-name=lab-e2e-copyonly",
        shared,
    ]);
    const xml = join(dir, "vm.xml");
    writeFileSync(
        xml,
        `<domain type='qemu'><name>lab-e2e-copyonly</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
        <disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='nbd' name='lab-e2e-copyonly'><host name='127.0.0.1' port='${port}'/></source><target dev='vda' bus='virtio'/></disk>
        <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${local}'/><target dev='vdb' bus='virtio'/></disk>
        <serial type='pty'/></devices></domain>`,
    );
    const copy = libvirtStatePath("b", local);
    try {
        virsh(labHost("a").uri, "define", "--file", xml);
        virsh(labHost("a").uri, "start", "--domain", "lab-e2e-copyonly");
        const id = domUuid(labHost("a").uri, "lab-e2e-copyonly");
        const dialog = await migrate(page, "localhost", "lab-e2e-copyonly", "127.0.0.2");
        await dialog.getByLabel("Copy all disks").check();
        await expect(dialog.locator('[data-check="storage:vda"]')).toHaveAttribute("data-severity", "error", {
            timeout: 60_000,
        });
        await expect(dialog.locator('[data-check="storage:vda"]')).toContainText("is visible on 127.0.0.2");
        await dialog.getByLabel("Copy only what 127.0.0.2 cannot see: vdb (--migrate-disks)").check();
        await expect(command(dialog)).toContainText("--copy-storage-all --migrate-disks vdb");
        await expect(dialog.locator('[data-check="storage:vda"]')).toHaveAttribute("data-severity", "pass", {
            timeout: 60_000,
        });
        await expect(dialog.locator('[data-check="storage:vda"]')).toContainText("the same image on 127.0.0.2");
        await expect(dialog.locator('[data-check="storage:vdb"]')).toContainText("will be copied");
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
        await expect(result(page, "lab-e2e-copyonly")).toHaveAttribute("data-outcome", "completed", {
            timeout: 90_000,
        });
        expect(stateOf("b", id)).toEqual({ running: true, persistent: true, autostart: false });
        expect(stateOf("a", id)).toBeNull();
        // B runs from the same NBD export and from its own copy of vdb, with the data written on A
        const disks = virsh(labHost("b").uri, "domblklist", "--domain", id);
        expect(disks).toMatch(/vda\s+lab-e2e-copyonly\n/);
        expect(disks).toMatch(new RegExp(`vdb\\s+${local}\\n`));
        execFileSync("qemu-img", ["compare", "-U", "-f", "qcow2", "-F", "qcow2", local, copy], { stdio: "pipe" });
    } finally {
        tryVirsh(labHost("b").uri, "destroy", "--domain", "lab-e2e-copyonly");
        tryVirsh(labHost("a").uri, "destroy", "--domain", "lab-e2e-copyonly");
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, "utf8").trim()));
        rmSync(dir, { recursive: true, force: true });
        rmSync(local, { force: true });
        rmSync(copy, { force: true });
    }
});

test("a running host-model VM is checked with its live, expanded CPU on the destination", async ({ page }) => {
    labGuest("a", "lab-e2e-hostmodel", "hostmodel");
    const live = virsh(
        labHost("a").uri,
        "dumpxml",
        "--migratable",
        "--domain",
        domUuid(labHost("a").uri, "lab-e2e-hostmodel"),
    );
    const model = /<model[^>]*>([^<]+)<\/model>/.exec(live)?.[1];
    expect(model, live).toBeTruthy();
    const dialog = await migrate(page, "localhost", "lab-e2e-hostmodel", "127.0.0.2");
    const cpu = dialog.locator('[data-check="cpu"]');
    await expect(cpu).toHaveAttribute("data-severity", "pass", { timeout: 60_000 });
    await expect(cpu).toContainText(`CPU model ${model} runs on 127.0.0.2`);
    await cpu.getByRole("button", { name: "Details" }).click();
    await expect(cpu).toContainText("hypervisor-cpu-compare");
});

/** A host's file under /var/lib/libvirt, as seen from this machine (B and C have their own). */
const libvirtStatePath = (h: "a" | "b" | "c", path: string) =>
    h === "a" ? path : `${LAB_STATE}/hosts/${h}/var-lib-libvirt${path.slice("/var/lib/libvirt".length)}`;

test("UEFI with NVRAM and an emulated TPM: live to a host with the firmware's template, the variables are created there and the VM runs", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-uefi", "uefi");
    const id = domUuid(labHost("a").uri, "lab-e2e-uefi");
    const nvram = "/var/lib/libvirt/qemu/nvram/lab-e2e-uefi_VARS.fd";
    expect(existsSync(libvirtStatePath("b", nvram))).toBe(false);
    const dialog = await migrate(page, "localhost", "lab-e2e-uefi", "127.0.0.2");
    const nv = dialog.locator('[data-check="nvram"]');
    await expect(nv).toHaveAttribute("data-severity", "pass", { timeout: 60_000 });
    await expect(nv).toContainText(
        `UEFI variables ${nvram} are created on 127.0.0.2 from the template /usr/share/OVMF/OVMF_VARS_4M.fd`,
    );
    await expect(dialog.locator('[data-check="tpm"]')).toHaveAttribute("data-severity", "pass");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-uefi")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(stateOf("b", id)).toMatchObject({ running: true, persistent: true });
    expect(stateOf("a", id)?.running ?? false).toBe(false);
    // libvirt created the file from the template (QEMU writes the guest's variables into it; the firmware goes
    // on writing there as it runs, so its content is not compared with the source's)
    expect(existsSync(libvirtStatePath("b", nvram))).toBe(true);
    expect(statSync(libvirtStatePath("b", nvram)).size).toBe(statSync("/usr/share/OVMF/OVMF_VARS_4M.fd").size);
});

test("UEFI whose NVRAM template exists only on the source: the live migration is held with the copy command, the VM stays on the source", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-uefi-tpl", "uefi-local-template");
    const id = domUuid(labHost("a").uri, "lab-e2e-uefi-tpl");
    const nvram = "/var/lib/libvirt/qemu/nvram/lab-e2e-uefi-tpl_VARS.fd";
    rmSync(libvirtStatePath("b", "/var/lib/libvirt/qemu/lab-vars-template.fd"), { force: true });
    const dialog = await migrate(page, "localhost", "lab-e2e-uefi-tpl", "127.0.0.2");
    const nv = dialog.locator('[data-check="nvram"]');
    await expect(nv).toHaveAttribute("data-severity", "error", { timeout: 60_000 });
    await expect(nv).toContainText(
        `Neither the UEFI variables ${nvram} nor their template /var/lib/libvirt/qemu/lab-vars-template.fd are on 127.0.0.2`,
    );
    await expect(nv).toContainText("tar -C /var/lib/libvirt/qemu/nvram -cf - -- lab-e2e-uefi-tpl_VARS.fd");
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    // what libvirt itself does with this definition: it refuses, and the VM keeps running here
    const direct = tryVirsh(
        labHost("a").uri,
        "migrate",
        "--live",
        "--persistent",
        "--domain",
        id,
        labHost("b").uri,
        "--migrateuri",
        "tcp://127.0.0.2",
    );
    expect(direct.ok).toBe(false);
    expect(direct.err).toContain("Failed to open file '/var/lib/libvirt/qemu/lab-vars-template.fd'");
    expect(stateOf("a", id)).toMatchObject({ running: true });
    expect(stateOf("b", id)).toBeNull();
});

test("post-copy failure: the stream cut after the switch gives its own verdict (keep both sides), and Resume finishes the migration", async ({
    page,
}) => {
    test.setTimeout(240_000);
    labGuest("a", "lab-e2e-pcfail", "bigram");
    const [a, b] = [labHost("a"), labHost("b")];
    const id = domUuid(a.uri, "lab-e2e-pcfail");
    const reason = (h: typeof a) => tryVirsh(h.uri, "domstate", "--reason", "--domain", id).out.trim();
    const dialog = await migrate(page, "localhost", "lab-e2e-pcfail", "127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("10");
    await dialog.getByLabel("Allow post-copy").check();
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const progress = page.locator("[data-migration]").filter({ hasText: "lab-e2e-pcfail" });
    await dataFlows(progress);
    // libvirt 9.0 refuses a switch in the first seconds ("Enable postcopy with migrate_set_capability before
    // the start of migration", seen on the lab): switch once 40 MiB have gone
    await expect
        .poll(() => Number(/Data processed:\s+([\d.]+) MiB/.exec(tryVirsh(a.uri, "domjobinfo", id).out)?.[1] ?? 0), {
            timeout: 30_000,
        })
        .toBeGreaterThan(40);
    // the post-copy phase at 1 MiB/s, set before the switch: long enough to cut it (the harness slows it, not
    // the page)
    virsh(a.uri, "migrate-setspeed", "--domain", id, "--bandwidth", "1", "--postcopy");
    await progress.getByRole("button", { name: "Switch to post-copy" }).click();
    await expect(progress.getByText("Switched to post-copy: the VM now runs on the destination.")).toBeVisible();
    // libvirt refuses domjobabort once post-copy runs
    await expect(progress.getByRole("button", { name: "Cancel migration" })).toHaveCount(0);
    lab("cut-migration-to", "127.0.0.2");
    const failed = result(page, "lab-e2e-pcfail");
    await expect(failed).toHaveAttribute("data-outcome", "failed", { timeout: 60_000 });
    await expect(failed).toContainText("Post-copy failed: the VM's memory is split between both hosts");
    await expect(failed).toContainText("either side alone loses the guest");
    await expect(failed).not.toContainText("shut down one of them");
    expect(reason(a)).toBe("paused (post-copy failed)");
    expect(reason(b)).toBe("running (post-copy failed)");
    await expect(failed).toContainText("--postcopy-resume");
    // the link is back (nothing blocks it): resume at full speed
    virsh(a.uri, "migrate-setspeed", "--domain", id, "--bandwidth", "0", "--postcopy");
    await failed.getByRole("button", { name: "Resume the migration" }).click();
    const done = result(page, "lab-e2e-pcfail");
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 120_000 });
    expect(stateOf("b", id)).toMatchObject({ running: true, persistent: true });
    expect(stateOf("a", id)).toBeNull();
    expect(reason(b)).toBe("running (migrated)");
});
