/**
 * Faults injected on the lab during a live migration started from the UI. After each one the VM
 * runs on exactly one host, its persistent definition is exactly where it should be, and the UI
 * says what happened.
 */
import { test, expect, type Page } from "@playwright/test";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { domState, isPersistent, lab, labGuest, labHost } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result, dataFlows } from "./migrate-helpers";
import { openPage } from "./page";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

type Letter = "a" | "b" | "c";

/** Starts a slow (10 MiB/s) live permanent migration of a 512 MiB guest from A and waits until data flows. */
async function startSlow(page: Page, name: string, destination: string) {
    labGuest("a", name, "bigram");
    const dialog = await openMigrateDialog(page, "localhost", name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption(destination);
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("10");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const progress = page.locator("[data-migration]").filter({ hasText: name });
    await dataFlows(progress);
    return progress;
}

/** Where the VM runs and is defined, on every lab host. */
function placement(name: string) {
    const hosts: Letter[] = ["a", "b", "c"];
    return Object.fromEntries(
        hosts.map((h) => [
            h,
            { state: domState(labHost(h).uri, name), persistent: isPersistent(labHost(h).uri, name) },
        ]),
    );
}

function expectOnlyOn(name: string, host: Letter) {
    const p = placement(name);
    const running = Object.entries(p)
        .filter(([, x]) => x.state === "running")
        .map(([h]) => h);
    expect(running, JSON.stringify(p)).toEqual([host]);
    const defined = Object.entries(p)
        .filter(([, x]) => x.persistent)
        .map(([h]) => h);
    expect(defined, JSON.stringify(p)).toEqual([host]);
}

const faults: {
    name: string;
    dest: string;
    letter: Letter;
    inject: (vm: string) => void;
    heal?: () => void;
    says: RegExp;
}[] = [
    {
        name: "destination libvirtd killed",
        dest: "127.0.0.3",
        letter: "c",
        inject: () => lab("stop-libvirtd", "c"),
        heal: () => lab("start-libvirtd", "c"),
        says: /libvirtd|connection|closed|lost/i,
    },
    {
        name: "destination QEMU killed",
        dest: "127.0.0.3",
        letter: "c",
        inject: (vm) => lab("kill-qemu", "c", vm),
        says: /QEMU|closed|failed|lost|error/i,
    },
    {
        name: "SSH to the destination cut",
        dest: "127.0.0.2",
        letter: "b",
        inject: () => lab("kill-ssh-to", "127.0.0.2"),
        says: /connection|lost|closed|End of file/i,
    },
    {
        name: "source libvirtd restarted",
        dest: "127.0.0.2",
        letter: "b",
        inject: () => lab("restart-libvirtd-a"),
        says: /connection|lost|closed|reset|End of file/i,
    },
];

for (const f of faults) {
    test(`fault mid-migration: ${f.name} — the VM runs and is defined on the source only, and the UI says so`, async ({
        page,
    }) => {
        const vm = `lab-e2e-fault-${f.letter}-${f.name.split(" ")[0]}`;
        await startSlow(page, vm, f.dest);
        try {
            f.inject(vm);
        } finally {
            f.heal?.();
        }
        const done = result(page, vm);
        await expect(done).toHaveAttribute("data-outcome", "failed", { timeout: 90_000 });
        await expect(done).toContainText(f.says);
        await expect(done).toContainText(/Checked on both hosts: Running on/);
        expectOnlyOn(vm, "a");
        // nothing half-migrated is left on the destination once its libvirtd has looked again
        expect(domState(labHost(f.letter).uri, vm)).toBeNull();
    });
}

test("cancel pressed twice: one abort, the VM stays on the source, no error", async ({ page }) => {
    const vm = "lab-e2e-fault-cancel2";
    const progress = await startSlow(page, vm, "127.0.0.2");
    const cancel = progress.getByRole("button", { name: "Cancel migration" });
    await cancel.click();
    if (await cancel.isEnabled().catch(() => false)) await cancel.click({ timeout: 2000 }).catch(() => undefined);
    const done = result(page, vm);
    await expect(done).toHaveAttribute("data-outcome", "cancelled", { timeout: 60_000 });
    await expect(page.getByText(/could not be cancelled|failed to abort/i)).toHaveCount(0);
    expectOnlyOn(vm, "a");
});

test("the Cockpit session ends mid-migration: the migration goes on, is recorded, and the next session shows it", async ({
    page,
    browser,
}) => {
    const vm = "lab-e2e-fault-session";
    labGuest("a", vm, "bigram");
    // a second cockpit-ws of our own, whose session we end by stopping it (its bridge dies with it)
    const port = 9096;
    const ws = spawn("node", ["--experimental-websocket", "scripts/serve-tests.mjs", String(port)], {
        stdio: "ignore",
    });
    try {
        const other = await browser.newPage();
        await expect
            .poll(
                async () =>
                    (
                        await other.goto(`http://127.0.0.1:${port}/cockpit/@localhost/manifests.json`).catch(() => null)
                    )?.status() ?? 0,
                { timeout: 20_000 },
            )
            .toBe(200);
        await other.goto(`http://127.0.0.1:${port}/cockpit/@localhost/cockpit-migrate/index.html`);
        await other
            .locator(`tr[data-domain="${vm}"]`)
            .getByRole("button", { name: `Migrate ${vm}` })
            .click();
        const dialog = other.getByRole("dialog", { name: `Migrate ${vm}` });
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        await dialog.getByRole("button", { name: "Advanced options" }).click();
        await dialog.getByLabel("Bandwidth limit (MiB/s)").fill("40");
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
        await dataFlows(other.locator("[data-migration]").filter({ hasText: vm }));
        await other.close();
    } finally {
        ws.kill("SIGTERM");
    }
    // the detached virsh migrate finishes on its own
    await expect.poll(() => domState(labHost("b").uri, vm), { timeout: 90_000, intervals: [1000] }).toBe("running");
    await expect.poll(() => domState(labHost("a").uri, vm), { timeout: 30_000 }).toBeNull();
    const rec = (JSON.parse(readFileSync(HISTORY, "utf8")) as { records: { domain: string }[] }).records.find(
        (r) => r.domain === vm,
    );
    expect(rec).toBeTruthy();
    // a new session (the main test server) finds the job finished and shows the verified result
    await openPage(page);
    await expect(result(page, vm)).toHaveAttribute("data-outcome", "completed", { timeout: 60_000 });
    expectOnlyOn(vm, "b");
});
