/** The README's screenshots, taken on the lab by the browser tests so they stay current. */
import { test, expect } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { lab, labGuest } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result } from "./migrate-helpers";

const DIR = "docs/screenshots";
test.beforeAll(() => mkdirSync(DIR, { recursive: true }));
test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

test("screenshots: the VM list, the Migrate dialog with its pre-flight checks, a running migration", async ({
    page,
}) => {
    await page.setViewportSize({ width: 1280, height: 1000 });
    labGuest("a", "lab-e2e-shot", "bigram");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-shot", { passedCollapsed: true });
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await page.screenshot({ path: `${DIR}/vm-list.png` });

    await page.locator('tr[data-domain="lab-e2e-shot"]').getByRole("button", { name: "Migrate lab-e2e-shot" }).click();
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("20");
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByRole("heading", { name: "Migrate lab-e2e-shot" }).scrollIntoViewIfNeeded();
    await dialog.screenshot({ path: `${DIR}/migrate-dialog.png` });
    await dialog.getByRole("region", { name: "Pre-flight checks" }).scrollIntoViewIfNeeded();
    await dialog.getByRole("region", { name: "Pre-flight checks" }).screenshot({ path: `${DIR}/preflight.png` });

    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const progress = page.locator("[data-migration]").filter({ hasText: "lab-e2e-shot" });
    await expect(progress.getByLabel("Speed")).not.toHaveText("—", { timeout: 30_000 });
    await progress.screenshot({ path: `${DIR}/migration-progress.png` });
    await expect(result(page, "lab-e2e-shot")).toHaveAttribute("data-outcome", "completed", { timeout: 120_000 });
    await result(page, "lab-e2e-shot").screenshot({ path: `${DIR}/migration-result.png` });
});
