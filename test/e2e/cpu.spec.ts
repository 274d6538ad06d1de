/**
 * The CPU-baseline wizard on the lab: the baseline of A+B+C is computed and validated on all
 * three, applied to a shut-off and a running guest (restarted), a migration afterwards succeeds,
 * and the previous definition is restored.
 */
import { test, expect } from "@playwright/test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { domState, lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result } from "./migrate-helpers";
import { openPage, openTool } from "./page";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

const BACKUPS = "/var/lib/cockpit-migrate/cpu-backups";
/** The secure fields libvirt only shows with --security-info, and the disk's auth secret. */
const secureFields = (name: string) => {
    const xml = tryVirsh(labHost("a").uri, "dumpxml", "--inactive", "--security-info", "--domain", name).out;
    return {
        passwd: /passwd='([^']*)'/.exec(xml)?.[1] ?? null,
        secret: /<secret type='ceph' uuid='([^']+)'/.exec(xml)?.[1] ?? null,
    };
};
const inactiveModel = (name: string) =>
    /<model[^>]*>([^<]+)<\/model>/.exec(
        tryVirsh(labHost("a").uri, "dumpxml", "--inactive", "--domain", name).out,
    )?.[1] ?? null;

test("CPU baseline of A+B+C: validated everywhere, applied to a shut-off and a running VM, restarted, migrated, restored", async ({
    page,
}) => {
    // the shut-off one holds a console password and a disk secret, as real definitions do
    labGuest("a", "lab-e2e-cpu-off", "secure", false);
    const secure = { passwd: "s3cr3t!", secret: "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f" };
    expect(secureFields("lab-e2e-cpu-off")).toEqual(secure);
    labGuest("a", "lab-e2e-cpu-run", "tiny", true);
    const before = inactiveModel("lab-e2e-cpu-off");
    const oldBackups = new Set(existsSync(BACKUPS) ? readdirSync(BACKUPS) : []);
    await openPage(page);
    await openTool(page, "CPU baseline");
    const wizard = page.getByRole("dialog", { name: "CPU baseline" });
    await expect(wizard).toBeVisible();

    // 1. hosts: this host (A), B and C (the known host 127.0.0.1 is this machine: not offered again); TCG guests
    await expect(wizard.getByRole("group", { name: "Hosts" }).getByRole("checkbox")).toHaveCount(3, {
        timeout: 30_000,
    });
    await wizard.getByRole("combobox", { name: "Virtualization type" }).selectOption("qemu");
    await wizard.getByRole("button", { name: "Read host CPUs" }).click();
    for (const h of ["This host", "127.0.0.2", "127.0.0.3"])
        await expect(wizard.locator(`[data-cpu-host="${h}"]`)).toHaveAttribute("data-state", "done", {
            timeout: 60_000,
        });
    await expect(wizard.getByLabel("Commands").first()).toContainText("domcapabilities --virttype qemu");
    await wizard.getByRole("button", { name: "Next" }).click();

    // 2. compare: the matrix and the merged document
    await expect(wizard.getByRole("grid", { name: "Feature matrix" })).toBeVisible();
    await expect(wizard.getByLabel("Merged CPU document")).toContainText("<cpu");
    await wizard.getByRole("button", { name: "Next" }).click();

    // 3. baseline, validated with hypervisor-cpu-compare on every host
    await wizard.getByRole("button", { name: "Compute baseline" }).click();
    await expect(wizard.locator("[data-baseline-model]")).toHaveAttribute("data-baseline-model", /\S+/, {
        timeout: 60_000,
    });
    const model = await wizard.locator("[data-baseline-model]").getAttribute("data-baseline-model");
    for (const h of ["This host", "127.0.0.2", "127.0.0.3"])
        await expect(wizard.locator(`[data-validation="${h}"]`)).toHaveAttribute(
            "data-verdict",
            /^(identical|superset)$/,
            { timeout: 60_000 },
        );
    await wizard.getByRole("button", { name: "Next" }).click();

    // 4. apply, after looking at the change
    await wizard.getByRole("button", { name: "Show the change for lab-e2e-cpu-off" }).click();
    await expect(wizard.getByLabel("Change of lab-e2e-cpu-off's CPU")).toContainText(`+ `);
    await expect(wizard.getByLabel("Change of lab-e2e-cpu-off's CPU")).toContainText(model!);
    await wizard.getByRole("checkbox", { name: "Apply to lab-e2e-cpu-off" }).check();
    await wizard.getByRole("checkbox", { name: "Apply to lab-e2e-cpu-run" }).check();
    await wizard.getByRole("button", { name: "Apply to 2 VMs" }).click();
    for (const vm of ["lab-e2e-cpu-off", "lab-e2e-cpu-run"])
        await expect(wizard.locator(`[data-apply="${vm}"]`)).toHaveAttribute("data-result", "applied", {
            timeout: 60_000,
        });
    expect(inactiveModel("lab-e2e-cpu-off")).toBe(model);
    expect(inactiveModel("lab-e2e-cpu-run")).toBe(model);
    // defining the new CPU kept the console password; the backup holds it, so it is private
    expect(secureFields("lab-e2e-cpu-off")).toEqual(secure);
    expect(statSync(BACKUPS).mode & 0o777).toBe(0o700);
    const backups = readdirSync(BACKUPS).filter((f) => f.startsWith("lab-e2e-cpu-off-") && !oldBackups.has(f));
    expect(backups.length).toBeGreaterThan(0);
    for (const f of backups) expect(statSync(`${BACKUPS}/${f}`).mode & 0o777, f).toBe(0o600);
    // restore the shut-off VM's previous definition in one click
    await wizard.getByRole("button", { name: "Restore the previous definition of lab-e2e-cpu-off" }).click();
    await expect(wizard.locator('[data-apply="lab-e2e-cpu-off"]')).toHaveAttribute("data-result", "restored", {
        timeout: 30_000,
    });
    expect(inactiveModel("lab-e2e-cpu-off")).toBe(before);
    expect(secureFields("lab-e2e-cpu-off")).toEqual(secure);
    await wizard.getByRole("button", { name: "Next" }).click();

    // 5. restart the running VM (the disk-less guest ignores ACPI shutdown: force off after 3 s)
    await expect(wizard.locator('[data-restart="lab-e2e-cpu-run"]')).toHaveAttribute("data-phase", "old-cpu");
    await wizard.getByRole("spinbutton", { name: "Shutdown timeout (s)" }).fill("3");
    await wizard.getByRole("checkbox", { name: "Force off when the guest does not shut down in time" }).check();
    await wizard.getByRole("button", { name: "Shut down and start lab-e2e-cpu-run" }).click();
    await expect(wizard.locator('[data-restart="lab-e2e-cpu-run"]')).toHaveAttribute("data-phase", "running", {
        timeout: 90_000,
    });
    expect(domState(labHost("a").uri, "lab-e2e-cpu-run")).toBe("running");
    expect(tryVirsh(labHost("a").uri, "dumpxml", "--domain", "lab-e2e-cpu-run").out).toContain(`>${model}</model>`);
    await wizard.getByRole("button", { name: "Close" }).last().click();
    await expect(wizard).toBeHidden();
    // the VM list shows which VMs use the baseline (the restored one does not)
    await expect(page.locator('tr[data-domain="lab-e2e-cpu-run"] [data-cpu-baseline]')).toHaveText(
        `CPU baseline ${model}`,
        { timeout: 15_000 },
    );
    await expect(page.locator('tr[data-domain="lab-e2e-cpu-off"] [data-cpu-baseline]')).toHaveCount(0);

    // a migration with the baseline CPU succeeds, and its CPU check passes
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-cpu-run");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.locator('[data-check="cpu"]')).toHaveAttribute("data-severity", "pass", { timeout: 60_000 });
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-cpu-run")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(labHost("b").uri, "lab-e2e-cpu-run")).toBe("running");
});
