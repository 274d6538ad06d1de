/**
 * VMs are addressed by UUID: virsh reads `--domain X` as an ID first, then a UUID, then a name.
 * On host A, a running VM is named after another running VM's ID, and another is named like that
 * VM's UUID; migrating either from the page moves exactly that VM, as libvirt on both hosts says.
 */
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { domUuid, labGuest, labHost, tryVirsh, virsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { result } from "./migrate-helpers";
import { domainRow, openPage } from "./page";

const DB = "lab-e2e-id-db";
const made: string[] = [];

/** A tiny running guest with a chosen name and UUID on A. */
function defineTiny(name: string, uuid: string) {
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "vm.xml");
    writeFileSync(
        file,
        `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><serial type='pty'/></devices></domain>`,
    );
    try {
        execFileSync("virsh", ["-c", labHost("a").uri, "define", "--file", file], { stdio: "pipe" });
        execFileSync("virsh", ["-c", labHost("a").uri, "start", "--domain", uuid], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
    made.push(uuid);
}

/**
 * Where the VM with this UUID is: "running" / "defined" per host letter, absent when not there.
 * From UUID lists, never `--domain UUID`: a VM named like that UUID would answer for it.
 */
function whereIs(uuid: string): Record<string, string> {
    const at: Record<string, string> = {};
    for (const h of ["a", "b", "c"] as const) {
        const list = (...f: string[]) =>
            virsh(labHost(h).uri, "list", "--all", "--uuid", ...f)
                .split("\n")
                .map((l) => l.trim());
        if (list("--state-running").includes(uuid)) at[h] = "running";
        else if (list().includes(uuid)) at[h] = "defined";
    }
    return at;
}

/** The name of the VM with this UUID, from `list --uuid --name` (never a lookup). */
const nameOn = (h: "a" | "b" | "c", uuid: string) =>
    virsh(labHost(h).uri, "list", "--all", "--uuid", "--name")
        .split("\n")
        .find((l) => l.startsWith(`${uuid} `))
        ?.slice(37);

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(() => {
    for (const uuid of made)
        for (const h of ["a", "b", "c"] as const) {
            tryVirsh(labHost(h).uri, "destroy", "--domain", uuid);
            tryVirsh(labHost(h).uri, "undefine", "--domain", uuid);
        }
});

async function migrateRow(page: import("@playwright/test").Page, name: string) {
    await openPage(page);
    const row = domainRow(page, name);
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row.getByRole("button", { name: `Migrate ${name}`, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Migrate ${name}`, exact: true });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await expect(dialog.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
        timeout: 60_000,
    });
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
}

/**
 * On A, the running VM DB and a running impostor whose name `nameFor` derives from DB (its ID, its
 * UUID). A name-based command would reach DB; migrating the impostor from the page moves exactly it.
 */
async function impostorMigratesItself(page: import("@playwright/test").Page, nameFor: (db: string) => string) {
    labGuest("a", DB, "tiny");
    const db = domUuid(labHost("a").uri, DB);
    made.push(db);
    const name = nameFor(db);
    const impostor = randomUUID();
    defineTiny(name, impostor);
    // what a name-based command would do: virsh takes the ID or the UUID first
    expect(virsh(labHost("a").uri, "domname", "--domain", name).trim()).toBe(DB);

    await migrateRow(page, name);
    expect(whereIs(impostor)).toEqual({ b: "running" });
    expect(nameOn("b", impostor)).toBe(name);
    expect(whereIs(db)).toEqual({ a: "running" });
}

test("a VM named after another running VM's ID migrates itself, not the VM with that ID", async ({ page }) => {
    await impostorMigratesItself(page, (db) => {
        const id = virsh(labHost("a").uri, "domid", "--domain", db).trim();
        expect(id).toMatch(/^\d+$/);
        return id;
    });
});

test("a VM named like another VM's UUID migrates itself, not that VM", async ({ page }) => {
    await impostorMigratesItself(page, (db) => db);
});
