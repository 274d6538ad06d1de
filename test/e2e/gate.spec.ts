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

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
const started = () => existsSync(HISTORY) && readFileSync(HISTORY, "utf8").includes("lab-e2e-gate");

test("a failed check holds Migrate (and Enter) while other checks still run; otherwise it waits unless asked not to", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-gate", "tiny");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-gate");
    const migrate = dialog.getByRole("button", { name: "Migrate", exact: true });
    const region = dialog.getByRole("region", { name: "Pre-flight checks" });
    // this host is also the known host 127.0.0.1: the same machine (same host UUID) is never offered, nor the default
    await expect(dialog.getByRole("combobox", { name: "Destination", exact: true }).locator("option")).toHaveText([
        "127.0.0.2",
        "127.0.0.3",
        "Other host or URI…",
    ]);
    await expect(dialog.getByRole("combobox", { name: "Destination", exact: true })).toHaveValue("127.0.0.2");
    // QEMU measures one dirty rate at a time: let the first run (the default destination) end
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await dialog
        .getByRole("combobox", { name: "Destination", exact: true })
        .selectOption({ label: "Other host or URI…" });
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("12");

    // this very host under another URI: the same-host check fails within a second, the dirty rate takes 12 s
    const typed = dialog.getByRole("textbox", { name: "Destination host or URI" });
    await typed.fill("qemu+ssh://root@127.0.0.1/system?no_tty=1");
    const pending = dialog.locator('[data-pending="dirtyrate"]');
    await expect(dialog.locator('[data-check="same-host"]')).toHaveAttribute("data-severity", "error", {
        timeout: 30_000,
    });
    // inside the window: read once, no retrying (a retrying assertion would wait until the checks end)
    expect(await pending.isVisible()).toBe(true);
    expect(await migrate.isDisabled()).toBe(true);
    await expect(dialog.locator("[data-migrate-held]")).toHaveText("Blocked: Not the same host");
    // with a check failed, not waiting is not even offered: only the explicit override is
    await expect(dialog.getByLabel("Migrate without waiting for the checks")).toHaveCount(0);
    await expect(dialog.getByLabel("Migrate despite failed checks")).toBeVisible();
    await typed.press("Enter");
    await page.waitForTimeout(500);
    expect(started()).toBe(false);
    await expect(dialog).toBeVisible();
    expect(await pending.isVisible()).toBe(true); // still inside the window

    // a destination whose checks pass: while they run the button waits, and says so. The 12 s rate is the VM's
    // and would be reused for this destination (one measurement per VM and period): another period measures anew
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("13");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(pending).toBeVisible({ timeout: 30_000 });
    const notWaiting = dialog.getByLabel("Migrate without waiting for the checks");
    expect(await migrate.isDisabled()).toBe(true);
    expect(await dialog.locator("[data-migrate-held]").textContent()).toMatch(/^Waiting for \d+ checks?$/);
    await notWaiting.check();
    expect(await migrate.isEnabled()).toBe(true);
    await notWaiting.uncheck();
    expect(await migrate.isDisabled()).toBe(true);
    expect(await pending.isVisible()).toBe(true);
    // when every check has ended (all pass), it is enabled without the choice
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await expect(dialog.locator('[data-severity="error"]')).toHaveCount(0);
    await expect(migrate).toBeEnabled();
    await migrate.click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => domState(labHost("b").uri, "lab-e2e-gate"), { timeout: 60_000 }).toBe("running");
});
