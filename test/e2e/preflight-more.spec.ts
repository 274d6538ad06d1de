import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, clearPolicy, POLICY, writeLabHostsConfig } from "./global-setup";
import { check, openMigrateDialog } from "./migrate-helpers";
import { openPage, openTool } from "./page";

const NET = "lab-e2e-only-a";

function defineXml(uri: string, subcommand: string, xml: string): void {
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "x.xml");
    writeFileSync(file, xml);
    try {
        execFileSync("virsh", ["-c", uri, subcommand, "--file", file], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
}

test.afterAll(() => {
    const a = labHost("a");
    tryVirsh(a.uri, "undefine", "--domain", "lab-e2e-pf-net");
    tryVirsh(a.uri, "net-destroy", "--network", NET);
    tryVirsh(a.uri, "net-undefine", "--network", NET);
    clearPolicy();
    lab("clean-tests");
});
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
    clearPolicy();
});

test("pre-flight: a network that exists only on the source is an error on the destination; ports and firewall are probed", async ({
    page,
}) => {
    const a = labHost("a");
    tryVirsh(a.uri, "undefine", "--domain", "lab-e2e-pf-net");
    tryVirsh(a.uri, "net-destroy", "--network", NET);
    tryVirsh(a.uri, "net-undefine", "--network", NET);
    defineXml(a.uri, "net-define", `<network><name>${NET}</name><bridge name='cmtest0' stp='off'/></network>`);
    defineXml(
        a.uri,
        "define",
        `<domain type='qemu'><name>lab-e2e-pf-net</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><interface type='network'><source network='${NET}'/><model type='virtio'/></interface></devices></domain>`,
    );
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-net");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(check(dialog, "error", new RegExp(`Network ${NET} does not exist on 127\\.0\\.0\\.2`))).toBeVisible({
        timeout: 60_000,
    });
    await expect(check(dialog, "pass", /Port 22 \(ssh\) on 127\.0\.0\.2 accepts connections/)).toBeVisible();
    await expect(check(dialog, "pass", /firewall|No firewall rules on 127\.0\.0\.2/)).toBeVisible();
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    // the same VM against C: the same network error, and a change of destination re-runs every check
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    await expect(check(dialog, "error", new RegExp(`Network ${NET} does not exist on 127\\.0\\.0\\.3`))).toBeVisible({
        timeout: 60_000,
    });
});

test("pre-flight: a strict overcommit policy set in the UI warns before the destination is committed beyond it", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-pf-cap", "bigram"); // 512 MiB: more than 1 % of any lab machine's memory
    await openPage(page);
    await openTool(page, "Overcommit policy");
    const policy = page.getByRole("dialog", { name: "Overcommit policy" });
    await policy.getByRole("spinbutton", { name: "Memory commit (%)" }).fill("0");
    await expect(policy.getByText("A whole number from 1 to 1000")).toBeVisible();
    await expect(policy.getByRole("button", { name: "Save" })).toBeDisabled();
    await policy.getByRole("spinbutton", { name: "Memory commit (%)" }).fill("1");
    await policy.getByRole("spinbutton", { name: "CPU commit (%)" }).fill("1");
    await policy.getByRole("button", { name: "Save" }).click();
    await expect(policy).toBeHidden();
    expect(JSON.parse(readFileSync(POLICY, "utf8"))).toMatchObject({ memoryCommitPercent: 1, cpuCommitPercent: 1 });

    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-cap");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    const mem = check(
        dialog,
        "warning",
        /127\.0\.0\.3: [\d.]+ of [\d.]+ GiB guest memory committed with this VM \(\d+%; policy 1%\)/,
    );
    await expect(mem).toBeVisible({ timeout: 60_000 });
    await expect(mem).toContainText("beyond the overcommit policy");
    await expect(
        check(dialog, "warning", /127\.0\.0\.3: \d+ vCPUs? on \d+ CPUs? with this VM \(\d+%; policy 1%\)/),
    ).toBeVisible();
    // warnings do not hold the Migrate button
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeEnabled();
});

test("pre-flight: a running check can be cancelled on its own; the others still report", async ({ page }) => {
    labGuest("a", "lab-e2e-pf-cancel", "dirty", true, 4);
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-pf-cancel");
    await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("60");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await dialog.getByRole("button", { name: "Skip Dirty rate (measuring for 60 s)" }).click();
    await expect(
        check(dialog, "warning", /Dirty rate \(measuring for 60 s\): not checked \(cancelled\)/),
    ).toBeVisible();
    await expect(check(dialog, "pass", /127\.0\.0\.2 answers/)).toBeVisible({ timeout: 60_000 });
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
});

test("pre-flight: a cloned installation (another host name, the same host UUID) is an error that holds the Migrate button", async ({
    page,
}) => {
    lab("clone-up");
    try {
        writeLabHostsConfig([{ address: "127.0.0.4", sshUser: "root", transport: "ssh" }]);
        labGuest("b", "lab-e2e-pf-clone", "tiny");
        const dialog = await openMigrateDialog(page, "127.0.0.2", "lab-e2e-pf-clone");
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.4");
        const same = check(dialog, "error", /Source and destination have the same host UUID \([0-9a-f-]{36}\)/);
        await expect(same).toBeVisible({ timeout: 60_000 });
        await expect(same).toContainText("host_uuid");
        await expect(check(dialog, "pass", /127\.0\.0\.4 answers: libvirt/)).toBeVisible();
        await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
            timeout: 60_000,
        });
        await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
        await dialog.getByLabel("Migrate despite failed checks").check();
        await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeEnabled();
    } finally {
        lab("clone-down");
    }
});
