/**
 * The page's toolbar fits (issue #21, item 2) and the page has one scroll container (item 10): at 1400 px,
 * 800 px and 560 px of content there is no horizontal scroll, no toolbar control sticks out of the page,
 * tabbing through the toolbar never scrolls the page sideways, the document itself does not scroll (the main
 * area does), and every tool can be reached (in its menu) and opens its dialog.
 */
import { test, expect, type Frame, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { domainRow, openPage, openTool, shellFrame, TOOL_MENUS, type ToolLabel } from "./page";
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

/** What scrolls and what sticks out, measured in the page (the bare page, or the page in Cockpit's iframe). */
function layout(frame: Frame) {
    return frame.evaluate(() => {
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

/** Focus the host selector, then Tab through the rest of the toolbar: nothing scrolls sideways on the way. */
async function tabThroughToolbar(page: Page, frame: Frame) {
    await frame.getByRole("combobox", { name: "Host", exact: true }).focus();
    const toolbar = frame.locator(".pf-v6-c-toolbar").first(); // the page's (the VM list has one too)
    let stops = 1;
    for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        if (!(await toolbar.evaluate((t) => t.contains(document.activeElement)))) break;
        stops++;
        expect((await layout(frame)).scrollX, `scrolled sideways after ${i + 1} Tab presses`).toBe(0);
    }
    expect.soft(stops, "the toolbar's tab stops: the host selector and the two menus").toBe(3);
}

/** Every tool is in its menu and opens its dialog; an open menu does not make the page scroll sideways. */
async function openEveryTool(page: Page, frame: Frame) {
    for (const tool of Object.keys(TOOL_MENUS) as ToolLabel[]) {
        await frame.getByRole("button", { name: TOOL_MENUS[tool], exact: true }).click();
        await expect(frame.getByRole("menuitem", { name: tool, exact: true })).toBeVisible();
        expect(await layout(frame), `with the menu of ${tool} open`).toEqual(FITS);
        await page.keyboard.press("Escape");
        await openTool(frame, tool);
        const dialog = frame.getByRole("dialog", { name: DIALOGS[tool] });
        await expect(dialog).toBeVisible({ timeout: 30_000 });
        await page.keyboard.press("Escape");
        await expect(dialog).toBeHidden();
    }
}

for (const width of [1400, 800, 560]) {
    test(`toolbar at ${width} px: fits, tabbing does not scroll sideways, every tool opens its dialog`, async ({
        page,
    }) => {
        await page.setViewportSize({ width, height: 900 });
        await openPage(page);
        const frame = page.mainFrame();
        await expect(frame.locator("tr[data-domain]").first()).toBeVisible({ timeout: 30_000 });
        await tabThroughToolbar(page, frame);
        expect(await layout(frame)).toEqual(FITS);
        await openEveryTool(page, frame);
        expect(await layout(frame)).toEqual(FITS);
    });
}

test("toolbar in Cockpit's shell, 1400 px window (the sidebar takes its part): fits, tabbing does not scroll", async ({
    page,
}) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto("/cockpit-migrate");
    await expect(shellFrame(page).locator("tr[data-domain]").first()).toBeVisible({ timeout: 30_000 });
    const frame = page.frame({ name: "cockpit1:localhost/cockpit-migrate" })!;
    const width = await frame.evaluate(() => document.documentElement.clientWidth);
    expect(width, "the page's content is narrower than the window").toBeLessThan(1400);
    await tabThroughToolbar(page, frame);
    expect(await layout(frame)).toEqual(FITS);
    await openTool(frame, "Overcommit policy");
    await expect(frame.getByRole("dialog", { name: "Overcommit policy" })).toBeVisible();
    await page.keyboard.press("Escape");
    expect(await layout(frame)).toEqual(FITS);
});

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

/** The rendered width of a field and its placeholder. */
async function field(locator: ReturnType<Page["getByLabel"]>) {
    return {
        width: Math.round((await locator.boundingBox())!.width),
        placeholder: await locator.getAttribute("placeholder"),
    };
}

test("polish: no band under the toolbar; number fields are a few digits wide, without values as placeholders", async ({
    page,
}) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPage(page);
    await expect(page.locator("tr[data-domain]").first()).toBeVisible({ timeout: 30_000 });
    const band = await page.evaluate(() => {
        const toolbar = document.querySelector(".pf-v6-c-toolbar")!.getBoundingClientRect();
        const next = document.querySelector("main > section:nth-of-type(2) .pf-v6-l-stack > *")!;
        return Math.round(next.getBoundingClientRect().top - toolbar.bottom);
    });
    expect(band, "space between the toolbar and the first card (px)").toBeLessThanOrEqual(24);

    await openTool(page, "Overcommit policy");
    const policy = page.getByRole("dialog", { name: "Overcommit policy" });
    const numbers = policy.locator('input[type="number"]');
    await expect(numbers.first()).toBeVisible();
    for (const input of await numbers.all()) expect((await field(input)).width).toBeLessThanOrEqual(160);
    await page.keyboard.press("Escape");

    await domainRow(page, "lab-tiny").getByRole("button", { name: "Migrate lab-tiny" }).click();
    const dialog = page.getByRole("dialog", { name: "Migrate lab-tiny" });
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    for (const label of ["Parallel connections", "Maximum downtime (ms)", "Bandwidth limit (MiB/s)"]) {
        const f = await field(dialog.getByLabel(label, { exact: true }));
        expect(f.width, label).toBeLessThanOrEqual(160);
        expect(f.placeholder, label).toBeNull();
    }
    await expect(dialog.getByText("Empty: libvirt's default, 300 ms.", { exact: false })).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
});
