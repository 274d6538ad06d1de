/**
 * A Cockpit session without administrative access: a cockpit-ws of our own running as an
 * unprivileged user (its bridge cannot become root). The page is read-only, says why, and does
 * not run commands that would fail.
 */
import { test, expect } from "@playwright/test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, rmSync } from "node:fs";
import { trackDescendants } from "../../scripts/proctree.mjs";
import { toolItem } from "./page";

const USER = "cockpit-migrate-test";
const PORT = 9095;
let ws: ChildProcess | null = null;
/** What that cockpit-ws starts (bridges, their dbus-daemon and ssh-agent): ended with it. */
let tree: ReturnType<typeof trackDescendants> | null = null;

test.beforeAll(async () => {
    if (spawnSync("id", ["-u", USER]).status !== 0)
        expect(
            spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]).status,
        ).toBe(0);
    const uid = Number(spawnSync("id", ["-u", USER], { encoding: "utf8" }).stdout.trim());
    const home = `/tmp/${USER}-home`;
    mkdirSync(home, { recursive: true });
    chownSync(home, uid, uid);
    // the package, where that user can read it whatever the checkout's permissions
    const data = `/tmp/${USER}-data`;
    rmSync(data, { recursive: true, force: true });
    cpSync("dist", `${data}/cockpit/cockpit-migrate`, { recursive: true });
    chmodSync(data, 0o755);
    ws = spawn(
        "runuser",
        [
            "-u",
            USER,
            "--",
            "env",
            `HOME=${home}`,
            `XDG_DATA_DIRS=${data}:/usr/local/share:/usr/share`,
            "/usr/lib/cockpit/cockpit-ws",
            "--no-tls",
            "--local-session=cockpit-bridge",
            "--port",
            String(PORT),
            "--address",
            "127.0.0.1",
        ],
        { stdio: "ignore" },
    );
    tree = trackDescendants(ws.pid!);
    for (let i = 0; i < 50; i++) {
        const ok = await fetch(`http://127.0.0.1:${PORT}/cockpit/@localhost/manifests.json`).then(
            (r) => r.ok,
            () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the unprivileged cockpit-ws did not start");
});
test.afterAll(() => {
    tree?.look();
    ws?.kill("SIGTERM");
    tree?.end();
});

test("without administrative access: read-only, says why, nothing that would fail is run or offered", async ({
    page,
}) => {
    await page.goto(`http://127.0.0.1:${PORT}/cockpit/@localhost/cockpit-migrate/index.html`);
    await expect(page.getByText("Administrative access required").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('[data-state="admin-required"]')).toBeVisible();
    await expect(page.locator('[data-state="admin-required"]')).toContainText("Turn it on in the top bar");
    // the system connection was not queried: no connection error, no VM list, no Migrate buttons
    await expect(page.locator("[data-problem]")).toHaveCount(0);
    await expect(page.getByRole("grid")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Migrate / })).toHaveCount(0);
    for (const name of ["Known hosts", "Shared storage (NFS)", "Overcommit policy"] as const)
        await expect(await toolItem(page, name)).toBeDisabled();
    // a known host is not contacted either (SSH as this user would fail)
    await page.getByRole("combobox", { name: "Host" }).selectOption({ label: "127.0.0.2" });
    await expect(page.locator('[data-state="admin-required"]')).toContainText("127.0.0.2");
    await expect(page.locator("[data-problem]")).toHaveCount(0);
});
