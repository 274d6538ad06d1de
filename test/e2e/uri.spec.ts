/**
 * A pasted destination URI is read the way libvirt reads it: `;` separates parameters too, and
 * names are percent-decoded. The page refuses what could run a program before any command runs,
 * and half-typed input is a message, not a blank page.
 */
import { test, expect } from "@playwright/test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labGuest } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog } from "./migrate-helpers";

const dir = mkdtempSync(join(tmpdir(), "cm-e2e-uri-"));
const marker = join(dir, "ran");
const prog = join(dir, "prog");
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a pasted URI with ;command= or a percent-encoded name is refused by name and nothing runs; '?%' is a message", async ({
    page,
}) => {
    writeFileSync(prog, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    labGuest("a", "lab-e2e-uri", "tiny");
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-uri");
    await dialog
        .getByRole("combobox", { name: "Destination", exact: true })
        .selectOption({ label: "Other host or URI…" });
    const input = dialog.getByRole("textbox", { name: "Destination host or URI" });
    const migrate = dialog.getByRole("button", { name: "Migrate", exact: true });
    for (const [uri, said] of [
        [
            `qemu+ssh://root@127.0.0.2/system?no_tty=1;command=${prog}`,
            'The URI parameter "command" is not allowed here',
        ],
        [
            `qemu+ssh://root@127.0.0.2/system?no_tty=1&comm%61nd=${prog}`,
            'The URI parameter "command" is not allowed here',
        ],
        ["qemu+ssh://root@127.0.0.2/system?no_tty=1;no_verify=1", 'The URI parameter "no_verify" is not allowed here'],
        ["qemu+ssh://root@127.0.0.2/system?%", 'The URI parameter "%" is not allowed here'],
    ]) {
        await input.fill(uri);
        await expect(dialog.getByText(said)).toBeVisible();
        await expect(migrate).toBeDisabled();
    }
    // the pre-flight would have run `virsh -c URI version` within a second of typing
    await page.waitForTimeout(2000);
    expect(existsSync(marker)).toBe(false);
    await expect(page.locator("[data-render-error]")).toHaveCount(0);
    await input.fill("qemu+ssh://root@127.0.0.2/system?no_tty=1");
    await expect(dialog.locator('[data-check="reachable"]')).toHaveAttribute("data-severity", "pass", {
        timeout: 60_000,
    });
    await expect(migrate).toBeEnabled({ timeout: 60_000 });
});
