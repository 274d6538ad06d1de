/** Driving the Migrate dialog the way an admin does. */
import { expect, type Page } from "@playwright/test";
import { domainRow, openPage } from "./page";

export async function openMigrateDialog(page: Page, host: string, domain: string) {
    await openPage(page, host === "localhost" ? "" : `/host/${host}`);
    await domainRow(page, domain)
        .getByRole("button", { name: `Migrate ${domain}` })
        .click();
    const dialog = page.getByRole("dialog", { name: `Migrate ${domain}` });
    await expect(dialog).toBeVisible();
    return dialog;
}

export function command(dialog: ReturnType<Page["getByRole"]>) {
    return dialog.getByLabel("Equivalent command");
}

/** The result alert of a migration (after the progress view). */
export function result(page: Page, domain: string) {
    return page.locator("[data-migration-result]").filter({ hasText: domain });
}

/** The progress card of a running migration. */
export function progressCard(page: Page, domain: string) {
    return page.locator("[data-migration]").filter({ hasText: domain });
}

/** Waits until the migration sends data: the card counts bytes only once libvirt does (no "0 B" before). */
export async function dataFlows(progress: ReturnType<typeof progressCard>, timeout = 30_000) {
    await expect(progress.getByLabel("Processed")).toBeVisible({ timeout });
}
