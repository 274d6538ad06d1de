/**
 * The Migrate dialog as an admin scans it (issue 21, item 6): a summary line over the checks that
 * names what blocks, the blocking check first, the passed ones collapsed, the reason beside the
 * held Migrate button, a "Skip" per running check, and no storage choice for a VM without disks.
 */
import { test, expect, type Locator } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { labGuest, labHost, tryVirsh, virsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog } from "./migrate-helpers";

const CPU_VM = "lab-e2e-h4-cpu";
const RUNNING_VM = "lab-e2e-h4-run";
const DISK_VM = "lab-e2e-h4-disk";

/** Only this file's guests (they never leave A: nothing here migrates). */
function removeGuests() {
    const a = labHost("a");
    for (const name of [CPU_VM, RUNNING_VM, DISK_VM]) {
        tryVirsh(a.uri, "destroy", "--domain", name);
        tryVirsh(a.uri, "undefine", "--nvram", "--domain", name);
    }
    rmSync(`/var/lib/libvirt/images/${DISK_VM}.qcow2`, { force: true });
}

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(removeGuests);

/** The rank of each check in the order the dialog lists them (results of one check share its rank). */
const ORDER: Record<string, number> = Object.fromEntries(
    [
        ["reachable"],
        ["same-host"],
        ["ports", "firewall"],
        ["cpu"],
        ["storage"],
        ["firmware", "nvram", "tpm"],
        ["devices"],
        ["numa"],
        ["machine"],
        ["networks", "network", "bridge"],
        ["host-versions"],
        ["capacity", "capacity-cpu"],
        ["dirtyrate"],
    ].flatMap((ids, rank) => ids.map((id) => [id, rank])),
);
const rank = (id: string) => ORDER[id.split(":")[0]!] ?? 99;

async function shown(region: Locator): Promise<{ id: string; severity: string }[]> {
    return region
        .locator("[data-check]")
        .evaluateAll((els) =>
            els.map((e) => ({ id: e.getAttribute("data-check")!, severity: e.getAttribute("data-severity")! })),
        );
}

test("a blocking check: named in the summary and beside the held Migrate button, listed first; passes collapsed; a VM without disks has no storage choice", async ({
    page,
}) => {
    const a = labHost("a");
    removeGuests();
    // a model no lab host runs (as preflight.spec.ts's hardware test), and no disk
    const xml = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "cpu.xml");
    writeFileSync(
        xml,
        `<domain type='qemu'><name>${CPU_VM}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os>
        <cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Server</model><feature policy='require' name='avx512f'/></cpu>
        <devices/></domain>`,
    );
    execFileSync("virsh", ["-c", a.uri, "define", "--file", xml]);
    rmSync(dirname(xml), { recursive: true, force: true });
    // libvirt's own view: no disk at all
    expect(virsh(a.uri, "domblklist", "--domain", CPU_VM).trim().split("\n").slice(2)).toEqual([]);

    const dialog = await openMigrateDialog(page, "localhost", CPU_VM, { passedCollapsed: true });
    // no disks: a plain line, not a choice
    await expect(dialog.locator('[data-storage="none"]')).toHaveText("This VM has no disks.");
    await expect(dialog.getByRole("radiogroup", { name: "Storage" })).toHaveCount(0);
    await expect(dialog.getByRole("radio", { name: /Shared|Copy all disks|Copy incrementally/ })).toHaveCount(0);
    await expect(dialog.getByRole("group", { name: "Storage" })).toBeVisible();

    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    const region = dialog.getByRole("region", { name: "Pre-flight checks" });
    const summary = region.locator("[data-preflight-summary]");
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await expect(summary).toHaveText(/^\d+ passed( · .+)? · 1 blocking: CPU compatibility$/);
    const passed = Number(/^(\d+) passed/.exec((await summary.textContent())!)![1]);
    expect(passed).toBeGreaterThan(5);

    // the blocking check first, then warnings, notes, passes; each group in the checks' fixed order
    const rows = await shown(region);
    expect(rows[0]).toEqual({ id: "cpu", severity: "error" });
    const severities = ["error", "warning", "info", "pass"];
    const sorted = [...rows].sort(
        (x, y) => severities.indexOf(x.severity) - severities.indexOf(y.severity) || rank(x.id) - rank(y.id),
    );
    expect(rows.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
    await expect(region.locator('[data-check="cpu"]')).toContainText("127.0.0.2 cannot run CPU model Skylake-Server");

    // the passed checks are there, collapsed behind one toggle that counts them
    const passRows = region.locator('[data-severity="pass"]');
    await expect(passRows).toHaveCount(passed);
    const toggle = region.getByRole("button", { name: `Show ${passed} passed checks` });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    for (const row of await passRows.all()) await expect(row).toBeHidden();
    await toggle.click();
    await expect(region.getByRole("button", { name: "Hide passed checks" })).toHaveAttribute("aria-expanded", "true");
    for (const row of await passRows.all()) await expect(row).toBeVisible();

    // the reason beside the held button, in the footer, on the same line, and as its description
    const migrate = dialog.getByRole("button", { name: "Migrate", exact: true });
    await expect(migrate).toBeDisabled();
    const footer = dialog.locator("footer");
    const held = footer.locator("[data-migrate-held]");
    await expect(held).toHaveText("Blocked: CPU compatibility");
    await expect(migrate).toHaveAccessibleDescription("Blocked: CPU compatibility");
    await expect(footer.getByRole("button", { name: "Migrate", exact: true })).toBeVisible();
    await expect(held).toBeInViewport();
    const [b, h] = [(await migrate.boundingBox())!, (await held.boundingBox())!];
    expect(h.y + h.height / 2).toBeGreaterThan(b.y);
    expect(h.y + h.height / 2).toBeLessThan(b.y + b.height);
    expect(h.x).toBeGreaterThan(b.x + b.width - 1);

    // the override passes it; the VM is still only on A, shut off (nothing was started)
    await dialog.getByLabel("Migrate despite failed checks").check();
    await expect(migrate).toBeEnabled();
    await expect(held).toHaveCount(0);
    expect(virsh(a.uri, "domstate", "--domain", CPU_VM).trim()).toBe("shut off");
    expect(tryVirsh(labHost("b").uri, "domstate", "--domain", CPU_VM).ok).toBe(false);
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
});

test("a running check says how far the checks have got, holds Migrate with a count, and can be skipped by name", async ({
    page,
}) => {
    removeGuests();
    labGuest("a", RUNNING_VM, "tiny");
    const dialog = await openMigrateDialog(page, "localhost", RUNNING_VM, { passedCollapsed: true });
    const region = dialog.getByRole("region", { name: "Pre-flight checks" });
    const summary = region.locator("[data-preflight-summary]");
    // let the default destination's run end (QEMU measures one dirty rate at a time), then measure for 60 s
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("60");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");

    // every other check answers well within the minute: the dirty rate is the one left
    const pending = region.locator("[data-pending]");
    await expect(pending).toHaveCount(1, { timeout: 45_000 });
    await expect(pending).toHaveAttribute("data-pending", "dirtyrate");
    await expect(summary).toHaveText("Checking… 12 of 13 answered");
    const migrate = dialog.getByRole("button", { name: "Migrate", exact: true });
    await expect(migrate).toBeDisabled();
    await expect(dialog.locator("footer [data-migrate-held]")).toHaveText("Waiting for 1 check");

    // one Cancel in the dialog: the footer's; the running check has a Skip named after it
    await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(1);
    await expect(dialog.getByRole("button", { name: /^Cancel check/ })).toHaveCount(0);
    const skip = pending.getByRole("button", { name: "Skip Dirty rate (measuring for 60 s)" });
    await expect(skip).toHaveText("Skip");
    const skippedAt = Date.now();
    await skip.click();

    // skipped: reported as not checked (a warning, never a pass), the checks end at once, Migrate is free
    await expect(region).toHaveAttribute("aria-busy", "false", { timeout: 10_000 });
    expect(Date.now() - skippedAt).toBeLessThan(30_000);
    await expect(region.locator('[data-check="dirtyrate"]')).toHaveAttribute("data-severity", "warning");
    await expect(region.locator('[data-check="dirtyrate"]')).toContainText("not checked");
    await expect(summary).toHaveText(/^\d+ passed( · .+)? · 1 not checked$/);
    await expect(pending).toHaveCount(0);
    await expect(migrate).toBeEnabled();
    expect(virsh(labHost("a").uri, "domstate", "--domain", RUNNING_VM).trim()).toBe("running");
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
});

test("a VM with a disk is offered the storage choice", async ({ page }) => {
    removeGuests();
    labGuest("a", DISK_VM, "disk", false);
    expect(virsh(labHost("a").uri, "domblklist", "--domain", DISK_VM)).toContain("vda");
    const dialog = await openMigrateDialog(page, "localhost", DISK_VM, { passedCollapsed: true });
    const storage = dialog.getByRole("radiogroup", { name: "Storage" });
    await expect(storage.getByRole("radio")).toHaveCount(3);
    await expect(storage.getByRole("radio", { name: "Shared" })).toBeChecked();
    await expect(dialog.locator('[data-storage="none"]')).toHaveCount(0);
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
});
