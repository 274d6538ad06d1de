/**
 * Rows like Cockpit's (issue 21, item 3, and the empty filter of item 10): one line per VM with
 * Migrate and a kebab, a detail row behind the name, a deep link that scrolls to its row, and known
 * hosts with a kebab, a removal that asks first and a status per host.
 */
import { test, expect, type Locator } from "@playwright/test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { domUuid, HOSTS_CONFIG, lab, labGuest, labHost, tryVirsh, virsh } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { domainRow, hostAction, openPage, openTool, vmAction } from "./page";

const VM = "lab-e2e-rows-disk";

function removeGuest(name: string) {
    for (const h of ["a", "b", "c"] as const) {
        tryVirsh(labHost(h).uri, "destroy", "--domain", name);
        tryVirsh(labHost(h).uri, "undefine", "--domain", name, "--nvram", "--remove-all-storage");
    }
}

test.beforeAll(() => labGuest("a", VM, "disk"));
test.afterAll(() => removeGuest(VM));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

async function box(locator: Locator) {
    const b = await locator.boundingBox();
    expect(b, "laid out").not.toBeNull();
    return b!;
}

test("one line per VM: Migrate and the kebab side by side, the row as tall as a line of text", async ({ page }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPage(page);
    const row = domainRow(page, VM);
    await expect(row).toBeVisible({ timeout: 30_000 });
    // the row is its cells' padding and one line: less than two lines of text (measured on a text-only cell)
    const m = await row.evaluate((tr: HTMLTableRowElement) => {
        const td = tr.cells[5]!;
        const range = document.createRange();
        range.selectNodeContents(td);
        const cs = getComputedStyle(td);
        return {
            row: tr.getBoundingClientRect().height,
            padding: parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom),
            line: range.getBoundingClientRect().height,
        };
    });
    expect(m.line).toBeGreaterThan(10);
    expect(m.row, JSON.stringify(m)).toBeLessThan(m.padding + 2 * m.line);
    // every button of the row on one line
    const centers = await row
        .getByRole("button")
        .evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect()).map((r) => r.top + r.height / 2));
    expect(Math.max(...centers) - Math.min(...centers), JSON.stringify(centers)).toBeLessThan(m.line / 2);
    const migrate = await box(row.getByRole("button", { name: `Migrate ${VM}`, exact: true }));
    const kebab = await box(row.getByRole("button", { name: `Actions for ${VM}`, exact: true }));
    expect(Math.abs(migrate.y + migrate.height / 2 - (kebab.y + kebab.height / 2))).toBeLessThan(4);
    expect(kebab.x).toBeGreaterThan(migrate.x + migrate.width - 1);
    // no second button per row besides Migrate and the kebab (readiness moved into the kebab)
    await expect(row.getByRole("button", { name: /^Check/ })).toHaveCount(0);
});

test("the kebab: readiness opens its dialog; Copy migrate command opens the dialog whose command goes to the clipboard", async ({
    page,
    context,
}) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openPage(page);
    await expect(domainRow(page, VM)).toBeVisible({ timeout: 30_000 });
    await vmAction(page, VM, "Check migration readiness");
    const readiness = page.getByRole("dialog", { name: `Migration readiness of ${VM}` });
    await expect(readiness).toBeVisible();
    await expect(readiness.getByLabel("127.0.0.2")).toBeChecked();
    await readiness.getByRole("button", { name: "Close", exact: true }).last().click();
    await expect(readiness).toBeHidden();

    await vmAction(page, VM, "Copy migrate command");
    const dialog = page.getByRole("dialog", { name: `Migrate ${VM}` });
    await expect(dialog).toBeVisible();
    const shown = dialog.getByLabel("Equivalent command");
    await expect(shown).toContainText("virsh -c qemu:///system migrate");
    await dialog.getByRole("button", { name: "Copy command" }).click();
    await expect(dialog.getByRole("button", { name: "Copy command" })).toHaveText("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe((await shown.textContent())?.trim());
    // the command addresses this VM by its libvirt UUID
    expect(copied).toContain(`--domain ${domUuid(labHost("a").uri, VM)}`);
    expect(copied).toMatch(/--desturi \S*127\.0\.0\.\d/);
    // never this machine (the known host 127.0.0.1 is it): a destination is offered once its machine is read
    expect(copied).not.toMatch(/--desturi \S*127\.0\.0\.1\//);
});

test("the name opens a detail row: the VM's disks as libvirt lists them, its NICs, CPU and last migrations", async ({
    page,
}) => {
    const a = labHost("a");
    const uuid = domUuid(a.uri, VM);
    mkdirSync(dirname(HISTORY), { recursive: true });
    const record = (id: string, startedAt: number, to: string, outcome: string) => ({
        id,
        domain: VM,
        uuid,
        source: { hostId: "localhost", label: "this host", uri: "qemu:///system" },
        destination: { hostId: to, label: to, uri: `qemu+ssh://root@${to}/system` },
        argv: ["virsh"],
        options: {},
        user: "root",
        startedAt,
        endedAt: startedAt + 1000,
        jobDir: `/run/cockpit-migrate/jobs/${id}`,
        outcome,
    });
    writeFileSync(
        HISTORY,
        JSON.stringify({
            version: 1,
            records: [
                record("rows-1", Date.now() - 3_600_000, "127.0.0.2", "failed"),
                record("rows-2", Date.now() - 60_000, "127.0.0.3", "completed"),
                {
                    ...record("rows-other", Date.now(), "127.0.0.2", "completed"),
                    domain: "lab-tiny",
                    uuid: domUuid(a.uri, "lab-tiny"),
                },
            ],
        }),
    );
    await openPage(page);
    const row = domainRow(page, VM);
    await expect(row).toBeVisible({ timeout: 30_000 });
    const name = row.getByRole("button", { name: VM, exact: true });
    await expect(name).toHaveAttribute("aria-expanded", "false");
    const grid = page.getByRole("grid", { name: /Virtual machines on/ });
    await expect(grid.locator("tbody tr")).toHaveCount(await grid.locator("tr[data-domain]").count());
    await name.click();
    await expect(name).toHaveAttribute("aria-expanded", "true");
    await expect(page).toHaveURL(new RegExp(`#/host/localhost/vm/${VM}$`));
    const detail = page.locator(`tr[data-detail-of="${VM}"]`);
    const disks = detail.locator('[data-detail="disks"]');
    // every disk `virsh domblklist` reports, with its target and source
    const listed = virsh(a.uri, "domblklist", "--domain", uuid)
        .split("\n")
        .slice(2)
        .map((l) => l.trim().split(/\s+/))
        .filter((p) => p.length === 2 && p[1] !== "-");
    expect(listed.length).toBeGreaterThan(0);
    for (const [target, source] of listed) {
        await expect(disks.getByRole("listitem").filter({ hasText: target! })).toContainText(source!);
    }
    await expect(detail.locator('[data-detail="interfaces"]')).not.toBeEmpty();
    await expect(detail.locator('[data-detail="cpu"]')).not.toBeEmpty();
    const migrations = detail.locator('[data-detail="migrations"]').getByRole("listitem");
    await expect(migrations).toHaveCount(2);
    await expect(migrations.first()).toContainText("127.0.0.3");
    await expect(migrations.first()).toContainText("Completed");
    await expect(migrations.last()).toContainText("Failed");

    await name.click();
    await expect(detail).toHaveCount(0);
    await expect(name).toHaveAttribute("aria-expanded", "false");
});

test("a deep link opens its VM's row and scrolls it into view", async ({ page }) => {
    await page.setViewportSize({ width: 1000, height: 420 });
    await openPage(page, `/host/localhost/vm/${VM}`);
    const row = domainRow(page, VM);
    await expect(row).toHaveClass(/pf-m-selected/, { timeout: 30_000 });
    await expect(row).toBeInViewport();
    await expect(row.getByRole("button", { name: VM, exact: true })).toHaveAttribute("aria-expanded", "true");
});

test("a filter that matches nothing: an empty state with one Clear filter, not bare headers", async ({ page }) => {
    await openPage(page);
    await expect(domainRow(page, VM)).toBeVisible({ timeout: 30_000 });
    await page.getByRole("searchbox", { name: "Filter virtual machines by name" }).fill("lab-e2e-rows-nothing-like-it");
    const empty = page.locator('[data-state="no-match"]');
    await expect(empty.getByRole("heading", { name: "No matching virtual machines" })).toBeVisible();
    await expect(page.getByRole("grid", { name: /Virtual machines on/ })).toHaveCount(0);
    await expect(empty.getByRole("button")).toHaveCount(1);
    await empty.getByRole("button", { name: "Clear filter" }).click();
    await expect(page.getByRole("searchbox", { name: "Filter virtual machines by name" })).toHaveValue("");
    await expect(domainRow(page, VM)).toBeVisible();
});

test("known hosts: Remove asks first and only then removes; each host has a status; Test connection tests again", async ({
    page,
}) => {
    writeLabHostsConfig([{ address: "127.0.0.9", sshUser: "root", transport: "tcp" }]);
    const stored = () =>
        (JSON.parse(readFileSync(HOSTS_CONFIG, "utf8")) as { hosts: { address: string }[] }).hosts.map(
            (h) => h.address,
        );
    await openPage(page);
    await openTool(page, "Known hosts");
    const dialog = page.getByRole("dialog", { name: "Known hosts" });
    const status = (address: string) => dialog.locator(`tr[data-host="${address}"] [data-status]`);
    await expect(status("127.0.0.2")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
    await expect(status("127.0.0.2")).toContainText("SSH access OK");
    await expect(status("127.0.0.2")).toContainText("Reachable (lab-b)");
    await expect(status("127.0.0.9")).toHaveAttribute("data-status", "error", { timeout: 60_000 });
    await expect(status("127.0.0.9")).toContainText("127.0.0.9 refused the connection");

    // Remove asks; Cancel keeps the host
    await hostAction(dialog, "127.0.0.9", "Remove");
    let confirm = page.getByRole("dialog", { name: "Remove 127.0.0.9?" });
    await expect(confirm).toBeVisible();
    expect(stored()).toContain("127.0.0.9");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog.locator('tr[data-host="127.0.0.9"]')).toBeVisible();
    expect(stored()).toContain("127.0.0.9");
    // and removes only after Remove
    await hostAction(dialog, "127.0.0.9", "Remove");
    confirm = page.getByRole("dialog", { name: "Remove 127.0.0.9?" });
    await confirm.getByRole("button", { name: "Remove" }).click();
    await expect(confirm).toBeHidden();
    await expect(dialog.locator('tr[data-host="127.0.0.2"]')).toBeVisible();
    await expect(dialog.locator('tr[data-host="127.0.0.9"]')).toHaveCount(0);
    expect(stored()).not.toContain("127.0.0.9");
    expect(stored()).toEqual(expect.arrayContaining(["127.0.0.2", "127.0.0.3"]));

    // Test connection tests again: C's libvirtd stopped, then started
    await expect(status("127.0.0.3")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
    lab("stop-libvirtd", "c");
    try {
        await hostAction(dialog, "127.0.0.3", "Test connection");
        await expect(status("127.0.0.3")).toHaveAttribute("data-status", "error", { timeout: 60_000 });
        await expect(status("127.0.0.3")).toContainText("libvirtd is not running on 127.0.0.3");
    } finally {
        lab("start-libvirtd", "c");
    }
    await hostAction(dialog, "127.0.0.3", "Test connection");
    await expect(status("127.0.0.3")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
    await expect(status("127.0.0.3")).toContainText("Reachable (lab-c)");
});
