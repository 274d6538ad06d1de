/**
 * Host maintenance on the lab: evacuate host B (three guests of different sizes, one that cannot
 * move because its network exists only on B), and a failure in the middle of a plan.
 */
import { test, expect, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { domState, domUuid, lab, labGuest, labHost, tryVirsh } from "./lab";
import { clearHistory, writeLabHostsConfig } from "./global-setup";
import { openPage, openTool } from "./page";

const NET = "lab-e2e-only-b";
const STUCK = "lab-e2e-evac-net";

function defineOnB(subcommand: string, xml: string) {
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "x.xml");
    writeFileSync(file, xml);
    try {
        execFileSync("virsh", ["-c", labHost("b").uri, subcommand, "--file", file], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
}

function cleanup() {
    const b = labHost("b").uri;
    tryVirsh(b, "destroy", "--domain", STUCK);
    tryVirsh(b, "undefine", "--domain", STUCK);
    tryVirsh(b, "net-destroy", "--network", NET);
    tryVirsh(b, "net-undefine", "--network", NET);
}

/** Where a VM runs: the hosts (a/b/c) that report it running. */
const runningOn = (vm: string) => (["a", "b", "c"] as const).filter((h) => domState(labHost(h).uri, vm) === "running");

test.beforeEach(() => {
    writeLabHostsConfig();
    clearHistory();
});
test.afterAll(() => {
    cleanup();
    lab("clean-tests");
    labGuest("b", "lab-b-tiny", "tiny"); // the lab's own guest of B, back where it belongs
});

async function openEvacuate(page: Page) {
    await openPage(page, "/host/127.0.0.2");
    await openTool(page, "Evacuate host");
    const dialog = page.getByRole("dialog", { name: "Evacuate 127.0.0.2" });
    // the rows come as they are found; the plan is final once every move is checked
    await expect(dialog.locator('[data-plan="complete"]')).toBeVisible({ timeout: 120_000 });
    return dialog;
}

test("evacuate B: three guests of different sizes move, the one whose network exists only on B stays, all verified", async ({
    page,
}) => {
    cleanup();
    labGuest("b", "lab-e2e-evac-s", "tiny");
    labGuest("b", "lab-e2e-evac-m", "dirty", true, 4);
    labGuest("b", "lab-e2e-evac-l", "bigram");
    defineOnB("net-define", `<network><name>${NET}</name><bridge name='cmtestb0' stp='off'/></network>`);
    execFileSync("virsh", ["-c", labHost("b").uri, "net-start", "--network", NET], { stdio: "pipe" });
    defineOnB(
        "define",
        `<domain type='qemu'><name>${STUCK}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
        <devices><interface type='network'><source network='${NET}'/><model type='virtio'/></interface></devices></domain>`,
    );
    execFileSync("virsh", ["-c", labHost("b").uri, "start", "--domain", STUCK], { stdio: "pipe" });

    const dialog = await openEvacuate(page);
    for (const vm of ["lab-e2e-evac-s", "lab-e2e-evac-m", "lab-e2e-evac-l", "lab-b-tiny"])
        await expect(dialog.locator(`[data-move="${vm}"]`)).toHaveAttribute("data-state", "planned");
    // largest first
    const order = await dialog
        .locator("[data-move]")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-move")));
    expect(order.indexOf("lab-e2e-evac-l")).toBeLessThan(order.indexOf("lab-e2e-evac-s"));
    await expect(dialog.locator(`[data-unmovable="${STUCK}"]`)).toContainText(`Network ${NET} does not exist`);
    await expect(dialog.getByLabel("Plan script")).toContainText(`# "lab-e2e-evac-l"`);
    await expect(dialog.getByLabel("Plan script")).toContainText(
        `--domain ${domUuid(labHost("b").uri, "lab-e2e-evac-l")} --desturi`,
    );

    await dialog.getByRole("button", { name: /^Run \d+ migrations?$/ }).click();
    await expect(dialog.locator("[data-plan-report]")).toContainText("Moved 4, failed 0, not started 0", {
        timeout: 240_000,
    });
    for (const vm of ["lab-e2e-evac-s", "lab-e2e-evac-m", "lab-e2e-evac-l", "lab-b-tiny"]) {
        const on = runningOn(vm);
        expect(on, vm).toHaveLength(1);
        expect(on[0], vm).not.toBe("b");
    }
    expect(runningOn(STUCK)).toEqual(["b"]);
});

test("a failure in the middle of a plan: every VM still runs on exactly one host, the report says which failed", async ({
    page,
}) => {
    cleanup();
    labGuest("b", "lab-e2e-evac-f1", "bigram");
    labGuest("b", "lab-e2e-evac-f2", "tiny");
    labGuest("b", "lab-e2e-evac-f3", "tiny");
    const dialog = await openEvacuate(page);
    await dialog.getByRole("checkbox", { name: "Stop at the first failure" }).uncheck();
    await dialog.getByRole("button", { name: /^Run \d+ migrations?$/ }).click();
    await expect(dialog.locator('[data-state="running"]').first()).toBeVisible({ timeout: 60_000 });
    lab("stop-libvirtd", "c");
    try {
        await expect(dialog.locator("[data-plan-report]")).toBeVisible({ timeout: 240_000 });
    } finally {
        lab("start-libvirtd", "c");
    }
    await expect(dialog.locator("[data-plan-report]")).toContainText(/failed [1-9]/);
    for (const vm of ["lab-e2e-evac-f1", "lab-e2e-evac-f2", "lab-e2e-evac-f3", "lab-b-tiny"])
        expect(runningOn(vm), vm).toHaveLength(1);
});
