/** Opening our page the way tests need it. */
import { expect, type Frame, type FrameLocator, type Locator, type Page } from "@playwright/test";

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

/** The toolbar's menus and the tools in each (src/ui/AppToolbar.tsx). */
export const TOOL_MENUS = {
    "Evacuate host": "Fleet tools",
    Rebalance: "Fleet tools",
    "CPU baseline": "Fleet tools",
    "Shared storage (NFS)": "Fleet tools",
    "Known hosts": "Hosts & settings",
    "Overcommit policy": "Hosts & settings",
} as const;
export type ToolLabel = keyof typeof TOOL_MENUS;

/** The toolbar menu item of a tool, with its menu opened (for checking it is disabled, or clicking it). */
export async function toolItem(page: Page | Frame | FrameLocator, name: ToolLabel) {
    const toggle = page.getByRole("button", { name: TOOL_MENUS[name], exact: true });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    const item = page.getByRole("menuitem", { name, exact: true });
    await expect(item).toBeVisible();
    return item;
}

/** Opens a tool from the toolbar: its menu, then the menu item. */
export async function openTool(page: Page | Frame | FrameLocator, name: ToolLabel): Promise<void> {
    await (await toolItem(page, name)).click();
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

/**
 * Every code block shown in `within` has a Copy button and text, and no <pre> shown there is outside one (a block
 * an admin cannot copy). Collapsed sections are not looked at: open them first. Returns how many blocks it saw.
 */
export async function expectCopyOnEveryCodeBlock(within: Locator): Promise<number> {
    const blocks = within.locator(".pf-v6-c-code-block:visible");
    const n = await blocks.count();
    expect(await within.locator("pre:visible").count()).toBe(n);
    for (const b of await blocks.all()) {
        await expect(b.getByRole("button", { name: /^Copy/ })).toBeVisible();
        expect((await b.locator("pre").textContent())?.trim()).not.toBe("");
    }
    return n;
}
