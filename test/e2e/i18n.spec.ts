/** Translations: Cockpit serves po.LANG.js as the package's po.js for the browser's language. */
import { test, expect } from "@playwright/test";
import { openTool, PAGE_PATH } from "./page";

test.describe("in German", () => {
    test.use({ locale: "de-DE" });
    test("the page speaks the browser's language where a translation exists, English elsewhere", async ({ page }) => {
        await page.goto(PAGE_PATH);
        await expect(page.getByRole("heading", { name: "Migration virtueller Maschinen" })).toBeVisible();
        await page.getByRole("button", { name: "Hosts und Einstellungen" }).click();
        await expect(page.getByRole("menuitem", { name: "Bekannte Hosts" })).toBeVisible();
        await expect(page.getByRole("menuitem", { name: "Überbuchungsrichtlinie" })).toBeVisible();
        await page.keyboard.press("Escape");
        await expect(page.getByPlaceholder("Nach Name filtern")).toBeVisible({ timeout: 30_000 });
        // not translated yet: stays English
        await expect(
            page
                .getByRole("heading", { name: "Host", exact: true })
                .or(page.getByText("Connection", { exact: true }))
                .first(),
        ).toBeVisible();
    });
});

test("in English by default", async ({ page }) => {
    await page.goto(PAGE_PATH);
    await expect(page.getByRole("heading", { name: "Virtual machine migration" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Hosts & settings" })).toBeVisible();
    await openTool(page, "Known hosts");
    await expect(page.getByRole("dialog", { name: "Known hosts" })).toBeVisible();
});
