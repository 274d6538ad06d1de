/**
 * Issue 21 items 4 and 5 on the lab: a short migration's card moves (a phase, a summary with real
 * figures from libvirt), and results do not pile up (a dismissed one stays dismissed, a newer one
 * replaces the older one of the same VM).
 */
import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { domState, domUuid, labGuest, labHost, tryVirsh, virsh } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result } from "./migrate-helpers";
import { domainRow, openPage } from "./page";

const GUESTS = ["lab-e2e-h6-short", "lab-e2e-h6-dismiss", "lab-e2e-h6-back"];

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
// only this file's guests, wherever the test left them
test.afterAll(() => {
    for (const h of ["a", "b", "c"] as const)
        for (const name of GUESTS) {
            tryVirsh(labHost(h).uri, "destroy", "--domain", name);
            tryVirsh(labHost(h).uri, "undefine", "--domain", name);
        }
});

interface StoredRecord {
    id: string;
    domain: string;
    outcome: string;
    startedAt: number;
    dismissedBy?: string[];
}
const records = (domain: string) =>
    (JSON.parse(readFileSync(HISTORY, "utf8")) as { records: StoredRecord[] }).records.filter(
        (r) => r.domain === domain,
    );

/** Every phase the progress cards show, and every "Processed" value, in order, from before the start. */
async function recordCards(page: Page) {
    await page.evaluate(() => {
        const w = window as unknown as { phases: string[]; processed: string[] };
        w.phases = [];
        w.processed = [];
        const look = () => {
            for (const card of document.querySelectorAll("[data-migration][data-phase]")) {
                const p = card.getAttribute("data-phase")!;
                if (w.phases.at(-1) !== p) w.phases.push(p);
                const v = card.querySelector('[aria-label="Processed"]')?.textContent;
                if (v && w.processed.at(-1) !== v) w.processed.push(v);
            }
        };
        new MutationObserver(look).observe(document.body, {
            subtree: true,
            childList: true,
            attributes: true,
            characterData: true,
        });
    });
    return () =>
        page.evaluate(() => {
            const w = window as unknown as { phases: string[]; processed: string[] };
            return { phases: w.phases, processed: w.processed };
        });
}

/** Migrates from the host now shown, with the dialog's defaults (live, permanent). */
async function migrateTo(page: Page, domain: string, destination: string) {
    await domainRow(page, domain)
        .getByRole("button", { name: `Migrate ${domain}` })
        .click();
    const dialog = page.getByRole("dialog", { name: `Migrate ${domain}` });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption(destination);
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(dialog).toBeHidden();
}

test("a short migration of a tiny guest: its card shows the phases, its result a summary with libvirt's figures", async ({
    page,
}) => {
    const name = "lab-e2e-h6-short";
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", name, "tiny");
    const id = domUuid(a.uri, name);
    const dialog = await openMigrateDialog(page, "localhost", name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    const seen = await recordCards(page);
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const done = result(page, name);
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(b.uri, name)).toBe("running");
    expect(domState(a.uri, name)).toBeNull();
    // the summary: the figures of the destination's completed incoming job, as libvirt has them (kept there)
    const job = virsh(b.uri, "domjobinfo", "--domain", id, "--rawstats", "--completed", "--keep-completed");
    const bytes = Number(/^data_processed: (\d+)$/m.exec(job)?.[1]);
    const downtime = Number(/^downtime: (\d+)$/m.exec(job)?.[1]);
    expect(bytes).toBeGreaterThan(0);
    // (the whole result: the old card had the same line without data-summary)
    const summary = done;
    await expect(summary).toContainText(`downtime ${downtime} ms`);
    await expect(summary).toContainText(/data \d+(\.\d)? (KiB|MiB)/);
    const kib = bytes / 1024;
    await expect(summary).toContainText(
        kib < 1024 ? `data ${kib >= 100 ? Math.round(kib) : kib.toFixed(1)} KiB` : /data [\d.]+ MiB/,
    );
    await expect(summary).not.toContainText("0 B");
    await expect(summary).not.toContainText("—");
    const { phases, processed } = await seen();
    // more than "waiting": a phase of libvirt's job, then the check on both hosts; never "0 B" before data counts
    expect(
        phases.some((p) => ["connecting", "storage", "precopy", "completing"].includes(p)),
        phases.join(" → "),
    ).toBe(true);
    expect(phases).toContain("verifying");
    expect(processed).not.toContain("0 B");
    // the toast leads to the record in the history
    await done.getByRole("button", { name: "View in history" }).click();
    await expect(page.getByRole("grid", { name: "Migration history" })).toContainText(name);
});

test("a dismissed result stays dismissed after a reload; the record stays in the history", async ({ page }) => {
    const name = "lab-e2e-h6-dismiss";
    labGuest("a", name, "tiny");
    const dialog = await openMigrateDialog(page, "localhost", name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const done = result(page, name);
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    await done.getByRole("button", { name: "Dismiss" }).click();
    await expect(result(page, name)).toHaveCount(0);
    await page.waitForTimeout(1000);
    await page.reload();
    await openPage(page);
    await expect(page.getByText("Migration history")).toBeVisible();
    // the history has been read (its toggle shows) and the result is not back, even after a few reads
    await page.waitForTimeout(4500);
    await expect(result(page, name)).toHaveCount(0);
    await page.getByText("Migration history").click();
    await expect(page.getByRole("grid", { name: "Migration history" })).toContainText(name);
    // kept in the record, for this login
    expect(records(name)[0]?.dismissedBy).toEqual(["root"]);
    expect(domState(labHost("c").uri, name)).toBe("running");
});

test("a newer result replaces the older one of the same VM: A → B, then back B → A, one result", async ({ page }) => {
    const name = "lab-e2e-h6-back";
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", name, "tiny");
    await openPage(page);
    await migrateTo(page, name, "127.0.0.2");
    await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expect(domState(b.uri, name)).toBe("running");
    const first = records(name)[0]!.id;
    await expect(result(page, name)).toHaveAttribute("data-migration-result", first);
    // to B within the same page load (the results of this page stay this page's), and back from there
    await page.evaluate(() => {
        location.hash = "#/host/127.0.0.2";
    });
    await expect(domainRow(page, name)).toBeVisible({ timeout: 30_000 });
    await migrateTo(page, name, "127.0.0.1");
    await expect.poll(() => records(name).filter((r) => r.outcome === "completed").length, { timeout: 60_000 }).toBe(2);
    expect(domState(a.uri, name)).toBe("running");
    expect(domState(b.uri, name)).toBeNull();
    const second = records(name).sort((x, y) => y.startedAt - x.startedAt)[0]!.id;
    // one result for the VM: the way back, on B's page and on A's
    await expect(result(page, name)).toHaveCount(1, { timeout: 30_000 });
    await expect(result(page, name)).toHaveAttribute("data-migration-result", second);
    await page.evaluate(() => {
        location.hash = "";
    });
    await expect(domainRow(page, name)).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(2500);
    await expect(result(page, name)).toHaveCount(1);
    await expect(result(page, name)).toHaveAttribute("data-migration-result", second);
});
