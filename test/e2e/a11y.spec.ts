/**
 * Accessibility and theme: an axe scan of each main view and dialog (no serious or critical
 * violations), keyboard-only use of the Migrate dialog, and the dark theme following Cockpit's
 * style preference.
 */
import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { domState, lab, labGuest, labHost } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { domainRow, openPage, openTool, vmAction } from "./page";
import { result } from "./migrate-helpers";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

async function expectNoSeriousViolations(page: Page, what: string, include?: string) {
    let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
    if (include) builder = builder.include(include);
    const { violations } = await builder.analyze();
    const serious = violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map(
            (v) =>
                `${v.id} (${v.impact}): ${v.help} — ${v.nodes
                    .slice(0, 3)
                    .map((n) => n.target.join(" "))
                    .join(", ")}`,
        );
    expect(serious, `${what}:\n${serious.join("\n")}`).toEqual([]);
}

test("axe: the host view, the Migrate dialog with pre-flight, readiness, known hosts and policy dialogs", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-a11y", "tiny");
    await openPage(page);
    await expect(domainRow(page, "lab-e2e-a11y")).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousViolations(page, "host view");

    await domainRow(page, "lab-e2e-a11y").getByRole("button", { name: "Migrate lab-e2e-a11y" }).click();
    const dialog = page.getByRole("dialog", { name: "Migrate lab-e2e-a11y" });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await page.waitForTimeout(500); // the expanding section fades in: let it finish before measuring contrast
    await expectNoSeriousViolations(page, "Migrate dialog", '[role="dialog"]');
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();

    await vmAction(page, "lab-e2e-a11y", "Check migration readiness");
    await expectNoSeriousViolations(page, "readiness dialog", '[role="dialog"]');
    await page.getByRole("dialog").getByRole("button", { name: "Close", exact: true }).last().click();

    await openTool(page, "Known hosts");
    await expectNoSeriousViolations(page, "known hosts dialog", '[role="dialog"]');
    await page.getByRole("button", { name: "Trust between hosts" }).click();
    await expect(page.locator('td[data-reach="checking"]')).toHaveCount(0, { timeout: 60_000 });
    await expectNoSeriousViolations(page, "trust between hosts", '[role="dialog"]');
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");

    await openTool(page, "Overcommit policy");
    await expect(page.getByRole("dialog", { name: "Overcommit policy" })).toBeVisible();
    await expectNoSeriousViolations(page, "policy dialog", '[role="dialog"]');
    await page.keyboard.press("Escape");

    await openTool(page, "Shared storage (NFS)");
    await expect(page.getByRole("dialog", { name: "Shared storage (NFS)" })).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await expectNoSeriousViolations(page, "NFS flow", '[role="dialog"]');
    await page.keyboard.press("Escape");

    await openTool(page, "CPU baseline");
    await expect(page.getByRole("dialog", { name: "CPU baseline" })).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await expectNoSeriousViolations(page, "CPU-baseline wizard", '[role="dialog"]');
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog", { name: "CPU baseline" })).toBeHidden();

    await openPage(page, "/host/127.0.0.2");
    await openTool(page, "Evacuate host");
    await expect(
        page.getByRole("dialog", { name: "Evacuate 127.0.0.2" }).getByRole("grid", { name: "Plan" }),
    ).toBeVisible({ timeout: 120_000 });
    await expectNoSeriousViolations(page, "evacuation plan", '[role="dialog"]');
});

test("keyboard only: open the Migrate dialog, choose a destination and migrate, without the mouse", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-kbd", "tiny");
    await openPage(page);
    const migrate = domainRow(page, "lab-e2e-kbd").getByRole("button", { name: "Migrate lab-e2e-kbd" });
    await expect(migrate).toBeVisible({ timeout: 30_000 });
    // Tab from the top of the page until the row's Migrate button has the focus
    await page.locator("body").focus();
    for (let i = 0; i < 80 && !(await migrate.evaluate((el) => el === document.activeElement)); i++)
        await page.keyboard.press("Tab");
    await expect(migrate).toBeFocused();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Migrate lab-e2e-kbd" });
    await expect(dialog).toBeVisible();
    const destination = dialog.getByRole("combobox", { name: "Destination", exact: true });
    for (let i = 0; i < 20 && !(await destination.evaluate((el) => el === document.activeElement)); i++)
        await page.keyboard.press("Tab");
    await expect(destination).toBeFocused();
    // the first destination is chosen once the hosts' machines are read (the select says "Reading the hosts…"
    // until then, and the arrow would reach only the hosts read so far)
    await expect(destination).not.toHaveValue("");
    const first = await destination.inputValue();
    await page.keyboard.press("ArrowDown"); // the next known host
    await expect(destination).not.toHaveValue(first);
    await expect(destination).not.toHaveValue("");
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    const go = dialog.getByRole("button", { name: "Migrate", exact: true });
    await expect(go).toBeEnabled();
    for (let i = 0; i < 120 && !(await go.evaluate((el) => el === document.activeElement)); i++)
        await page.keyboard.press("Tab");
    await expect(go).toBeFocused();
    const chosen = await destination.inputValue();
    await page.keyboard.press("Enter");
    await expect(result(page, "lab-e2e-kbd")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    await expect(result(page, "lab-e2e-kbd")).toContainText(`Running on ${chosen}`);
    expect(domState(labHost("a").uri, "lab-e2e-kbd")).toBeNull();
});

test("the page follows Cockpit's dark style and switches back", async ({ page }) => {
    await page.addInitScript(() => window.localStorage.setItem("shell:style", "dark"));
    await openPage(page);
    await expect(page.locator("html")).toHaveClass(/pf-v6-theme-dark/);
    await expectNoSeriousViolations(page, "host view, dark");
    await page.evaluate(() => {
        window.localStorage.setItem("shell:style", "light");
        window.dispatchEvent(new Event("cockpit-style"));
    });
    await expect(page.locator("html")).not.toHaveClass(/pf-v6-theme-dark/);
});
