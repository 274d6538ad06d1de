/**
 * The page learns a migration's end from its job (pkg/lib/detach.ts, src/migration/follow.ts): the
 * detached job holds a lock for as long as it runs, and the page waits for that lock. Asserted on
 * this machine's real state: the job holds its lock, the page waits with exactly one process, a
 * reload closes that wait and starts one of its own, and nothing is left once the result shows.
 */
import { readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { test, expect } from "@playwright/test";
import { domState, lab, labGuest, labHost } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { dataFlows, openMigrateDialog, progressCard, result } from "./migrate-helpers";
import { openPage } from "./page";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

/** The job directory of the newest record of `domain` in the history. */
function jobDirOf(domain: string): string {
    const records = JSON.parse(readFileSync(HISTORY, "utf8")).records as { domain: string; jobDir: string }[];
    return records.filter((r) => r.domain === domain).at(-1)!.jobDir;
}

/** Processes waiting for this job's lock (`flock -s -- DIR/lock …`, the page's waits). */
function waits(jobDir: string): number[] {
    const wanted = ["flock", "-s", "--", `${jobDir}/lock`].join("\0");
    return readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
            try {
                return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith(wanted);
            } catch {
                return false; // gone
            }
        })
        .map(Number);
}

/** Whether someone holds the job's lock: a try to take it at once fails (flock -n exits 1). */
const lockHeld = (jobDir: string) => spawnSync("flock", ["-n", `${jobDir}/lock`, "true"]).status === 1;

test("the end is learned from the job: it holds its lock, the page waits once, a reload waits anew, nothing is left", async ({
    page,
}) => {
    const [a, b] = [labHost("a"), labHost("b")];
    labGuest("a", "lab-e2e-jobwait", "bigram");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-jobwait");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("10");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await dataFlows(progressCard(page, "lab-e2e-jobwait"));
    const jobDir = jobDirOf("lab-e2e-jobwait");
    expect(lockHeld(jobDir)).toBe(true);
    await expect.poll(() => waits(jobDir).length).toBe(1);
    const first = waits(jobDir);

    await page.reload();
    await openPage(page);
    await dataFlows(progressCard(page, "lab-e2e-jobwait"));
    // the old page's wait was closed with it; the new page waits with its own
    await expect.poll(() => waits(jobDir)).toHaveLength(1);
    expect(waits(jobDir)).not.toEqual(first);

    await progressCard(page, "lab-e2e-jobwait").getByRole("button", { name: "Cancel migration" }).click();
    const done = result(page, "lab-e2e-jobwait");
    await expect(done).toHaveAttribute("data-outcome", "cancelled", { timeout: 60_000 });
    await expect(done).toContainText("Running on");
    expect(waits(jobDir)).toEqual([]);
    expect(domState(a.uri, "lab-e2e-jobwait")).toBe("running");
    expect(domState(b.uri, "lab-e2e-jobwait")).toBeNull();
});
