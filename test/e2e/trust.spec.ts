/**
 * Trust onboarding on the lab (issue 20, items 1 and 2):
 * - a host whose root has no authorized key, only a password (`lab.sh password-only c`): Set up access from the
 *   Known hosts dialog, then its VM list shows and a VM migrates to it from the page;
 * - two hosts whose roots have keys of their own and trust nobody (`lab.sh own-keys b|c`): the matrix shows that
 *   B cannot reach C, Fix (C's host key as B sees it, then B's key on C) makes `virsh migrate --p2p --tunnelled`
 *   from B to C work, which failed before.
 */
import { test, expect, type Page } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { domUuid, LAB_STATE, lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { result } from "./migrate-helpers";
import { domainRow, openPage, openTool } from "./page";

const PASSWORD = `pa'ss "wörd" $(touch /tmp/h20a-canary) ü`;
const ACCESS = (h: string) => `${LAB_STATE}/hosts/${h}/access`;
const VM = "lab-e2e-h20a-access";
const P2P = "lab-e2e-h20a-p2p";

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

function removeGuest(name: string) {
    for (const h of ["a", "b", "c"] as const) {
        tryVirsh(labHost(h).uri, "destroy", "--domain", name);
        tryVirsh(labHost(h).uri, "undefine", "--domain", name);
    }
}

async function knownHosts(page: Page) {
    await openPage(page);
    await openTool(page, "Known hosts");
    return page.getByRole("dialog", { name: "Known hosts" });
}

test("Set up access: a host that takes only root's password gets this host's key; then its VMs list and one migrates to it", async ({
    page,
}) => {
    labGuest("a", VM, "tiny");
    lab("password-only", "c", PASSWORD);
    lab("forget-hostkey", "c"); // a fresh host: its host key is not known either
    spawnSync("ssh-keygen", ["-R", "127.0.0.3", "-f", "/root/.ssh/known_hosts"]);
    try {
        const dialog = await knownHosts(page);
        const row = dialog.locator('tr[data-host="127.0.0.3"]');
        // first the host key, in the list itself (fingerprints shown, trusted on request), then access
        await expect(row.locator('[data-problem="host-key-unknown"]')).toBeVisible({ timeout: 30_000 });
        await row.getByRole("button", { name: "Show host key fingerprints" }).click();
        await row.getByRole("button", { name: "Trust these keys and connect" }).click();
        await expect(row.locator('[data-problem="ssh-auth"]')).toBeVisible({ timeout: 30_000 });
        await row.getByRole("button", { name: "Set up access" }).click();
        const setup = page.getByRole("dialog", { name: "Set up access to 127.0.0.3" });
        const password = setup.getByLabel("Password of root");

        await password.fill("wrong");
        await setup.getByRole("button", { name: "Set up access" }).click();
        await expect(setup.locator('[data-problem="wrong-password"]')).toBeVisible({ timeout: 30_000 });
        await expect(password).toHaveValue(""); // not kept

        await password.fill(PASSWORD);
        await setup.getByRole("button", { name: "Set up access" }).click();
        await expect(setup.getByText("127.0.0.3 accepts this host's key")).toBeVisible({ timeout: 30_000 });
        const commands = setup.getByLabel("Commands run");
        await expect(commands).toContainText("SSH_ASKPASS_REQUIRE=force");
        await expect(commands).not.toContainText("wörd");

        // this host's ssh offers the lab key (ssh -G): that key, once, in C's own authorized_keys, 0600
        const authorized = `${ACCESS("c")}/root-ssh/authorized_keys`;
        const labKey = readFileSync(`${LAB_STATE}/id_ed25519.pub`, "utf8").trim();
        expect(readFileSync(authorized, "utf8")).toBe(labKey + "\n");
        expect(statSync(authorized).mode & 0o777).toBe(0o600);
        expect(existsSync("/tmp/h20a-canary")).toBe(false);

        await setup.getByRole("button", { name: "Done" }).click();
        await expect(dialog.locator('tr[data-host="127.0.0.3"]').getByText("SSH access OK")).toBeVisible({
            timeout: 30_000,
        });

        // its VMs list, then a VM migrates there from the page (a new page: the dialogs closed)
        await page.goto("about:blank");
        await openPage(page, "/host/127.0.0.3");
        await expect(page.getByLabel("Host name")).toHaveText("lab-c", { timeout: 30_000 });
        await page.goto("about:blank");
        await openPage(page);
        const vmRow = domainRow(page, VM);
        await expect(vmRow).toBeVisible({ timeout: 30_000 });
        await vmRow.getByRole("button", { name: `Migrate ${VM}`, exact: true }).click();
        const migrate = page.getByRole("dialog", { name: `Migrate ${VM}`, exact: true });
        await migrate.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
        await expect(migrate.getByRole("region", { name: "Pre-flight checks" })).toHaveAttribute("aria-busy", "false", {
            timeout: 60_000,
        });
        await migrate.getByRole("button", { name: "Migrate", exact: true }).click();
        await expect(result(page, VM)).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
        expect(tryVirsh(labHost("c").uri, "domstate", "--domain", VM).out.trim()).toBe("running");
        expect(tryVirsh(labHost("a").uri, "domstate", "--domain", VM).out.trim()).not.toBe("running");
    } finally {
        spawnSync("ssh-keygen", ["-R", "127.0.0.3", "-f", "/root/.ssh/known_hosts"]);
        lab("restore-hostkey");
        lab("restore-access", "c");
        removeGuest(VM);
    }
});

test("Trust between hosts: the matrix shows B cannot reach C; Fix makes virsh migrate --p2p --tunnelled B→C work", async ({
    page,
}) => {
    labGuest("b", P2P, "tiny");
    lab("own-keys", "b");
    lab("own-keys", "c");
    try {
        const uuid = domUuid(labHost("b").uri, P2P);
        const p2p = () =>
            tryVirsh(
                labHost("b").uri,
                "migrate",
                "--live",
                "--p2p",
                "--tunnelled",
                "--domain",
                uuid,
                "qemu+ssh://root@127.0.0.3/system",
            );
        const before = p2p();
        expect(before.ok, before.out).toBe(false);
        expect(before.err).toMatch(/Host key verification failed/);

        const dialog = await knownHosts(page);
        await dialog.getByRole("button", { name: "Trust between hosts" }).click();
        const trust = page.getByRole("dialog", { name: "Trust between hosts" });
        const cell = trust.locator('td[data-pair="127.0.0.2>127.0.0.3"]');
        await expect(cell).toHaveAttribute("data-reach", "host-key-unknown", { timeout: 60_000 });
        await expect(trust.locator('td[data-pair="This host>127.0.0.3"]')).toHaveAttribute("data-reach", "ok");
        await expect(trust.locator('td[data-pair="127.0.0.3>127.0.0.2"]')).toHaveAttribute(
            "data-reach",
            "host-key-unknown",
        );

        await trust.getByRole("button", { name: "Fix 127.0.0.2 to 127.0.0.3" }).click();
        await trust.getByRole("button", { name: "Show host key fingerprints" }).click();
        const fp = execFileSync("ssh-keygen", ["-l", "-f", `${LAB_STATE}/hostkeys/c/ssh_host_ed25519_key.pub`], {
            encoding: "utf8",
        }).split(/\s+/)[1]!;
        await expect(trust.getByText("As 127.0.0.2 sees 127.0.0.3.", { exact: false })).toBeVisible();
        await expect(trust.getByRole("list", { name: "Host key fingerprints" })).toContainText(fp);
        await trust.getByRole("button", { name: "Trust these keys and connect" }).click();
        await expect(cell).toHaveAttribute("data-reach", "ok", { timeout: 60_000 });
        await expect(trust.getByLabel("Commands run")).toContainText("ssh-keygen -q -t ed25519");

        // B has a key of its own now (created there), C holds it, B trusts C's host key
        const bKey = readFileSync(`${ACCESS("b")}/root-ssh/id_ed25519.pub`, "utf8").trim();
        expect(readFileSync(`${ACCESS("c")}/root-ssh/authorized_keys`, "utf8")).toContain(bKey);
        expect(readFileSync(`${ACCESS("b")}/root-ssh/known_hosts`, "utf8")).toMatch(/^127\.0\.0\.3 ssh-ed25519 /m);
        // the other direction stays as it was
        await expect(trust.locator('td[data-pair="127.0.0.3>127.0.0.2"]')).toHaveAttribute(
            "data-reach",
            "host-key-unknown",
        );

        const after = p2p();
        expect(after.ok, after.err).toBe(true);
        expect(tryVirsh(labHost("c").uri, "domstate", "--domain", uuid).out.trim()).toBe("running");
        expect(tryVirsh(labHost("b").uri, "domstate", "--domain", uuid).out.trim()).not.toBe("running");
    } finally {
        lab("restore-access", "b");
        lab("restore-access", "c");
        removeGuest(P2P);
    }
});
