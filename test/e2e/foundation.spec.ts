import { test, expect } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { domState, HOSTS_CONFIG, lab, LAB_STATE, labHost } from "./lab";
import { domainRow, hostAction, openPage, openTool, shellFrame } from "./page";
import { writeLabHostsConfig } from "./global-setup";

const STATE_TEXT: Record<string, string> = { running: "Running", "shut off": "Shut off", paused: "Paused" };

test.beforeEach(() => writeLabHostsConfig());

test("the package is in Cockpit's navigation and opens in the shell", async ({ page }) => {
    await page.goto("/");
    const nav = page.getByRole("link", { name: "Virtual machine migration" });
    await expect(nav).toBeVisible();
    await nav.click();
    await expect(page).toHaveURL(/\/cockpit-migrate/);
    await expect(shellFrame(page).getByRole("heading", { name: "Virtual machine migration" })).toBeVisible();
    await expect(shellFrame(page).getByRole("grid", { name: /Virtual machines on/ })).toBeVisible();
});

test("this host's VM list shows the lab guests of host A with their libvirt states", async ({ page }) => {
    const a = labHost("a");
    await openPage(page);
    for (const name of ["lab-tiny", "lab-disk"]) {
        const state = domState(a.uri, name);
        expect(state, `${name} exists on A`).not.toBeNull();
        const row = domainRow(page, name);
        await expect(row).toBeVisible();
        await expect(row.getByRole("gridcell").nth(1)).toHaveText(STATE_TEXT[state!] ?? state!);
        await expect(row).toContainText("Persistent");
    }
    await expect(page.getByLabel("Host UUID")).toHaveText(/^[0-9a-f-]{36}$/);
    await expect(page.getByLabel("Hypervisor")).toContainText("QEMU");
});

test("the VM list of host B, chosen in the host selector, shows B's guests and identity", async ({ page }) => {
    const b = labHost("b");
    await openPage(page);
    await page.getByRole("combobox", { name: "Host" }).selectOption(b.address);
    await expect(page).toHaveURL(new RegExp(`#/host/${b.address.replace(/\./g, "\\.")}`));
    await expect(domainRow(page, "lab-b-tiny").getByRole("gridcell").nth(1)).toHaveText("Running");
    await expect(domainRow(page, "lab-b-off").getByRole("gridcell").nth(1)).toHaveText("Shut off");
    await expect(domainRow(page, "lab-tiny")).toHaveCount(0);
    await expect(page.getByLabel("Host name")).toHaveText("lab-b");
    if (b.hostUuid) await expect(page.getByLabel("Host UUID")).toHaveText(b.hostUuid);
});

test("commands to a host share one long-lived SSH connection (OpenSSH multiplexing): the list still loads while B's sshd takes no new connections", async ({
    page,
}) => {
    const b = labHost("b");
    const check = () =>
        spawnSync(
            "ssh",
            ["-o", "ControlPath=/run/cockpit-migrate/ssh/%C", "-O", "check", "-l", "root", "--", b.address],
            { encoding: "utf8" },
        );
    const masterPid = () => /pid=(\d+)/.exec(check().stderr)?.[1];
    lab("close-ssh-master", b.address);
    expect(check().status).not.toBe(0);
    await openPage(page, `/host/${b.address}`);
    await expect(domainRow(page, "lab-b-tiny")).toBeVisible();
    await expect.poll(() => check().status).toBe(0);
    const master = masterPid();
    expect(master).toBeTruthy();
    lab("stop-sshd", "b");
    try {
        expect(
            spawnSync("ssh", ["-o", "BatchMode=yes", "-o", "ControlPath=none", "-l", "root", "--", b.address, "true"])
                .status,
        ).toBe(255);
        // leave B and come back: its three list commands and its identity run again, over the open connection
        const host = page.getByRole("combobox", { name: "Host" });
        await host.selectOption("localhost");
        await expect(domainRow(page, "lab-b-tiny")).toHaveCount(0);
        await host.selectOption(b.address);
        await expect(domainRow(page, "lab-b-tiny").getByRole("gridcell").nth(1)).toHaveText("Running");
        await expect(page.getByLabel("Host name")).toHaveText("lab-b");
        await expect(page.getByText(/Cannot connect|could not connect/i)).toHaveCount(0);
        expect(masterPid()).toBe(master);
    } finally {
        lab("start-sshd", "b");
    }
});

test("a deep link selects the host and the VM", async ({ page }) => {
    const b = labHost("b");
    await openPage(page, `/host/${b.address}/vm/lab-b-tiny`);
    await expect(domainRow(page, "lab-b-tiny")).toHaveClass(/pf-m-selected/);
    await domainRow(page, "lab-b-off").getByRole("button", { name: "lab-b-off", exact: true }).click();
    await expect(page).toHaveURL(/#\/host\/127\.0\.0\.2\/vm\/lab-b-off$/);
});

test("adding, editing and removing a known host", async ({ page }) => {
    await openPage(page);
    await openTool(page, "Known hosts");
    const dialog = page.getByRole("dialog", { name: "Known hosts" });
    await dialog.getByRole("button", { name: "Add host" }).click();
    const add = page.getByRole("dialog", { name: "Add host" });
    await add.getByRole("textbox", { name: "Address", exact: true }).fill("-oProxyCommand=x");
    await expect(add.getByText("Not a valid host name")).toBeVisible();
    await add.getByRole("textbox", { name: "Address", exact: true }).fill("127.0.0.9");
    await add.getByLabel("Transport").selectOption("tcp");
    await expect(add.getByRole("textbox", { name: "Connection URI" })).toHaveValue("qemu+tcp://127.0.0.9/system");
    await add.getByRole("button", { name: "Add host" }).click();
    await expect(add).toBeHidden();
    await expect(dialog.getByRole("gridcell", { name: "qemu+tcp://127.0.0.9/system" })).toBeVisible();
    let saved = JSON.parse(readFileSync(HOSTS_CONFIG, "utf8"));
    expect(saved.hosts.map((h: { address: string }) => h.address)).toContain("127.0.0.9");
    expect(saved.hosts.map((h: { address: string }) => h.address)).toContain("127.0.0.2");

    await hostAction(dialog, "127.0.0.9", "Edit");
    const edit = page.getByRole("dialog", { name: "Edit host 127.0.0.9" });
    await edit.getByLabel("libvirt port").fill("16600");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(dialog.getByRole("gridcell", { name: "qemu+tcp://127.0.0.9:16600/system" })).toBeVisible();

    await hostAction(dialog, "127.0.0.9", "Remove");
    const confirm = page.getByRole("dialog", { name: "Remove 127.0.0.9?" });
    await confirm.getByRole("button", { name: "Remove" }).click();
    await expect(confirm).toBeHidden();
    await expect(dialog.getByRole("gridcell", { name: "127.0.0.2", exact: true })).toBeVisible();
    await expect(dialog.getByRole("gridcell", { name: /127\.0\.0\.9/ })).toHaveCount(0);
    saved = JSON.parse(readFileSync(HOSTS_CONFIG, "utf8"));
    expect(saved.hosts.map((h: { address: string }) => h.address)).not.toContain("127.0.0.9");
    expect(saved.hosts.map((h: { address: string }) => h.address)).toContain("127.0.0.3");
});

test("a host whose port is closed shows the designed error with the fix", async ({ page }) => {
    writeLabHostsConfig([{ address: "127.0.0.9", sshUser: "root", transport: "tcp" }]);
    await openPage(page, "/host/127.0.0.9");
    const alert = page.getByText("127.0.0.9 refused the connection");
    await expect(alert).toBeVisible();
    await expect(page.getByText(/16509/).first()).toBeVisible();
});

test("a host whose libvirtd is stopped shows 'libvirtd is not running' with the fix, and recovers", async ({
    page,
}) => {
    lab("stop-libvirtd", "c");
    try {
        await openPage(page, "/host/127.0.0.3");
        await expect(page.getByText("libvirtd is not running on 127.0.0.3")).toBeVisible();
        await expect(page.getByText(/systemctl start libvirtd/)).toBeVisible();
    } finally {
        lab("start-libvirtd", "c");
    }
    // the list refreshes by itself every 5 s; "Try again" does it at once (if the refresh has not already)
    const retry = page.getByRole("button", { name: "Try again" });
    if (await retry.isVisible()) await retry.click().catch(() => undefined);
    await expect(page.getByText("libvirtd is not running on 127.0.0.3")).toHaveCount(0);
    await expect(
        page.getByText("There are no virtual machines on 127.0.0.3 for this connection.").or(page.getByRole("grid")),
    ).toBeVisible();
});

test("an unknown SSH host key is shown with its fingerprint and trusted only on request", async ({ page }) => {
    const fp = execFileSync("ssh-keygen", ["-l", "-f", `${LAB_STATE}/hostkeys/c/ssh_host_ed25519_key.pub`], {
        encoding: "utf8",
    }).split(/\s+/)[1]!;
    lab("forget-hostkey", "c");
    spawnSync("ssh-keygen", ["-R", "127.0.0.3", "-f", "/root/.ssh/known_hosts"]);
    try {
        await openPage(page, "/host/127.0.0.3");
        await expect(page.getByText("The SSH host key of 127.0.0.3 is not trusted yet")).toBeVisible();
        await page.getByRole("button", { name: "Show host key fingerprints" }).click();
        await expect(page.getByRole("list", { name: "Host key fingerprints" })).toContainText(fp);
        expect(
            existsSync("/root/.ssh/known_hosts") ? readFileSync("/root/.ssh/known_hosts", "utf8") : "",
        ).not.toContain("127.0.0.3");
        await page.getByRole("button", { name: "Trust these keys and connect" }).click();
        await expect(page.getByText("The SSH host key of 127.0.0.3 is not trusted yet")).toHaveCount(0);
        await expect(page.getByLabel("Host name")).toHaveText("lab-c");
        expect(readFileSync("/root/.ssh/known_hosts", "utf8")).toContain("127.0.0.3");
    } finally {
        spawnSync("ssh-keygen", ["-R", "127.0.0.3", "-f", "/root/.ssh/known_hosts"]);
        lab("restore-hostkey");
    }
});
