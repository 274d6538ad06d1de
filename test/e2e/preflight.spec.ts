import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { check, openMigrateDialog } from "./migrate-helpers";
import { openPage, vmAction } from "./page";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

test("pre-flight: shared storage not visible on the destination is an error; copying the disks passes", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-pf-disk", "disk");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-disk");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(
        check(
            dialog,
            "error",
            /vda: \/var\/lib\/libvirt\/images\/lab-e2e-pf-disk\.qcow2 is not visible on 127\.0\.0\.2/,
        ),
    ).toBeVisible({ timeout: 60_000 });
    await expect(check(dialog, "pass", /127\.0\.0\.2 answers: libvirt 9\.0\.0/)).toBeVisible();
    await expect(check(dialog, "pass", /Different hosts \(.* → lab-b\)/)).toBeVisible();
    await expect(check(dialog, "pass", /Machine type pc-i440fx-[\d.]+ is available on 127\.0\.0\.2/)).toBeVisible();
    await expect(check(dialog, "pass", /Same release on both hosts: Debian GNU\/Linux 12/)).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    await expect(dialog.getByRole("button", { name: "Set up shared storage (NFS)" })).toBeVisible();
    await dialog.getByLabel("Copy all disks").check();
    await expect(check(dialog, "pass", /vda: .* will be copied/)).toBeVisible({ timeout: 60_000 });
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeEnabled();
});

test("pre-flight: an incompatible CPU model, a passthrough device and vCPU pinning are reported", async ({ page }) => {
    const a = labHost("a");
    tryVirsh(a.uri, "undefine", "--domain", "lab-e2e-pf-hw");
    const xml = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "hw.xml");
    writeFileSync(
        xml,
        `<domain type='qemu'><name>lab-e2e-pf-hw</name><memory unit='MiB'>64</memory>
        <vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/></cputune><os><type arch='x86_64' machine='pc'>hvm</type></os>
        <cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Server</model><feature policy='require' name='avx512f'/></cpu>
        <devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev></devices></domain>`,
    );
    execFileSync("virsh", ["-c", a.uri, "define", "--file", xml]);
    rmSync(dirname(xml), { recursive: true, force: true });
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-hw");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(check(dialog, "error", /127\.0\.0\.2 cannot run CPU model Skylake-Server/)).toBeVisible({
        timeout: 60_000,
    });
    await expect(check(dialog, "error", /Devices that cannot migrate: pci 0x0000:0x01:0x00\.0x0/)).toBeVisible();
    await expect(check(dialog, "warning", /The VM pins host CPUs 0: they exist on 127\.0\.0\.2/)).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    // the failed CPU check links to the CPU-baseline wizard, with the VM's host and the destination chosen
    await dialog.getByRole("button", { name: "Make the CPUs compatible (CPU baseline)" }).click();
    const wizard = page.getByRole("dialog", { name: "CPU baseline" });
    await expect(wizard).toBeVisible();
    await expect(wizard.getByRole("checkbox", { name: "This host", exact: true })).toBeChecked();
    await expect(wizard.getByRole("checkbox", { name: "127.0.0.2", exact: true })).toBeChecked();
    await expect(wizard.getByRole("checkbox", { name: "127.0.0.3", exact: true })).not.toBeChecked();
    // the Migrate dialog stepped aside (two open modals hide each other from screen readers) ...
    await expect(dialog).toBeHidden();
    await page.waitForTimeout(1_000);
    await expect(wizard.getByRole("checkbox", { name: "This host", exact: true })).toBeChecked();
    // ... and comes back with its choices when the wizard closes, checking again
    await wizard.getByRole("button", { name: "Close", exact: true }).first().click();
    await expect(wizard).toBeHidden();
    await expect(
        dialog.getByRole("combobox", { name: "Destination", exact: true }).locator("option:checked"),
    ).toHaveText("127.0.0.2");
    await expect(check(dialog, "error", /127\.0\.0\.2 cannot run CPU model Skylake-Server/)).toBeVisible({
        timeout: 60_000,
    });
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    tryVirsh(a.uri, "undefine", "--domain", "lab-e2e-pf-hw");
});

/**
 * What a lab dirty guest on A has printed on its console so far (test/lab/dirty-init.sh): MiB written by then,
 * and when, in seconds of the epoch. The guest prints its uptime in centiseconds and the epoch's whole seconds:
 * the uptime is anchored to the epoch by the latest boot instant the lines allow.
 */
function dirtySamples(name: string): { mib: number; at: number }[] {
    let log = "";
    try {
        log = readFileSync(`/var/lib/libvirt/qemu/${name}.console.log`, "utf8");
    } catch {
        return [];
    }
    const lines = [...log.matchAll(/^lab-dirty: (\d+) MiB at (\d+) cs, (\d+) s$/gm)].map((m) => ({
        mib: Number(m[1]),
        up: Number(m[2]) / 100,
        epoch: Number(m[3]),
    }));
    const boot = Math.max(...lines.map((l) => l.epoch - l.up));
    return lines.map((l) => ({ mib: l.mib, at: boot + l.up }));
}

/** MiB/s the guest dirtied from `start` (epoch seconds) for `seconds`, interpolated between its lines. */
function guestDirtied(name: string, start: number, seconds: number): number {
    const samples = dirtySamples(name);
    const at = (t: number) => {
        const k = samples.findIndex((x) => x.at >= t);
        if (k < 1) throw new Error(`${name}'s console does not cover ${t}: ${JSON.stringify(samples.slice(-12))}`);
        const [a, b] = [samples[k - 1]!, samples[k]!];
        return a.mib + ((b.mib - a.mib) * (t - a.at)) / (b.at - a.at);
    };
    return (at(start + seconds) - at(start)) / seconds;
}

test("pre-flight: the guest's dirty rate is measured close to what it was told to dirty, and the duration predicted", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-pf-dirty", "dirty", true, 16);
    // the Linux guest boots (about 15 s under TCG) and then dirties: measured once it has for 3 s
    await expect.poll(() => dirtySamples("lab-e2e-pf-dirty").length, { timeout: 90_000 }).toBeGreaterThan(3);
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-dirty");
    await expect(dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" })).toHaveValue("3");
    // 5 s: libvirt samples one page per 2 MiB of guest memory, so longer periods count more pages
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("5");
    // a destination, then another while the first one's measurement runs: the rate is the VM's, measured once
    // (before, the second run collided with QEMU's running measurement: "already being measured")
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.locator('[data-pending="dirtyrate"]')).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(1_000);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    const rate = check(
        dialog,
        "pass",
        /^Dirty rate \d+ MiB\/s \(measured over 5 s\): about \d+ s for 256 MiB at 1 Gbit\/s \(about 112 MiB\/s\), \d+ pass/,
    );
    await expect(rate).toBeVisible({ timeout: 60_000 });
    // told to dirty 16 MiB/s, the guest says on its console what it did dirty, and when (a TCG guest on a busy
    // host falls behind, and catches up later); page sampling over 5 s counts ~40 changed sample pages at
    // 16 MiB/s (±16 %): ±50 % of what it dirtied during libvirt's own measurement window
    const mibs = Number(/Dirty rate (\d+) MiB/.exec(await rate.innerText())![1]);
    // the measurement shown is libvirt's last one (domstats keeps it): what the guest did in that very window
    const stats = execFileSync("virsh", ["-c", labHost("a").uri, "domstats", "--dirtyrate", "lab-e2e-pf-dirty"], {
        encoding: "utf8",
    });
    // calc_start_time is in seconds of the host's monotonic clock (QEMU's), not of the epoch
    const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    const start = Number(/dirtyrate\.calc_start_time=(\d+)/.exec(stats)![1]) + Date.now() / 1000 - uptime;
    expect(Number(/dirtyrate\.calc_period=(\d+)/.exec(stats)![1])).toBe(5);
    await expect
        .poll(() => dirtySamples("lab-e2e-pf-dirty").at(-1)?.at ?? 0, { timeout: 30_000 })
        .toBeGreaterThan(start + 6);
    const dirtied = guestDirtied("lab-e2e-pf-dirty", start, 5);
    console.log(`dirty rate: measured ${mibs} MiB/s, the guest dirtied ${dirtied.toFixed(1)} MiB/s`);
    expect(dirtied, "the guest could not dirty its memory: the machine is too busy for this test").toBeGreaterThan(2);
    expect(mibs).toBeGreaterThanOrEqual(Math.floor(dirtied * 0.5));
    expect(mibs).toBeLessThanOrEqual(Math.ceil(dirtied * 1.5));
    await expect(
        check(dialog, "pass", /127\.0\.0\.3: [\d.]+ of [\d.]+ GiB guest memory committed with this VM/),
    ).toBeVisible();
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    // a limit well below the measured rate
    const limit = String(Math.max(1, Math.floor(mibs / 3)));
    await dialog.getByLabel("Bandwidth limit (MiB/s)").fill(limit);
    const stuck = check(
        dialog,
        "warning",
        new RegExp(`faster than it can be copied at the ${limit} MiB/s limit; pre-copy will not converge`),
    );
    await expect(stuck).toBeVisible({ timeout: 60_000 });
    await expect(stuck).toContainText(/allow post-copy.*enable auto-converge.*raise the bandwidth limit above/);
    // allowing post-copy turns it into information: the switch finishes the migration
    await dialog.getByLabel("Allow post-copy").check();
    await expect(check(dialog, "info", /pre-copy will not converge\. Post-copy is allowed/)).toBeVisible({
        timeout: 60_000,
    });
});

test("check migration readiness of one VM against several hosts at once", async ({ page }) => {
    labGuest("a", "lab-e2e-pf-ready", "tiny");
    await openPage(page);
    await vmAction(page, "lab-e2e-pf-ready", "Check migration readiness");
    const dialog = page.getByRole("dialog", { name: "Migration readiness of lab-e2e-pf-ready" });
    for (const h of ["127.0.0.2", "127.0.0.3"]) await expect(dialog.getByLabel(h)).toBeChecked();
    // 127.0.0.1 is this very machine (same host UUID and name): not a destination, so not offered
    await expect(dialog.getByLabel("127.0.0.1")).toHaveCount(0);
    await dialog.getByRole("button", { name: "Check", exact: true }).click();
    const row = (h: string) => dialog.locator(`[data-readiness="${h}"]`);
    for (const h of ["127.0.0.2", "127.0.0.3"]) {
        await expect(row(h)).toHaveAttribute("data-severity", /^(pass|info|warning)$/, { timeout: 60_000 });
        await expect(row(h)).toContainText(/Ready|Warnings/);
    }
});
