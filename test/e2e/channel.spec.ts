/**
 * The channel that carries the memory: the combinations the dialog refuses with --tunnelled are the
 * ones the real libvirt refuses, and a --p2p --tunnelled migration chosen in the dialog runs as shown.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test, expect } from "@playwright/test";
import { domState, domUuid, lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, HISTORY, writeLabHostsConfig } from "./global-setup";
import { check, command, openMigrateDialog, result } from "./migrate-helpers";
import { channelErrors } from "../../src/migration/channel";
import { defaultOptions, migrateFlags, type MigrationOptions } from "../../src/migration/options";
import { displayCommand } from "../../src/virsh/argv";

test.afterAll(() => lab("clean-tests"));
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

test("libvirt refuses each tunnelled combination the dialog refuses, and the VM stays on the source", () => {
    const [b, c] = [labHost("b"), labHost("c")];
    const name = "lab-e2e-h20b-refuse";
    // a disk: a tunnelled --copy-storage-all of a VM without disks has nothing to copy, and libvirt 9.0 lets it pass
    labGuest("b", name, "disk");
    const id = domUuid(b.uri, name);
    const tunnel = { ...defaultOptions("running"), duration: "temporary", p2p: true, tunnelled: true } as const;
    const cases: Partial<MigrationOptions>[] = [
        { p2p: false },
        { parallelConnections: 2 },
        { postcopy: true },
        { storage: "copy-all" },
        { migrateUri: "tcp://127.0.0.3" },
        { listenAddress: "127.0.0.3" },
    ];
    for (const p of cases) {
        const o: MigrationOptions = { ...tunnel, ...p };
        expect(channelErrors(o).tunnelled, JSON.stringify(p)).toBeDefined();
        const r = tryVirsh(b.uri, "migrate", ...migrateFlags(o), "--domain", id, "--desturi", c.uri);
        expect(r.ok, `${JSON.stringify(p)}: ${r.err}`).toBe(false);
        expect(domState(b.uri, name)).toBe("running");
        expect(domState(c.uri, name)).toBeNull();
    }
    // offline (the VM shut off): "tunnelled offline migration does not make sense"
    tryVirsh(b.uri, "destroy", "--domain", id);
    const offline: MigrationOptions = { ...defaultOptions("shutoff"), p2p: true, tunnelled: true };
    expect(channelErrors(offline).tunnelled).toBeDefined();
    const r = tryVirsh(b.uri, "migrate", ...migrateFlags(offline), "--domain", id, "--desturi", c.uri);
    expect(r.err).toMatch(/tunnelled offline migration does not make sense/);
    expect(domState(c.uri, name)).toBeNull();
});

test("a --p2p --tunnelled migration B→C from the dialog: no migration ports, the source reaches C, runs as shown", async ({
    page,
}) => {
    const [b, c] = [labHost("b"), labHost("c")];
    const name = "lab-e2e-h20b-tunnel";
    labGuest("b", name, "tiny");
    const dialog = await openMigrateDialog(page, "127.0.0.2", name);
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.3");
    const channel = dialog.getByRole("radiogroup", { name: "Channel for memory and disks" });
    await expect(channel.getByLabel("Direct (TCP)")).toBeChecked();
    await expect(channel).toContainText("Plain TCP to ports 49152–49215, whatever the URI's transport: not encrypted");
    await channel.getByLabel("Tunnelled (--p2p --tunnelled)").check();
    await expect(channel).toContainText("In libvirtd's ssh connection, no migration ports: encrypted");
    await expect(channel.getByLabel("Peer-to-peer (--p2p)")).toBeChecked();
    // a refused combination says why and holds the button
    await dialog.getByRole("button", { name: "Advanced options" }).click();
    await dialog.getByLabel("Parallel connections").fill("2");
    await expect(channel).toContainText("A tunnel is one stream: no parallel connections");
    await expect(dialog.getByRole("button", { name: "Migrate", exact: true })).toBeDisabled();
    await dialog.getByLabel("Parallel connections").fill("");
    const shown = `virsh -c ${displayCommand([`${b.sshUri}?no_tty=1`])} migrate --live --persistent --undefinesource --p2p --tunnelled --domain ${domUuid(b.uri, name)} --desturi ${displayCommand([`${c.sshUri}?no_tty=1`])}`;
    await expect(command(dialog)).toHaveText(shown);
    await expect(check(dialog, "pass", /The source host reaches .* itself \(peer-to-peer\)/)).toBeVisible({
        timeout: 60_000,
    });
    await expect(check(dialog, "pass", /Tunnelled: no migration ports used/)).toBeVisible();
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
    expect(domState(c.uri, name)).toBe("running");
    expect(domState(b.uri, name)).toBeNull();
    const ran = (JSON.parse(readFileSync(HISTORY, "utf8")) as { records: { domain: string; argv: string[] }[] }).records
        .filter((r) => r.domain === name)
        .map((r) => displayCommand(r.argv));
    expect(ran).toEqual([shown]);
});

test("B's firewall drops the migration ports: the pre-flight shows it, the page opens them, the VM moves, closing restores the rules", async ({
    page,
}) => {
    const [a, b] = [labHost("a"), labHost("b")];
    const name = "lab-e2e-h20b-fw";
    labGuest("a", name, "tiny");
    labGuest("a", `${name}-2`, "tiny", false);
    const save = () =>
        execFileSync("iptables-save", ["-t", "filter"], { encoding: "utf8" })
            .split("\n")
            .filter((l) => l.startsWith("-A ") || l.startsWith(":"))
            .map((l) => l.replace(/ \[\d+:\d+\]$/, ""));
    const before = save();
    lab("block-migration-ports", "b");
    try {
        const blocked = save();
        expect(blocked.filter((l) => !before.includes(l))).toEqual([
            "-A INPUT -d 127.0.0.2/32 -p tcp -m tcp --dport 49152:49215 -m comment --comment cockpit-migrate-lab -j DROP",
        ]);
        const dialog = await openMigrateDialog(page, "localhost", name);
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        const fw = check(dialog, "warning", /firewall appears to drop migration ports 49152–49215/);
        await expect(fw).toBeVisible({ timeout: 60_000 });
        await expect(fw.getByLabel("Equivalent command")).toHaveText(
            "iptables -I INPUT -p tcp --dport 49152:49215 -m comment --comment cockpit-migrate -j ACCEPT",
        );
        await fw.getByRole("button", { name: "Open the migration ports there" }).click();
        const open = check(dialog, "pass", /firewall lets migration ports 49152–49215 through/);
        await expect(open).toBeVisible({ timeout: 60_000 });
        const opened = save();
        expect(opened.filter((l) => !blocked.includes(l))).toEqual([
            "-A INPUT -p tcp -m tcp --dport 49152:49215 -m comment --comment cockpit-migrate -j ACCEPT",
        ]);
        expect(opened.indexOf(opened.find((l) => l.includes("cockpit-migrate -j ACCEPT"))!)).toBeLessThan(
            opened.indexOf(opened.find((l) => l.includes("cockpit-migrate-lab"))!),
        );
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
        await expect(result(page, name)).toHaveAttribute("data-outcome", "completed", { timeout: 90_000 });
        expect(domState(b.uri, name)).toBe("running");
        expect(domState(a.uri, name)).toBeNull();
        // the ports stay open until closed: the dialog of another VM for B offers to close them again
        const third = await openMigrateDialog(page, "localhost", `${name}-2`);
        await third.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        const close = check(third, "pass", /firewall lets migration ports 49152–49215 through/);
        await expect(close.getByLabel("Equivalent command")).toHaveText(
            "iptables -D INPUT -p tcp --dport 49152:49215 -m comment --comment cockpit-migrate -j ACCEPT",
            { timeout: 60_000 },
        );
        await close.getByRole("button", { name: "Close them again" }).click();
        await expect(check(third, "warning", /firewall appears to drop migration ports/)).toBeVisible({
            timeout: 60_000,
        });
        expect(save()).toEqual(blocked);
    } finally {
        lab("unblock-migration-ports", "b");
    }
    expect(save()).toEqual(before);
});
