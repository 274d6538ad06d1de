/** Opening our page the way tests need it. */
import { expect, type Page, type FrameLocator, type Locator } from "@playwright/test";

export const PAGE_PATH = "/cockpit/@localhost/cockpit-migrate/index.html";

/** The bare package page (no shell around it), at a deep link like "/host/127.0.0.2". */
export async function openPage(page: Page, hash = ""): Promise<Page> {
    await page.goto(`${PAGE_PATH}${hash ? "#" + hash : ""}`);
    await expect(page.getByRole("heading", { name: "Virtual machine migration" })).toBeVisible();
    return page;
}

/** The package inside Cockpit's shell. */
export function shellFrame(page: Page): FrameLocator {
    return page.frameLocator('iframe[name="cockpit1:localhost/cockpit-migrate"]');
}

export function domainRow(page: Page | FrameLocator, name: string) {
    return page.locator(`tr[data-domain="${name.replace(/["\\]/g, "\\$&")}"]`);
}

/** One of a VM row's actions in its kebab ("Actions for NAME"), e.g. "Check migration readiness". */
export async function vmAction(page: Page | FrameLocator, vm: string, action: string): Promise<void> {
    const row = domainRow(page, vm);
    await row.getByRole("button", { name: `Actions for ${vm}`, exact: true }).click();
    await row.getByRole("menuitem", { name: action }).click();
}

/** One of a known host's actions in its kebab in the Known hosts dialog ("Edit", "Test connection", "Remove"). */
export async function hostAction(dialog: Locator, address: string, action: string): Promise<void> {
    const row = dialog.locator(`tr[data-host="${address.replace(/["\\]/g, "\\$&")}"]`);
    await row.getByRole("button", { name: `Actions for ${address}`, exact: true }).click();
    await row.getByRole("menuitem", { name: action }).click();
}
