import { test, expect } from "@playwright/test";
import { domState, lab, labGuest, labHost } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openMigrateDialog, result } from "./migrate-helpers";

test.beforeAll(() => labGuest("a", "lab-e2e-fail", "tiny"));
test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

test("a URI that could run a program is refused before anything runs", async ({ page }) => {
    const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-fail");
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("__other__");
    await dialog.getByLabel("Destination host or URI").fill("qemu+ssh://root@127.0.0.2/system?command=/bin/sh");
    await expect(dialog.getByText('The URI parameter "command" is not allowed here')).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    await dialog.getByLabel("Destination host or URI").fill("-oProxyCommand=sh");
    await expect(dialog.getByText(/Not a valid host name/)).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
});

const failures: {
    name: string;
    destination: string;
    title: RegExp;
    check: RegExp;
    before?: () => void;
    after?: () => void;
}[] = [
    {
        name: "closed port",
        destination: "qemu+tcp://127.0.0.9/system",
        title: /refused the connection/,
        check: /127\.0\.0\.9 refused the connection/,
    },
    {
        name: "no SSH authentication",
        destination: "qemu+ssh://ghost@127.0.0.2/system",
        title: /SSH login to the destination was refused/,
        check: /SSH login to 127\.0\.0\.2 was refused/,
    },
    // this very machine is not offered as a destination (same host UUID); typed as a URI, the pre-flight and libvirt
    // refuse it
    {
        name: "same host UUID",
        destination: "qemu+ssh://root@127.0.0.1/system?no_tty=1",
        title: /same host UUID/,
        check: /same host UUID/,
    },
    {
        name: "destination libvirtd stopped",
        destination: "127.0.0.3",
        title: /libvirtd is not running on the destination/,
        check: /libvirtd is not running on 127\.0\.0\.3/,
        before: () => lab("stop-libvirtd", "c"),
        after: () => lab("start-libvirtd", "c"),
    },
];

for (const f of failures) {
    test(`failure: ${f.name} — explained, and the VM still runs on the source only`, async ({ page }) => {
        const a = labHost("a");
        if (domState(a.uri, "lab-e2e-fail") !== "running") labGuest("a", "lab-e2e-fail", "tiny");
        f.before?.();
        try {
            const dialog = await openMigrateDialog(page, "localhost", "lab-e2e-fail");
            const select = dialog.getByRole("combobox", { name: "Destination", exact: true });
            if (f.destination.includes("://")) {
                await select.selectOption("__other__");
                await dialog.getByLabel("Destination host or URI").fill(f.destination);
            } else {
                await select.selectOption(f.destination);
            }
            // pre-flight finds it first and holds the Migrate button back…
            const failed = dialog.locator('[data-severity="error"]').filter({ hasText: f.check });
            await expect(failed).toBeVisible({ timeout: 60_000 });
            await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
            // …and when the admin insists, libvirt's own failure is explained the same way
            await dialog.getByLabel("Migrate despite failed checks").check();
            await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
            const done = result(page, "lab-e2e-fail");
            await expect(done).toHaveAttribute("data-outcome", "failed", { timeout: 60_000 });
            await expect(done).toContainText(f.title);
            await expect(done).toContainText("Checked on both hosts: Running on");
        } finally {
            f.after?.();
        }
        expect(domState(a.uri, "lab-e2e-fail")).toBe("running");
        for (const h of ["b", "c"] as const) expect(domState(labHost(h).uri, "lab-e2e-fail")).toBeNull();
    });
}
