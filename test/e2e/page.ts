/** Opening our page the way tests need it. */
import { expect, type Page, type FrameLocator } from "@playwright/test";

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

export function domainRow(page: Page, name: string) {
    return page.locator(`tr[data-domain="${name.replace(/["\\]/g, "\\$&")}"]`);
}
