import { test, expect } from "@playwright/test";
import { domState, domUuid, isPersistent, lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { command, openMigrateDialog, result, dataFlows } from "./migrate-helpers";
import { openPage } from "./page";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

test("live permanent migration A→B: progress, verified on both hosts", async ({ page }) => {
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", "lab-e2e-live", "tiny");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-live");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.getByLabel("Permanent")).toBeChecked();
    await expect(dialog.getByLabel("Live")).toBeChecked();
    await expect(dialog.getByLabel("Offline")).toBeDisabled();
    await expect(command(dialog)).toHaveText(
        `virsh -c qemu:///system migrate --live --persistent --undefinesource --domain ${domUuid(a.uri, "lab-e2e-live")} --desturi 'qemu+ssh://root@127.0.0.2/system?no_tty=1'`,
    );
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(dialog).toBeHidden();
    const done = result(page, "lab-e2e-live");
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    await expect(done).toContainText("Checked on both hosts: Running on 127.0.0.2");
    expect(domState(b.uri, "lab-e2e-live")).toBe("running");
    expect(isPersistent(b.uri, "lab-e2e-live")).toBe(true);
    expect(domState(a.uri, "lab-e2e-live")).toBeNull();
    await page.getByText("Migration history").click();
    await expect(page.getByRole("grid", { name: "Migration history" })).toContainText("lab-e2e-live");
});

test("live temporary migration B→C keeps B's definition and leaves a transient copy on C", async ({ page }) => {
    const [b, c] = [labHost("b"), labHost("c")];
    labGuest("b", "lab-e2e-temp", "tiny");
    const dialog = await openMigrateDialog(page, "127.0.0.2", "lab-e2e-temp");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    await dialog.getByLabel("Temporary").check();
    await expect(dialog.getByText(/never start it here while it runs on the destination/)).toBeVisible();
    await expect(command(dialog)).not.toContainText("--persistent");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-temp")).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(c.uri, "lab-e2e-temp")).toBe("running");
    expect(isPersistent(c.uri, "lab-e2e-temp")).toBe(false);
    expect(domState(b.uri, "lab-e2e-temp")).toBe("shut off");
    expect(isPersistent(b.uri, "lab-e2e-temp")).toBe(true);
});

test("offline migration of a shut-off VM A→C moves the definition only", async ({ page }) => {
    const [a, c] = [labHost("a"), labHost("c")];
    labGuest("a", "lab-e2e-off", "tiny", false);
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-off");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    await expect(dialog.getByLabel("Offline")).toBeChecked();
    await expect(dialog.getByLabel("Live")).toBeDisabled();
    await expect(command(dialog)).toContainText(
        `migrate --offline --persistent --undefinesource --domain ${domUuid(a.uri, "lab-e2e-off")}`,
    );
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-off")).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(c.uri, "lab-e2e-off")).toBe("shut off");
    expect(isPersistent(c.uri, "lab-e2e-off")).toBe(true);
    expect(domState(a.uri, "lab-e2e-off")).toBeNull();
});

test("offline migration B→this host, whose entry names a migration address: --migrateuri, no --listen-address", async ({
    page,
}) => {
    // libvirt starts no QEMU for an offline migration (nothing listens), but still reads the migration URI
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("b", "lab-e2e-offaddr", "tiny", false);
    const id = domUuid(b.uri, "lab-e2e-offaddr");
    const dialog = await openMigrateDialog(page, "127.0.0.2", "lab-e2e-offaddr");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.1");
    await expect(dialog.getByLabel("Offline")).toBeChecked();
    await expect(command(dialog)).toContainText(
        `migrate --offline --persistent --undefinesource --migrateuri tcp://127.0.0.1 --domain ${id}`,
    );
    await expect(command(dialog)).not.toContainText("--listen-address");
    // what is tested is libvirt's answer to this argv; under load the port probe from B can time out
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 90_000,
    });
    const go = dialog.getByRole("button", { name: "Migrate", exact: true });
    if (await go.isDisabled()) await dialog.getByLabel("Migrate despite failed checks").check();
    await go.click();
    await expect(result(page, "lab-e2e-offaddr")).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(a.uri, "lab-e2e-offaddr")).toBe("shut off");
    expect(isPersistent(a.uri, "lab-e2e-offaddr")).toBe(true);
    expect(domState(b.uri, "lab-e2e-offaddr")).toBeNull();
});

test("copy all storage: the disk guest moves with its qcow2 to B", async ({ page }) => {
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", "lab-e2e-disk", "disk");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-disk");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.getByText(/vda: \/var\/lib\/libvirt\/images\/lab-e2e-disk.qcow2 \(64\.0 MiB\)/)).toBeVisible();
    await dialog.getByLabel("Copy all disks").check();
    await expect(command(dialog)).toContainText("--copy-storage-all");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-disk")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(b.uri, "lab-e2e-disk")).toBe("running");
    expect(domState(a.uri, "lab-e2e-disk")).toBeNull();
});

test("parallel connections and auto-converge reach virsh and the migration completes", async ({ page }) => {
    const b = labHost("b");
    labGuest("a", "lab-e2e-par", "tiny");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-par");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Parallel connections").fill("2");
    await dialog.getByLabel("Auto-converge").check();
    await dialog.getByLabel("Initial throttle (%)").fill("30");
    await expect(command(dialog)).toContainText(
        "--parallel --parallel-connections 2 --auto-converge --auto-converge-initial 30",
    );
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-par")).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(b.uri, "lab-e2e-par")).toBe("running");
});

test("cancel mid-way: the VM keeps running on the source, nothing on the destination", async ({ page }) => {
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", "lab-e2e-cancel", "bigram");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-cancel");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("10");
    await dialog.getByLabel("Maximum downtime (ms)").fill("400");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const progress = page.locator("[data-migration]").filter({ hasText: "lab-e2e-cancel" });
    await dataFlows(progress);
    // the dialog's maximum downtime was applied to the running job, and both can be changed live
    await expect
        .poll(() => tryVirsh(a.uri, "migrate-getmaxdowntime", "--domain", "lab-e2e-cancel").out.trim())
        .toBe("400");
    await progress.getByLabel("New maximum downtime (ms)").fill("700");
    await progress.getByRole("button", { name: "Set downtime" }).click();
    await expect(progress.getByText("Maximum downtime set to 700 ms.")).toBeVisible();
    expect(tryVirsh(a.uri, "migrate-getmaxdowntime", "--domain", "lab-e2e-cancel").out.trim()).toBe("700");
    await progress.getByLabel("New bandwidth (MiB/s)").fill("12");
    await progress.getByRole("button", { name: "Set bandwidth" }).click();
    await expect(progress.getByText("Bandwidth set to 12 MiB/s.")).toBeVisible();
    expect(tryVirsh(a.uri, "migrate-getspeed", "--domain", "lab-e2e-cancel").out.trim()).toBe("12");
    await progress.getByRole("button", { name: "Cancel migration" }).click();
    const done = result(page, "lab-e2e-cancel");
    await expect(done).toHaveAttribute("data-outcome", "cancelled", { timeout: 60_000 });
    await expect(done).toContainText("Running on");
    expect(domState(a.uri, "lab-e2e-cancel")).toBe("running");
    expect(domState(b.uri, "lab-e2e-cancel")).toBeNull();
});

test("a reload during a migration reattaches to the running job; switching to post-copy completes it", async ({
    page,
}) => {
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", "lab-e2e-post", "bigram");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-post");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("10");
    await dialog.getByLabel("Allow post-copy").check();
    await expect(command(dialog)).toContainText("--postcopy --bandwidth 10");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const progress = () => page.locator("[data-migration]").filter({ hasText: "lab-e2e-post" });
    await dataFlows(progress());
    await page.reload();
    await openPage(page);
    await dataFlows(progress());
    await progress().getByRole("button", { name: "Switch to post-copy" }).click();
    await expect(result(page, "lab-e2e-post")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(b.uri, "lab-e2e-post")).toBe("running");
    expect(domState(a.uri, "lab-e2e-post")).toBeNull();
});

test("a second migration of the same VM is refused while the first runs", async ({ page }) => {
    labGuest("a", "lab-e2e-twice", "bigram");
    let dialog = await openMigrateDialog(page, "localhost", "lab-e2e-twice");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    // slow enough to be still running at the Cancel below, after a second page and its pre-flight: at 10 MiB/s,
    // once in CI, it had sent 223 MiB in 39 s and ended "failed", not "cancelled" (the Cancel came as it finished)
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("2");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(dialog).toBeHidden();
    const second = await page.context().newPage();
    dialog = await openMigrateDialog(second, "localhost", "lab-e2e-twice");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(dialog.getByText(/lab-e2e-twice is already being migrated to 127\.0\.0\.2/)).toBeVisible();
    await second.close();
    const progress = page.locator("[data-migration]").filter({ hasText: "lab-e2e-twice" });
    await progress.getByRole("button", { name: "Cancel migration" }).click();
    await expect(result(page, "lab-e2e-twice")).toHaveAttribute("data-outcome", "cancelled", { timeout: 60_000 });
    expect(domState(labHost("a").uri, "lab-e2e-twice")).toBe("running");
});
