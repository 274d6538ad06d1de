/**
 * The page's toolbar fits (issue #21, item 2) and the page has one scroll container (item 10): at 1400 px,
 * 800 px and 560 px of content there is no horizontal scroll, no toolbar control sticks out of the page,
 * tabbing through the toolbar never scrolls the page sideways, the document itself does not scroll (the main
 * area does), and every tool can be reached (in its menu) and opens its dialog.
 */
import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { openPage, openTool, TOOL_MENUS, type ToolLabel } from "./page";
import { writeLabHostsConfig } from "./global-setup";

test.beforeEach(() => writeLabHostsConfig());

/** The dialog each tool opens (its accessible name). */
const DIALOGS: Record<ToolLabel, string | RegExp> = {
    "Evacuate host": /^Evacuate /,
    Rebalance: "Rebalance hosts",
    "CPU baseline": "CPU baseline",
    "Shared storage (NFS)": "Shared storage (NFS)",
    "Known hosts": "Known hosts",
    "Overcommit policy": "Overcommit policy",
};

/** What scrolls and what sticks out, measured in the page. */
function layout(page: Page) {
    return page.evaluate(() => {
        const doc = document.scrollingElement!;
        const main = document.querySelector("main")!;
        const box = main.getBoundingClientRect();
        const toolbar = document.querySelector(".pf-v6-c-toolbar")!; // the first: the page's
        const controls = Array.from(toolbar.querySelectorAll("button, select, h1"));
        return {
            docScrollsSideways: doc.scrollWidth > doc.clientWidth,
            docScrollsDown: doc.scrollHeight > doc.clientHeight,
            mainScrollsSideways: main.scrollWidth > main.clientWidth,
            outside: controls
                .filter((c) => {
                    const r = c.getBoundingClientRect();
                    return r.left < box.left || r.right > box.left + main.clientWidth;
                })
                .map((c) => c.textContent || c.getAttribute("aria-label")),
            scrollX: window.scrollX + main.scrollLeft,
        };
    });
}

const FITS = { docScrollsSideways: false, docScrollsDown: false, mainScrollsSideways: false, outside: [], scrollX: 0 };

for (const width of [1400, 800, 560]) {
    test(`toolbar at ${width} px: fits, tabbing does not scroll sideways, every tool opens its dialog`, async ({
        page,
    }) => {
        await page.setViewportSize({ width, height: 900 });
        await openPage(page);
        await expect(page.locator("tr[data-domain]").first()).toBeVisible({ timeout: 30_000 });
        expect(await layout(page)).toEqual(FITS);

        // Tab from the top through the toolbar (title, host selector, menus): nothing scrolls sideways
        await page.locator("body").focus();
        const toolbar = page.locator(".pf-v6-c-toolbar").first(); // the page's (the VM list has one too)
        let inToolbar = 0;
        for (let i = 0; i < 10; i++) {
            await page.keyboard.press("Tab");
            const focused = await toolbar.evaluate((t) => t.contains(document.activeElement));
            if (!focused && inToolbar > 0) break;
            if (focused) inToolbar++;
            expect((await layout(page)).scrollX, `after ${i + 1} Tab presses`).toBe(0);
        }
        expect(inToolbar).toBe(3); // the host selector and the two menus

        // every tool is in its menu and opens its dialog; an open menu does not make the page scroll sideways
        for (const tool of Object.keys(TOOL_MENUS) as ToolLabel[]) {
            await page.getByRole("button", { name: TOOL_MENUS[tool], exact: true }).click();
            await expect(page.getByRole("menuitem", { name: tool, exact: true })).toBeVisible();
            expect(await layout(page)).toEqual(FITS);
            await page.keyboard.press("Escape");
            await openTool(page, tool);
            const dialog = page.getByRole("dialog", { name: DIALOGS[tool] });
            await expect(dialog).toBeVisible({ timeout: 30_000 });
            await page.keyboard.press("Escape");
            await expect(dialog).toBeHidden();
        }
        expect(await layout(page)).toEqual(FITS);
    });
}

test("toolbar menus: keyboard opens them, axe finds nothing serious in an open menu", async ({ page }) => {
    await openPage(page);
    const toggle = page.getByRole("button", { name: "Fleet tools", exact: true });
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menuitem", { name: "CPU baseline", exact: true })).toBeVisible();
    const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .include(".pf-v6-c-toolbar")
        .analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menuitem", { name: "CPU baseline", exact: true })).toBeHidden();
});
