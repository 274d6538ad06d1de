/**
 * One machine, one name (issue 21 item 1), and plans that say what they do (item 9): this machine is
 * "This host" in the destination list and in a plan, once, also when it is a known host (127.0.0.1);
 * from a VM on another host, This host is offered as a destination, and the migration back works;
 * a plan shows its rows before every move is checked; every code block of a plan has Copy.
 */
import { execFileSync } from "node:child_process";
import { test, expect, type Page } from "@playwright/test";
import { renameSync, writeFileSync } from "node:fs";
import { domState, domUuid, HOSTS_CONFIG, labGuest, labHost, labHosts, tryVirsh, virsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { command, openMigrateDialog, result } from "./migrate-helpers";
import { expectCopyOnEveryCodeBlock, openPage, openTool } from "./page";

const GUESTS = ["lab-e2e-np-back", "lab-e2e-np-own", "lab-e2e-np-1", "lab-e2e-np-2", "lab-e2e-np-3"];

/** Removes this file's guests from every lab host (and only them). */
function cleanup(): void {
    for (const h of labHosts())
        for (const g of GUESTS) {
            tryVirsh(h.uri, "destroy", "--domain", g);
            tryVirsh(h.uri, "undefine", "--domain", g);
        }
}

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(() => {
    cleanup();
    writeLabHostsConfig();
});

const destination = (dialog: ReturnType<Page["getByRole"]>) =>
    dialog.getByRole("combobox", { name: "Destination", exact: true });

test("from a VM on 127.0.0.2, This host is offered (once, for the known host 127.0.0.1 too) and the migration back works", async ({
    page,
}) => {
    cleanup();
    labGuest("b", "lab-e2e-np-back", "tiny");
    const id = domUuid(labHost("b").uri, "lab-e2e-np-back");
    const dialog = await openMigrateDialog(page, "127.0.0.2", "lab-e2e-np-back");
    // 127.0.0.1 is a known host and this very machine: one entry, named This host
    await expect(destination(dialog).locator("option")).toHaveText(["This host", "127.0.0.3", "Other host or URI…"]);
    await destination(dialog).selectOption({ label: "This host" });
    await expect(dialog.getByText("Reached as the known host 127.0.0.1")).toBeVisible();
    // the help text names the real source
    await expect(dialog.getByText("From 127.0.0.2", { exact: true })).toBeVisible();
    await expect(dialog.getByText("The VM moves: defined on the destination, removed from 127.0.0.2.")).toBeVisible();
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-np-back")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(labHost("a").uri, id)).toBe("running");
    expect(domState(labHost("b").uri, id)).toBeNull();
    // the history of 127.0.0.2 shows the migration out, to This host
    await openPage(page, "/host/127.0.0.2");
    await page.getByRole("button", { name: "Migration history" }).click();
    const row = page.getByRole("grid", { name: "Migration history" }).locator("tbody tr").first();
    await expect(row).toContainText("lab-e2e-np-back");
    await expect(row).toContainText("127.0.0.2");
    await expect(row).toContainText("This host");
    // and this host's history shows it coming in, although it went to the known host 127.0.0.1's URI
    await openPage(page);
    await page.getByRole("button", { name: "Migration history" }).click();
    await expect(page.getByRole("grid", { name: "Migration history" }).locator("tbody tr").first()).toContainText(
        "lab-e2e-np-back",
    );
});

test("without a known entry for this machine, This host is still offered from another host, by its own connection", async ({
    page,
}) => {
    cleanup();
    const hosts = labHosts()
        .filter((h) => h.address !== "127.0.0.1")
        .map((h) => ({ address: h.address, sshUser: "root", transport: "ssh" }));
    writeFileSync(`${HOSTS_CONFIG}.tmp`, JSON.stringify({ version: 1, hosts }, null, 2) + "\n");
    renameSync(`${HOSTS_CONFIG}.tmp`, HOSTS_CONFIG);
    labGuest("b", "lab-e2e-np-own", "tiny");
    const id = domUuid(labHost("b").uri, "lab-e2e-np-own");
    const dialog = await openMigrateDialog(page, "127.0.0.2", "lab-e2e-np-own");
    await expect(destination(dialog).locator("option")).toHaveText(["This host", "127.0.0.3", "Other host or URI…"]);
    await expect(destination(dialog)).toHaveValue("localhost");
    await expect(dialog.getByText(/add this host under Known hosts with a migration address/)).toBeVisible();
    await expect(command(dialog)).toContainText(`--desturi qemu:///system`);
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, "lab-e2e-np-own")).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(labHost("a").uri, id)).toBe("running");
    expect(domState(labHost("b").uri, id)).toBeNull();
});

test("a plan counts this machine once (also as the known host 127.0.0.1), shows rows before it is complete, and every code block has Copy", async ({
    page,
    context,
}) => {
    cleanup();
    for (const g of ["lab-e2e-np-1", "lab-e2e-np-2", "lab-e2e-np-3"]) labGuest("b", g, "tiny");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openPage(page, "/host/127.0.0.2");
    await openTool(page, "Evacuate host");
    const dialog = page.getByRole("dialog", { name: "Evacuate 127.0.0.2" });
    // rows as they are found: a provisional plan while the checks still run, not runnable yet
    await expect(dialog.locator('[data-plan="provisional"] [data-move]').first()).toBeVisible({ timeout: 120_000 });
    await expect(dialog.getByRole("progressbar", { name: "Checking the possible moves" })).toBeVisible();
    await expect(dialog.getByRole("button", { name: /^Run \d+ migrations$/ })).toBeDisabled();
    await expect(dialog.locator('[data-plan="complete"]')).toBeVisible({ timeout: 120_000 });
    await expect(dialog.getByRole("progressbar", { name: "Checking the possible moves" })).toHaveCount(0);
    for (const g of ["lab-e2e-np-1", "lab-e2e-np-2", "lab-e2e-np-3"])
        await expect(dialog.locator(`[data-move="${g}"]`)).toHaveAttribute("data-state", "planned");

    // one row per machine: This host once (not also 127.0.0.1), each destination list likewise
    const memory = dialog.getByRole("grid", { name: "Committed memory per host" });
    await expect(memory.locator("tbody tr td:first-child")).toHaveText(["This host", "127.0.0.2", "127.0.0.3"]);
    await expect(dialog.getByRole("combobox", { name: "Destination of lab-e2e-np-1" }).locator("option")).toHaveText([
        "This host",
        "127.0.0.3",
    ]);

    // every code block of the plan has Copy, none is empty, and Copy copies the script
    expect(await expectCopyOnEveryCodeBlock(dialog)).toBeGreaterThan(0);
    await dialog.getByRole("button", { name: "Copy the script" }).click();
    await expect(dialog.getByRole("button", { name: "Copy the script" })).toHaveText("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await dialog.getByLabel("Plan script").textContent());
    expect(copied).toContain(`--domain ${domUuid(labHost("b").uri, "lab-e2e-np-1")} --desturi`);

    // a move to This host names it qemu:///system, which means the machine that runs the script: the script
    // first checks it runs here, and the real virsh on this machine passes that check (the unit test of
    // planScript runs it on another machine, where it stops before any move)
    await dialog.getByRole("combobox", { name: "Destination of lab-e2e-np-1" }).selectOption({ label: "This host" });
    const script = (await dialog.getByLabel("Plan script").textContent()) ?? "";
    expect(script).toContain("--desturi qemu:///system");
    const guard = script.slice(0, script.indexOf('\n# "'));
    expect(guard).toContain("# qemu:///system means the machine that runs this script: it must be");
    execFileSync("sh", ["-e", "-c", guard], { stdio: "pipe" });
});

test("as root, the user session is not a second This host in the host list (libvirt opens the system connection for it)", async ({
    page,
}) => {
    // libvirt's own answer, as the page runs virsh (as root): the session lists the system's VMs
    expect(virsh("qemu:///session", "list", "--all", "--uuid")).toBe(
        virsh("qemu:///system", "list", "--all", "--uuid"),
    );
    await openPage(page);
    await expect(page.getByRole("combobox", { name: "Host", exact: true }).locator("option")).toHaveText(
        ["This host", ...labHosts().map((h) => h.address)],
        { timeout: 15_000 },
    );
});
