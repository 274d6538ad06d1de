/**
 * The way real admins use Cockpit: a password login through cockpit-ws's own login (PAM, through
 * cockpit-session: not --local-session) as a non-root user in the sudo group, who then turns on
 * administrative access in the top bar. Everything the page runs then runs as root through sudo,
 * including ssh to the other hosts (root's keys and known_hosts, as the migration itself uses):
 * the VM list, a migration, the pre-flight and an evacuation plan.
 */
import { test, expect, type Page } from "@playwright/test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, cpSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { domState, labGuest, labHost } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openTool } from "./page";
import { openPassedChecks } from "./migrate-helpers";
import { trackDescendants } from "../../scripts/proctree.mjs";

const USER = "cm-e2e-admin";
const PASSWORD = `Pw-${randomBytes(9).toString("base64url")}`;
const PORT = 9094;
let ws: ChildProcess | null = null;
/** What that cockpit-ws starts (bridges, their dbus-daemon and ssh-agent): ended with it. */
let tree: ReturnType<typeof trackDescendants> | null = null;

const sh = (argv: string[], input?: string) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", ...(input !== undefined ? { input } : {}) });
    if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    return r.stdout;
};

function removeUser() {
    spawnSync("pkill", ["-TERM", "-u", USER]);
    spawnSync("userdel", ["-r", USER], { stdio: "ignore" });
}

test.beforeAll(async () => {
    removeUser();
    sh(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", "sudo", USER]);
    sh(["chpasswd"], `${USER}:${PASSWORD}\n`);
    const uid = Number(sh(["id", "-u", USER]).trim()),
        gid = Number(sh(["id", "-g", USER]).trim());
    // a PAM session's bridge finds packages in the user's own data directory (cockpit-session clears the environment)
    const pkg = `/home/${USER}/.local/share/cockpit/cockpit-migrate`;
    mkdirSync(pkg, { recursive: true });
    cpSync("dist", pkg, { recursive: true });
    for (const p of [`/home/${USER}/.local`, `/home/${USER}/.local/share`, `/home/${USER}/.local/share/cockpit`])
        chownSync(p, uid, gid);
    sh(["chown", "-R", `${uid}:${gid}`, pkg]);
    ws = spawn("/usr/lib/cockpit/cockpit-ws", ["--no-tls", "--port", String(PORT), "--address", "127.0.0.1"], {
        stdio: "ignore",
    });
    tree = trackDescendants(ws.pid!);
    for (let i = 0; i < 50; i++) {
        if (
            await fetch(`http://127.0.0.1:${PORT}/`).then(
                (r) => r.status > 0,
                () => false,
            )
        )
            return;
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("cockpit-ws did not start");
});
test.afterAll(() => {
    tree?.look();
    ws?.kill("SIGTERM");
    tree?.end();
    removeUser();
});
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

/** Logs in through the login page and turns on administrative access the way the shell offers it. */
async function loginAsAdmin(page: Page) {
    await page.goto(`http://127.0.0.1:${PORT}/cockpit-migrate`);
    await page.locator("#login-user-input").fill(USER);
    await page.locator("#login-password-input").fill(PASSWORD);
    await page.locator("#login-button").click();
    const frame = page.frameLocator('iframe[name="cockpit1:localhost/cockpit-migrate"]');
    await expect(frame.locator('[data-state="admin-required"]')).toBeVisible({ timeout: 30_000 });
    await page.getByRole("button", { name: "Limited access" }).click();
    const dialog = page.getByRole("dialog", { name: /administrative access/i });
    await dialog.getByLabel(/password/i).fill(PASSWORD);
    await dialog.getByRole("button", { name: "Authenticate" }).click();
    await expect(page.getByText("Administrative access", { exact: true })).toBeVisible({ timeout: 30_000 });
    return frame;
}

test("sudo admin: login, administrative access, the list, the pre-flight over SSH and a migration A→B", async ({
    page,
}) => {
    labGuest("a", "lab-e2e-sudo", "tiny");
    const frame = await loginAsAdmin(page);
    await openPassedChecks(page, frame);
    const row = frame.locator('tr[data-domain="lab-e2e-sudo"]');
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row.getByRole("button", { name: "Migrate lab-e2e-sudo", exact: true }).click();
    const dialog = frame.getByRole("dialog", { name: "Migrate lab-e2e-sudo", exact: true });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    // commands over SSH ran as root: the destination's sysctls were read, its firewall too
    await dialog.locator('[data-check="capacity"]').click();
    await expect(dialog.locator('[data-check="capacity"]')).toContainText("vm.overcommit_memory=");
    await expect(dialog.locator('[data-check="ports"]')).toHaveAttribute("data-severity", "pass");
    await expect(dialog.locator('[data-check="reachable"]')).toHaveAttribute("data-severity", "pass");
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(frame.locator("[data-migration-result]").filter({ hasText: "lab-e2e-sudo" })).toHaveAttribute(
        "data-outcome",
        "completed",
        { timeout: 90_000 },
    );
    expect(domState(labHost("b").uri, "lab-e2e-sudo")).toBe("running");
    expect(domState(labHost("a").uri, "lab-e2e-sudo")).toBeNull();
});

test("sudo admin: an evacuation plan of B is checked over SSH and plans every move", async ({ page }) => {
    labGuest("b", "lab-e2e-sudo-evac", "tiny");
    const frame = await loginAsAdmin(page);
    await frame.getByRole("combobox", { name: "Host" }).selectOption({ label: "127.0.0.2" });
    await expect(frame.locator('tr[data-domain="lab-e2e-sudo-evac"]')).toBeVisible({ timeout: 30_000 });
    await openTool(frame, "Evacuate host");
    const dialog = frame.getByRole("dialog", { name: /Evacuate/ });
    for (const vm of ["lab-e2e-sudo-evac", "lab-b-tiny"])
        await expect(dialog.locator(`[data-move="${vm}"]`)).toHaveAttribute("data-state", "planned", {
            timeout: 120_000,
        });
    await expect(dialog.locator("[data-unmovable]")).toHaveCount(0);
});
