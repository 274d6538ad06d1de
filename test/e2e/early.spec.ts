import { test, expect } from "@playwright/test";
import { virsh } from "./lab";
import { PAGE_PATH } from "./page";

// The first rows come from the VM list answer boot.ts started, before the page's 0.5 MB have loaded (src/early.ts);
// the page then takes their place: never both, never a row libvirt did not list.
test("the first VM rows show before the page has loaded, then the page's own rows replace them", async ({ page }) => {
    const listed = virsh("qemu:///system", "list", "--all", "--name").split("\n").filter(Boolean).sort();
    test.skip(listed.length === 0, "this host has no VMs");
    // hold the page's main chunk back for 3 s, as a slow connection or a busy browser would
    let released = false;
    await page.route(/\/assets\/main-[^/]*\.js$/, async (route) => {
        await new Promise((r) => setTimeout(r, 3_000));
        released = true;
        await route.continue();
    });
    await page.goto(PAGE_PATH);
    const early = page.getByRole("table", { name: "Virtual machines on this host" });
    await expect(early.locator("tr[data-early-domain]").first()).toBeVisible({ timeout: 15_000 });
    expect(released).toBe(false);
    const names = await early
        .locator("tr[data-early-domain]")
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.earlyDomain!));
    expect([...names].sort()).toEqual(listed.slice(0, 200));
    // each with its state in words, as libvirt reports it
    const first = listed[0]!;
    const running = virsh("qemu:///system", "domstate", "--domain", first).trim() === "running";
    await expect(early.locator(`tr[data-early-domain="${first}"] td`).nth(1)).toHaveText(
        running ? "Running" : /Shut off|Paused|Crashed|Suspended|Shutting down|No state|Blocked/,
    );
    // the page: its own rows, with their Migrate buttons, and the early table gone
    await expect(page.getByRole("heading", { name: "Virtual machine migration" })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("tr[data-domain]").first()).toBeVisible();
    await expect(page.locator("tr[data-early-domain]")).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Migrate ${first}` })).toBeVisible();
});
