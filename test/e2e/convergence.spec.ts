/**
 * Issue 23 on the lab: a guest that dirties memory faster than a bandwidth limit lets pre-copy send it.
 * The progress view says it will not converge (from the pre-flight's dirty rate during the first pass,
 * from QEMU's after it); under "Finish within 2 minutes" the migration's own job
 * raises the maximum downtime (at 30 s and 60 s) and switches to post-copy (at 90 s), also while no page
 * is open, and the migration completes; the result and the history list the steps taken.
 */
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { domState, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, progressCard, result } from "./migrate-helpers";
import { openPage } from "./page";

const NAME = "lab-e2e-h23-conv";

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(() => {
    for (const h of ["a", "b", "c"] as const) {
        tryVirsh(labHost(h).uri, "destroy", "--domain", NAME);
        tryVirsh(labHost(h).uri, "undefine", "--domain", NAME);
    }
});

interface Stored {
    domain: string;
    startedAt: number;
    outcome: string;
    autopilot?: { schedule: unknown[]; taken?: { index: number; result: string }[] };
}
const record = () =>
    (JSON.parse(readFileSync(HISTORY, "utf8")) as { records: Stored[] }).records.find((r) => r.domain === NAME)!;

test("a guest dirtying faster than the limit: will not converge; Finish within 2 minutes raises the downtime, switches to post-copy with no page open, and completes", async ({
    page,
    context,
}) => {
    test.setTimeout(240_000);
    labGuest("a", NAME, "dirty", true, 32);
    // the guest's kernel boots and its loop starts writing (it prints to its console once a second)
    await expect
        .poll(
            () => readFileSync(`/var/lib/libvirt/qemu/${NAME}.console.log`, "utf8").match(/lab-dirty:/g)?.length ?? 0,
            {
                timeout: 90_000,
            },
        )
        .toBeGreaterThan(3);
    const dialog = await openMigrateDialog(page, "localhost", NAME);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("2");
    await dialog.getByRole("combobox", { name: "Convergence policy" }).selectOption("finish-within");
    await dialog.getByLabel("Minutes").fill("2");
    // the schedule as the commands the job will run; post-copy is turned on for it
    await expect(dialog.locator("[data-policy-steps]")).toContainText(
        /after 30 s: raise the maximum downtime to 1000 ms.*after 60 s: raise the maximum downtime to 3000 ms.*after 90 s: switch to post-copy/,
    );
    await expect(dialog.getByLabel("Policy steps")).toContainText(
        /migrate-setmaxdowntime --domain \S+ --downtime 1000/,
    );
    await expect(dialog.getByLabel("Equivalent command")).toContainText("--postcopy");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(dialog).toBeHidden({ timeout: 60_000 });

    const card = progressCard(page, NAME);
    // the verdict from the job's samples: the guest re-dirties what a pass sends
    await expect(card.locator("[data-verdict]")).toHaveAttribute("data-verdict", /^(diverges|stalled)$/, {
        timeout: 80_000,
    });
    await expect(card.locator("[data-verdict]")).toContainText(/will not converge at this dirty rate/i);
    await expect(card.getByRole("img", { name: "Remaining memory, sent and dirtied per second" })).toBeVisible();
    await expect(card.locator("[data-remedy=postcopy]")).toContainText("Switch to post-copy");
    const startedAt = record().startedAt;

    // no page open while the 60 s step comes due: the job takes it (cockpit-ws keeps its bridge for ~15 s)
    const wait = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
    await wait(startedAt + 52_000 - Date.now());
    const blank = await context.newPage();
    await page.close();
    await wait(startedAt + 63_000 - Date.now());
    const again = await openPage(blank);
    const steps = () => record().autopilot?.taken ?? [];
    const done = result(again, NAME);
    await expect(done).toHaveAttribute("data-outcome", "completed", { timeout: 120_000 });
    expect(domState(labHost("b").uri, NAME)).toBe("running");
    expect(domState(labHost("a").uri, NAME)).toBeNull();
    // the history holds every step the job took, in the schedule's order
    expect(steps().map((s) => [s.index, s.result])).toEqual([
        [0, "ok"],
        [1, "ok"],
        [2, "ok"],
    ]);
    await expect(done.locator("[data-policy-taken] [data-step=ok]")).toHaveCount(3);
    await expect(done).toContainText("after 90 s: switch to post-copy — done");
});
