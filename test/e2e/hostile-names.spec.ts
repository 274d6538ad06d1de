/**
 * Real guests with hostile names, listed, checked and migrated from the UI: each name reaches
 * virsh as one argument, nothing is run by a shell, and the VM ends up on exactly one host.
 */
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { domState, domUuid, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { result } from "./migrate-helpers";
import { domainRow, openPage } from "./page";

/**
 * libvirt refuses "/" in names, so the injected command touches a relative path: look where any process could have run
 * it.
 */
const CANARY = "cockpit-migrate-pwned";
const CANARY_DIRS = [
    "/",
    "/root",
    process.cwd(),
    "/tmp",
    "/run/cockpit-migrate/jobs",
    "/var/lib/cockpit-migrate",
    "/var/lib/libvirt",
    "/var/lib/libvirt/qemu",
];
const pwned = () => CANARY_DIRS.filter((d) => existsSync(join(d, CANARY)));
/** A representative subset of test/unit/hostile.ts that libvirt accepts as domain names. */
const NAMES = [
    `lab-e2e-h $(touch ${CANARY})`,
    `lab-e2e-h';touch ${CANARY};'`,
    "lab-e2e-h --domain x --help",
    'lab-e2e-h "double" `id` & | > <',
    "lab-e2e-h 日本語 \u202Eevil",
];

const xmlEscape = (s: string) =>
    s
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/'/g, "&apos;")
        .replace(/"/g, "&quot;");

function removeEverywhere(name: string) {
    for (const h of ["a", "b", "c"] as const) {
        tryVirsh(labHost(h).uri, "destroy", "--domain", name);
        tryVirsh(labHost(h).uri, "undefine", "--domain", name);
    }
}

function defineTiny(name: string) {
    removeEverywhere(name);
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "vm.xml");
    writeFileSync(
        file,
        `<domain type='qemu'><name>${xmlEscape(name)}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><serial type='pty'/></devices></domain>`,
    );
    try {
        execFileSync("virsh", ["-c", labHost("a").uri, "define", "--file", file], { stdio: "pipe" });
        execFileSync("virsh", ["-c", labHost("a").uri, "start", "--domain", name], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
}

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
    expect(pwned()).toEqual([]);
});
test.afterAll(() => {
    for (const n of NAMES) removeEverywhere(n);
});

for (const name of NAMES) {
    test(`hostile VM name ${JSON.stringify(name)}: listed, pre-flight checked and migrated A→B as data`, async ({
        page,
    }) => {
        defineTiny(name);
        await openPage(page);
        const row = domainRow(page, name);
        await expect(row).toBeVisible({ timeout: 30_000 });
        await row.getByRole("button", { name: `Migrate ${name}` }).click();
        const dialog = page.getByRole("dialog", { name: `Migrate ${name}` });
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        // the command addresses the VM by its UUID: the name never reaches virsh
        await expect(dialog.getByLabel("Equivalent command")).toContainText(
            `--domain ${domUuid(labHost("a").uri, name)} --desturi`,
        );
        await expect(dialog.locator('[data-check="devices"]')).toHaveAttribute("data-severity", "pass", {
            timeout: 60_000,
        });
        await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
            timeout: 60_000,
        });
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
        await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
        expect(domState(labHost("b").uri, name)).toBe("running");
        expect(domState(labHost("a").uri, name)).toBeNull();
        expect(pwned()).toEqual([]);
        removeEverywhere(name);
    });
}
