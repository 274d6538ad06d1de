/**
 * Readiness you can scan, and CPU baseline defaults that cannot mislead (issue 21, items 7 and 8):
 * the readiness dialog names the blocking check under a blocked host with the severity icons, a
 * storage mode choice turns a disk VM ready, Migrate… opens the Migrate dialog with that host;
 * the baseline wizard's virtualization type follows the VMs (qemu on the lab's TCG guests),
 * --migratable is on, and Apply lists and changes VMs of the other chosen hosts.
 */
import { test, expect } from "@playwright/test";
import { labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { expectCopyOnEveryCodeBlock, openPage, openTool, vmAction } from "./page";

const DISK = "lab-e2e-h5-disk";
const ON_B = "lab-e2e-h5-cpub";
const BACK = "lab-e2e-ha-back";

const remove = (letter: "a" | "b" | "c", name: string) => {
    tryVirsh(labHost(letter).uri, "destroy", "--domain", name);
    tryVirsh(labHost(letter).uri, "undefine", "--domain", name, "--remove-all-storage", "--nvram");
};
test.afterAll(() => {
    for (const h of ["a", "b", "c"] as const) for (const n of [DISK, ON_B, BACK]) remove(h, n);
});
test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});

const inactiveModel = (letter: "a" | "b" | "c", name: string) =>
    /<model[^>]*>([^<]+)<\/model>/.exec(
        tryVirsh(labHost(letter).uri, "dumpxml", "--inactive", "--domain", name).out,
    )?.[1] ?? null;

test("readiness: the blocking check under each blocked host with icons; Copy all disks makes it ready; Migrate… opens the dialog with that host", async ({
    page,
}) => {
    labGuest("a", DISK, "disk");
    await openPage(page);
    await vmAction(page, DISK, "Check migration readiness");
    const dialog = page.getByRole("dialog", { name: `Migration readiness of ${DISK}` });
    await dialog.getByRole("button", { name: "Check", exact: true }).click();
    const row = (h: string) => dialog.locator(`[data-readiness="${h}"]`);
    for (const h of ["127.0.0.2", "127.0.0.3"]) {
        await expect(row(h)).toHaveAttribute("data-severity", "error", { timeout: 60_000 });
        // the reason, under the host: the storage check's title, with the error icon
        const reason = row(h).locator('[data-readiness-reason="blocking"]');
        await expect(reason).toContainText(
            new RegExp(`vda: /var/lib/libvirt/images/${DISK}\\.qcow2 is not visible on ${h.replace(/\./g, "\\.")}`),
        );
        await expect(reason.locator(".pf-m-danger svg").first()).toBeVisible();
        // a blocked host offers no Migrate…
        await expect(row(h).getByRole("button", { name: `Migrate to ${h}…` })).toHaveCount(0);
    }
    // every check, with its own icon: passes look like passes
    await row("127.0.0.2")
        .getByRole("button", { name: /\d+ checks/ })
        .click();
    await expect(row("127.0.0.2").locator('li[data-severity="pass"] .pf-m-success svg').first()).toBeVisible();
    await expect(row("127.0.0.2").locator('li[data-severity="error"] .pf-m-danger svg').first()).toBeVisible();

    // Copy all disks: the same VM is ready on both (the dialog checks again)
    await expect(dialog.getByRole("radio", { name: "Shared" })).toBeChecked();
    await dialog.getByRole("radio", { name: "Copy all disks" }).check();
    for (const h of ["127.0.0.2", "127.0.0.3"]) {
        await expect(row(h)).toHaveAttribute("data-severity", /^(pass|info|warning)$/, { timeout: 60_000 });
        await expect(row(h)).toContainText(/Ready|Warnings/);
        await expect(row(h).locator('[data-readiness-reason="blocking"]')).toHaveCount(0);
    }

    // Migrate… on C opens the Migrate dialog with C chosen (not the first destination, B)
    await row("127.0.0.3").getByRole("button", { name: "Migrate to 127.0.0.3…" }).click();
    await expect(dialog).toBeHidden();
    const migrate = page.getByRole("dialog", { name: `Migrate ${DISK}` });
    await expect(migrate).toBeVisible();
    await expect(
        migrate.getByRole("combobox", { name: "Destination", exact: true }).locator("option:checked"),
    ).toHaveText("127.0.0.3");
    await expect(migrate.getByText(/Connection: qemu\+ssh:\/\/root@127\.0\.0\.3/)).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(migrate).toBeHidden();
    // the VM did not move
    expect(tryVirsh(labHost("a").uri, "domstate", "--domain", DISK).out.trim()).toBe("running");
});

test("readiness of a VM on 127.0.0.2 offers This host (once, for the known host 127.0.0.1 too), checks it, and Migrate… opens the dialog with it", async ({
    page,
}) => {
    labGuest("b", BACK, "tiny");
    await openPage(page, "/host/127.0.0.2");
    await vmAction(page, BACK, "Check migration readiness");
    const dialog = page.getByRole("dialog", { name: `Migration readiness of ${BACK}` });
    // the destinations the Migrate dialog offers: this machine once, as This host; the source not at all
    const hosts = dialog.getByRole("group", { name: "Hosts" }).getByRole("checkbox");
    await expect(hosts).toHaveCount(2, { timeout: 30_000 });
    await expect(dialog.getByRole("checkbox", { name: "This host", exact: true })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "127.0.0.3", exact: true })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "127.0.0.1", exact: true })).toHaveCount(0);
    await dialog.getByRole("checkbox", { name: "127.0.0.3", exact: true }).uncheck();
    await dialog.getByRole("button", { name: "Check", exact: true }).click();
    const row = dialog.locator('[data-readiness="This host"]');
    await expect(row).toHaveAttribute("data-severity", /^(pass|info|warning)$/, { timeout: 60_000 });
    await expect(dialog.locator("[data-readiness]")).toHaveCount(1);
    // its checks, each with a result
    await row.getByRole("button", { name: /\d+ checks/ }).click();
    await expect(row.locator('li[data-severity="pass"]').first()).toBeVisible();
    await row.getByRole("button", { name: "Migrate to This host…" }).click();
    const migrate = page.getByRole("dialog", { name: `Migrate ${BACK}` });
    await expect(migrate).toBeVisible();
    await expect(
        migrate.getByRole("combobox", { name: "Destination", exact: true }).locator("option:checked"),
    ).toHaveText("This host");
    await page.keyboard.press("Escape");
    await expect(migrate).toBeHidden();
    // nothing moved: the VM runs on B, and this machine does not have it
    expect(tryVirsh(labHost("b").uri, "domstate", "--domain", BACK).out.trim()).toBe("running");
    expect(tryVirsh(labHost("a").uri, "domstate", "--domain", BACK).ok).toBe(false);
});

test("CPU baseline: this machine is This host once, the type follows the VMs (qemu), --migratable is on, Apply lists and changes a VM on another chosen host, every code block has Copy", async ({
    page,
}) => {
    labGuest("b", ON_B, "tiny", false);
    const before = inactiveModel("b", ON_B);
    await openPage(page);
    await openTool(page, "CPU baseline");
    const wizard = page.getByRole("dialog", { name: "CPU baseline" });
    await expect(wizard).toBeVisible();
    // one checkbox per machine: This host, not also the known host 127.0.0.1 that is this machine
    await expect(wizard.getByRole("group", { name: "Hosts" }).getByRole("checkbox")).toHaveCount(3, {
        timeout: 30_000,
    });
    for (const h of ["This host", "127.0.0.2", "127.0.0.3"])
        await expect(wizard.getByRole("checkbox", { name: h, exact: true })).toBeChecked();

    // the lab's guests are TCG: the type follows them, without the admin choosing it
    const type = wizard.getByRole("combobox", { name: "Virtualization type" });
    await expect(type).toHaveValue("qemu", { timeout: 60_000 });
    await expect(wizard.locator("[data-virttype-from]")).toHaveAttribute("data-virttype-from", "qemu");
    await expect(wizard.locator("[data-virttype-warning]")).toHaveCount(0);
    // choosing KVM for them warns, naming the VMs that run as qemu
    await type.selectOption("kvm");
    await expect(wizard.locator("[data-virttype-warning]")).toContainText(`${ON_B} (qemu)`);
    await type.selectOption("qemu");
    await expect(wizard.locator("[data-virttype-warning]")).toHaveCount(0);

    await wizard.getByRole("button", { name: "Read host CPUs" }).click();
    for (const h of ["This host", "127.0.0.2", "127.0.0.3"])
        await expect(wizard.locator(`[data-cpu-host="${h}"]`)).toHaveAttribute("data-state", "done", {
            timeout: 60_000,
        });
    await expect(wizard.locator('[data-cpu-host="127.0.0.1"]')).toHaveCount(0);
    await expect(wizard.getByLabel("Commands").first()).toContainText("domcapabilities --virttype qemu");
    expect(await expectCopyOnEveryCodeBlock(wizard)).toBe(1);
    await wizard.getByRole("button", { name: "Next" }).click();
    // the compare step: one column per machine, and the merged document can be copied
    await expect(wizard.getByRole("grid", { name: "Feature matrix" }).locator("thead th")).toHaveText([
        "Feature",
        "This host",
        "127.0.0.2",
        "127.0.0.3",
    ]);
    await expect(wizard.getByLabel("Merged CPU document")).toContainText("<cpu");
    expect(await expectCopyOnEveryCodeBlock(wizard)).toBe(1);
    await wizard.getByRole("button", { name: "Next" }).click();

    // migratable features only, by default
    await expect(wizard.getByRole("checkbox", { name: "Migratable features only (--migratable)" })).toBeChecked();
    await expect(wizard.getByLabel("Commands").last()).toContainText(
        "hypervisor-cpu-baseline --virttype qemu --migratable",
    );
    await wizard.getByRole("button", { name: "Compute baseline" }).click();
    await expect(wizard.locator("[data-baseline-model]")).toHaveAttribute("data-baseline-model", /\S+/, {
        timeout: 60_000,
    });
    const model = await wizard.locator("[data-baseline-model]").getAttribute("data-baseline-model");
    for (const h of ["This host", "127.0.0.2", "127.0.0.3"])
        await expect(wizard.locator(`[data-validation="${h}"]`)).toHaveAttribute(
            "data-verdict",
            /^(identical|superset)$/,
            { timeout: 60_000 },
        );
    // the baseline CPU and the commands, each with Copy
    await expect(wizard.getByLabel("Baseline CPU")).toContainText(`>${model}</model>`);
    expect(await expectCopyOnEveryCodeBlock(wizard)).toBe(2);
    await wizard.getByRole("button", { name: "Next" }).click();

    // Apply: the VMs of every chosen host, this machine once (not again as 127.0.0.1)
    const vmRows = wizard.locator("tr[data-apply]");
    await expect(wizard.locator(`tr[data-apply="${ON_B}"]`)).toHaveAttribute("data-host", "127.0.0.2");
    await expect(wizard.locator('tr[data-apply][data-host="127.0.0.1"]')).toHaveCount(0);
    await expect(wizard.locator("[data-virttype-warning]")).toHaveCount(0);
    const total = await vmRows.count();
    expect(total).toBeGreaterThan(1);
    const all = wizard.getByRole("checkbox", { name: "Apply to every VM listed" });
    await all.check();
    await expect(wizard.getByRole("button", { name: new RegExp(`^Apply to ${total} VMs?$`) })).toBeVisible();
    await all.uncheck();
    await expect(wizard.getByRole("button", { name: /^Apply to 0 VMs?$/ })).toBeDisabled();
    await wizard.getByRole("checkbox", { name: `Apply to ${ON_B} on 127.0.0.2` }).check();
    // the change to its definition can be copied too
    await wizard.getByRole("button", { name: `Show the change for ${ON_B} on 127.0.0.2` }).click();
    await expect(wizard.getByLabel(`Change of ${ON_B}'s CPU`)).toContainText("+ ");
    expect(await expectCopyOnEveryCodeBlock(wizard)).toBeGreaterThanOrEqual(2);
    // defined on B through B's URI
    await expect(wizard.getByLabel("Commands").last()).toContainText(
        /virsh -c '?qemu\+ssh:\/\/root@127\.0\.0\.2\/system\S*'? define --file \/dev\/stdin/,
    );
    await wizard.getByRole("button", { name: /^Apply to 1 VMs?$/ }).click();
    await expect(wizard.locator(`tr[data-apply="${ON_B}"]`)).toHaveAttribute("data-result", "applied", {
        timeout: 60_000,
    });
    // on B itself, through libvirt
    expect(inactiveModel("b", ON_B)).toBe(model);
    await wizard.getByRole("button", { name: `Restore the previous definition of ${ON_B}` }).click();
    await expect(wizard.locator(`tr[data-apply="${ON_B}"]`)).toHaveAttribute("data-result", "restored", {
        timeout: 30_000,
    });
    expect(inactiveModel("b", ON_B)).toBe(before);
});
