/**
 * The Migrate button and the pre-flight, observed while the checks run (the dirty-rate
 * measurement takes seconds): a failed check holds the button the moment it shows, and while
 * checks run the button waits unless the admin chooses to migrate without waiting. Enter in a
 * field follows the same rule.
 */
import { test, expect } from "@playwright/test";
import { domState, labGuest, labHost } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog } from "./migrate-helpers";
import { existsSync, readFileSync } from "node:fs";

test.beforeEach(() => { writeLabHostsConfig(); clearHistory() });
const started = () => existsSync(HISTORY) && readFileSync(HISTORY, "utf8").includes("lab-e2e-gate");

test("a failed check holds Migrate (and Enter) while other checks still run; otherwise it waits unless asked not to", async ({ page }) => {
    labGuest("a", "lab-e2e-gate", "tiny");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-gate");
    const migrate = dialog.getByRole("button", { name: "Migrate", exact: true });
    const region = dialog.getByRole("region", { name: "Pre-flight checks" });
    // this host is also the known host 127.0.0.1: the same machine (same host UUID) is never offered, nor the default
    await expect(dialog.getByRole("combobox", { name: "Destination", exact: true }).locator("option")).toHaveText(["127.0.0.2", "127.0.0.3", "Other host or URI…"]);
    await expect(dialog.getByRole("combobox", { name: "Destination", exact: true })).toHaveValue("127.0.0.2");
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("12");

    // this very host under another URI: the same-host check fails within a second, the dirty rate takes 12 s
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption({ label: "Other host or URI…" });
    const typed = dialog.getByRole("textbox", { name: "Destination host or URI" });
    await typed.fill("qemu+ssh://root@127.0.0.1/system?no_tty=1");
    await expect(dialog.locator('[data-check="same-host"]')).toHaveAttribute("data-severity", "error", { timeout: 30_000 });
    await expect(dialog.locator('[data-pending="dirtyrate"]')).toBeVisible();
    await expect(region).toHaveAttribute("aria-busy", "true");
    await expect(migrate).toBeDisabled();
    await expect(dialog.locator("[data-migrate-held]")).toHaveText(/A pre-flight check failed/);
    // not waiting does not pass a failed check
    await dialog.getByLabel("Migrate without waiting for the checks").check().catch(() => undefined);
    await expect(migrate).toBeDisabled();
    await typed.press("Enter");
    await page.waitForTimeout(500);
    expect(started()).toBe(false);
    await expect(dialog).toBeVisible();

    // a destination whose checks pass: while they run the button waits, and says so
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.locator('[data-pending="dirtyrate"]')).toBeVisible({ timeout: 30_000 });
    const notWaiting = dialog.getByLabel("Migrate without waiting for the checks");
    if (await notWaiting.isChecked()) await notWaiting.uncheck();
    await expect(migrate).toBeDisabled();
    await expect(dialog.locator("[data-migrate-held]")).toHaveText("Waiting for the pre-flight checks to finish.");
    await notWaiting.check();
    await expect(migrate).toBeEnabled();
    await notWaiting.uncheck();
    await expect(migrate).toBeDisabled();
    // when every check has ended (all pass), it is enabled without the choice
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await expect(dialog.locator('[data-severity="error"]')).toHaveCount(0);
    await expect(migrate).toBeEnabled();
    await migrate.click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => domState(labHost("b").uri, "lab-e2e-gate"), { timeout: 60_000 }).toBe("running");
});
