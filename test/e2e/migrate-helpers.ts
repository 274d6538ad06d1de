/** Driving the Migrate dialog the way an admin does. */
import { expect, type FrameLocator, type Locator, type Page } from "@playwright/test";
import { domainRow, openPage } from "./page";

const opening = new WeakSet<Page>();

/**
 * The dialog lists passed checks collapsed under "Show N passed checks". From now on this page opens
 * them whenever that toggle shows (a Playwright locator handler runs before each action and each
 * retrying assertion), so a test can look at any check, passed or not, with `check()`.
 */
export async function openPassedChecks(page: Page, within: Page | FrameLocator = page): Promise<void> {
    if (opening.has(page)) return;
    opening.add(page);
    await page.addLocatorHandler(within.getByRole("button", { name: /^Show \d+ passed checks?$/ }), (toggle) =>
        toggle.click(),
    );
}

/**
 * Opens the Migrate dialog of `domain` on `host`. The passed checks open as they show (see
 * openPassedChecks) unless `passedCollapsed`: the dialog as an admin first sees it.
 */
export async function openMigrateDialog(
    page: Page,
    host: string,
    domain: string,
    { passedCollapsed = false }: { passedCollapsed?: boolean } = {},
) {
    if (!passedCollapsed) await openPassedChecks(page);
    await openPage(page, host === "localhost" ? "" : `/host/${host}`);
    await domainRow(page, domain)
        .getByRole("button", { name: `Migrate ${domain}` })
        .click();
    const dialog = page.getByRole("dialog", { name: `Migrate ${domain}` });
    await expect(dialog).toBeVisible();
    return dialog;
}

/** A pre-flight check's line with this severity whose text matches. */
export function check(dialog: Locator, severity: string, text: RegExp): Locator {
    return dialog.locator(`[data-severity="${severity}"]`).filter({ hasText: text });
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
