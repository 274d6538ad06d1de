/**
 * The NFS shared-storage flow on the lab. Storage host B (127.0.0.2: its own /var/lib/libvirt),
 * source A (this host), clients A and C. The lab hosts share this machine's /etc, so the real
 * /etc/exports and /etc/fstab are edited: their bytes are saved first and put back afterwards.
 * This kernel has no NFS server or client: exportfs only updates the export table, and every
 * mount fails — which is what the failure-path tests prove the UI explains, leaving files as they were.
 */
import { test, expect, type Page, type Locator } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { lab, labGuest, tryVirsh } from "./lab";
import { writeLabHostsConfig } from "./global-setup";
import { expectCopyOnEveryCodeBlock, openPage, openTool } from "./page";
import { parseExports } from "../../src/storage/exports";

const SAVED = new Map<string, Buffer | null>();
const FILES = [
    "/etc/exports",
    "/etc/fstab",
    "/etc/exports.cockpit-migrate.bak",
    "/etc/fstab.cockpit-migrate.bak",
    "/var/lib/cockpit-migrate/nfs-shared-storage.json",
];
const VM = "lab-e2e-nfs";
const EXPORT_DIR = "/var/lib/libvirt/shared-images-e2e";
const MOUNT_POINT = "/var/lib/libvirt/images-nfs-e2e";
// IP clients only (no name lookups); a continuation line, comments, a quoted path, IPv6.
const EXPORTS =
    "# exports written by the cockpit-migrate NFS e2e test (the real file is restored afterwards)\n\n" +
    "/tmp   127.0.0.5(ro,no_subtree_check) \\\n       10.0.0.0/8(ro,no_subtree_check)   # continuation and a comment\n" +
    '"/var/tmp"  ::1(ro,no_subtree_check)\n';
const FSTAB =
    "# fstab of the NFS e2e test\nUUID=0a1b / ext4 errors=remount-ro 0 1\n\ntmpfs /tmp/nfs\\040e2e tmpfs defaults 0 0";

/**
 * The most real check of the export this kernel allows: NFS-Ganesha (a user-space NFS server)
 * serves the export directory inside lab host B's mount namespace, in a fresh network namespace
 * (only its own loopback: nothing listens on the machine's addresses), granting access only to
 * the clients of our /etc/exports line; libnfs's nfs-cat (a user-space client) reads the image
 * back over NFSv3 from 127.0.0.1, and the test compares SHA-256.
 */
const GANESHA = String.raw`set -eu
pid=$1 dir=$2 file=$3 clients=$4 work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s\n' \
  'NFS_CORE_PARAM { NFS_Port = 20490; MNT_Port = 20048; Protocols = 3, 4; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }' \
  "NFSV4 { Graceless = true; RecoveryRoot = $work/recovery; }" \
  "EXPORT { Export_Id = 7; Path = \"$dir\"; Pseudo = /shared; Access_Type = None; Protocols = 3, 4; Transports = TCP; SecType = sys; FSAL { Name = VFS; }" \
  "  CLIENT { Clients = $clients; Access_Type = RW; Squash = No_Root_Squash; } }" > "$work/ganesha.conf"
nsenter -t "$pid" -m unshare --net --mount --propagation private sh -c '
  work=$1 url=$2
  ip link set lo up; mount -t tmpfs tmpfs /run; mkdir -p /run/rpcbind; chown _rpc /run/rpcbind 2>/dev/null || true
  rpcbind -f & r=$!; sleep 0.5
  ganesha.nfsd -F -f "$work/ganesha.conf" -L "$work/ganesha.log" -p /run/ganesha.pid -N NIV_EVENT & g=$!
  i=0; until ss -ltn | grep -q ":20490 " || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
  nfs-cat "$url" > "$work/data"; s=$?
  kill $g $r; wait
  [ $s = 0 ] && sha256sum "$work/data"' sh "$work" "nfs://127.0.0.1$dir/$file?version=3&nfsport=20490&mountport=20048"`;
function ganeshaSha256(dir: string, file: string, clients: string[]): string {
    const pid = readFileSync("/var/lib/cockpit-migrate-lab/hosts/b/run-libvirt/virtlogd.pid", "utf8").trim();
    return execFileSync("bash", ["-c", GANESHA, "ganesha", pid, dir, file, clients.join(", ")], {
        encoding: "utf8",
        timeout: 60_000,
    }).split(" ")[0]!;
}

const onB = (...words: string[]) =>
    execFileSync("ssh", ["-o", "BatchMode=yes", "root@127.0.0.2", "--", ...words], { encoding: "utf8" });
const read = (p: string) => readFileSync(p, "utf8");

test.beforeAll(() => {
    for (const f of FILES) SAVED.set(f, existsSync(f) ? readFileSync(f) : null);
});
test.afterAll(() => {
    for (const [f, b] of SAVED) {
        if (b === null) rmSync(f, { force: true });
        else writeFileSync(f, b);
    }
    onB("exportfs", "-r");
    onB("rm", "-rf", "--", EXPORT_DIR);
    rmSync(MOUNT_POINT, { recursive: true, force: true });
    lab("clean-tests");
});
test.beforeEach(() => {
    writeLabHostsConfig();
    writeFileSync("/etc/exports", EXPORTS);
    writeFileSync("/etc/fstab", FSTAB);
    for (const f of FILES.slice(2)) rmSync(f, { force: true });
    onB("rm", "-rf", "--", EXPORT_DIR);
});

async function openFlow(page: Page, exportOptions?: string): Promise<Locator> {
    labGuest("a", VM, "disk", false);
    await openPage(page);
    await openTool(page, "Shared storage (NFS)");
    const d = page.getByRole("dialog", { name: "Shared storage (NFS)" });
    await d.getByRole("combobox", { name: "Storage host" }).selectOption("127.0.0.2");
    await d
        .getByRole("textbox", { name: "Address of this host, as the other hosts reach it", exact: true })
        .fill("127.0.0.1");
    await d.getByRole("textbox", { name: "Export directory", exact: true }).fill(EXPORT_DIR);
    if (exportOptions) await d.getByRole("textbox", { name: "Export options", exact: true }).fill(exportOptions);
    await d.getByRole("checkbox", { name: `${VM} (shutoff)` }).check();
    // one client per machine: This host, not also the known host 127.0.0.1 that is this machine
    await expect(d.getByRole("group", { name: "Client hosts (mount the export)" }).locator("label")).toHaveText(
        ["Client This host", "Client 127.0.0.2", "Client 127.0.0.3"],
        { timeout: 30_000 },
    );
    await d.getByRole("checkbox", { name: "Client This host", exact: true }).check();
    await d.getByRole("checkbox", { name: "Client 127.0.0.2", exact: true }).uncheck();
    await d.getByRole("checkbox", { name: "Client 127.0.0.3", exact: true }).check();
    await d.getByRole("textbox", { name: "Mount point on the clients", exact: true }).fill(MOUNT_POINT);
    await d.getByRole("radio", { name: "Mount and add to /etc/fstab" }).check();
    await d.getByRole("button", { name: "Check prerequisites" }).click();
    return d;
}
const check = (d: Locator, severity: string, text: RegExp) =>
    d.locator(`[data-severity="${severity}"]`).filter({ hasText: text });
const step = (d: Locator, id: string) => d.locator(`section[data-step="${id}"]`);
async function runStep(d: Locator, id: string, status: "done" | "failed", timeout = 60_000) {
    await step(d, id)
        .getByRole("button", { name: /^Run: / })
        .click();
    await expect(step(d, id)).toHaveAttribute("data-status", status, { timeout });
}
async function prepare(d: Locator) {
    await expect(d.getByRole("button", { name: "Prepare steps" })).toBeVisible({ timeout: 60_000 });
    await d.getByRole("checkbox", { name: "Continue despite failed checks" }).check();
    await d.getByRole("button", { name: "Prepare steps" }).click();
}

test("nfs: prerequisites are read from the real hosts", async ({ page }) => {
    const d = await openFlow(page);
    await expect(check(d, "pass", new RegExp(`${VM} is shut off`))).toBeVisible({ timeout: 60_000 });
    await expect(check(d, "error", /The kernel of 127\.0\.0\.2 has no NFS server \(nfsd\)/)).toBeVisible({
        timeout: 60_000,
    });
    await expect(check(d, "error", /The kernel of 127\.0\.0\.3 cannot mount NFS/)).toBeVisible();
    await expect(check(d, "error", /The kernel of This host cannot mount NFS/)).toBeVisible();
    await expect(
        check(d, "pass", /SELinux is not installed on 127\.0\.0\.3: virt_use_nfs is not needed/),
    ).toBeVisible();
    await expect(check(d, "pass", /[KMGT]iB free on 127\.0\.0\.2 for [1-9][\d.]* [KMG]iB of images/)).toBeVisible();
    await expect(check(d, "info", /NFS file locking must not be used with KVM/)).toBeVisible();
    await expect(d.getByRole("button", { name: "Prepare steps" })).toBeDisabled();
});

test("nfs: directory, verified copy, /etc/exports + exportfs, then mount fails in words with /etc/fstab unchanged; resume; undo restores every byte", async ({
    page,
}) => {
    const d = await openFlow(page);
    await prepare(d);
    await runStep(d, "mkdir", "done");
    expect(onB("stat", "-c", "%F", "--", EXPORT_DIR).trim()).toBe("directory");
    await runStep(d, "copy-0", "done");
    const src = `/var/lib/libvirt/images/${VM}.qcow2`;
    const sum = execFileSync("sha256sum", ["--", src], { encoding: "utf8" }).split(" ")[0]!;
    expect(onB("sha256sum", "--", `${EXPORT_DIR}/${VM}.qcow2`).split(" ")[0]).toBe(sum);
    await expect(step(d, "copy-0")).toContainText(`SHA-256 ${sum}`);

    await step(d, "export").getByRole("button", { name: "Commands" }).click();
    await expect(step(d, "export").getByLabel(/^Commands of /)).toContainText("exportfs -a");
    await expect(step(d, "export").getByLabel(/^Commands of /)).toContainText("exportfs -v");
    await expect(step(d, "export")).toContainText(`Edits /etc/exports`);
    await expect(step(d, "export")).toContainText(
        `${EXPORT_DIR} 127.0.0.1(rw,no_root_squash) 127.0.0.3(rw,no_root_squash)`,
    );
    await runStep(d, "export", "done");
    expect(read("/etc/exports")).toBe(
        EXPORTS +
            "# cockpit-migrate: NFS shared storage for VM disk images (remove with Undo in the Shared storage flow)\n" +
            `${EXPORT_DIR} 127.0.0.1(rw,no_root_squash) 127.0.0.3(rw,no_root_squash)\n`,
    );
    expect(read("/etc/exports.cockpit-migrate.bak")).toBe(EXPORTS);
    expect(onB("exportfs", "-v")).toMatch(new RegExp(`${EXPORT_DIR}\\s+127\\.0\\.0\\.3\\(`));
    // served over NFS (user space) to our line's clients and read back by an NFS client: same bytes
    const ours = parseExports(read("/etc/exports")).entries.find((e) => e.ours)!;
    expect(
        ganeshaSha256(
            ours.path,
            `${VM}.qcow2`,
            ours.clients.map((c) => c.host),
        ),
    ).toBe(sum);
    // a reader that is not among the clients is refused
    expect(() => ganeshaSha256(ours.path, `${VM}.qcow2`, ["127.0.0.3"])).toThrow();

    // resume: the page is reloaded; the flow comes back with what was done
    await page.reload();
    await openTool(page, "Shared storage (NFS)");
    await expect(step(d, "export")).toHaveAttribute("data-status", "done");
    await expect(step(d, "copy-0")).toHaveAttribute("data-status", "done");

    await runStep(d, "mount-localhost", "failed");
    await expect(step(d, "mount-localhost").locator("[data-step-error]")).toContainText(
        "The kernel of This host cannot mount NFS (mount.nfs: No such device)",
    );
    await expect(step(d, "mount-localhost").locator("[data-step-error]")).toContainText(
        "/etc/fstab was left as it was before the step",
    );
    expect(read("/etc/fstab")).toBe(FSTAB);
    expect(read("/etc/fstab.cockpit-migrate.bak")).toBe(FSTAB); // the line was really written, then taken out

    await d.getByRole("button", { name: "Undo", exact: true }).click();
    await expect(d.getByText("Undone: the flow's additions were removed")).toBeVisible({ timeout: 30_000 });
    expect(read("/etc/exports")).toBe(EXPORTS);
    expect(read("/etc/fstab")).toBe(FSTAB);
    expect(onB("exportfs", "-v")).not.toContain(EXPORT_DIR);
    expect(onB("sha256sum", "--", `${EXPORT_DIR}/${VM}.qcow2`).split(" ")[0]).toBe(sum); // data is kept
});

test("nfs: each host once by its one name (This host, not also 127.0.0.1), and every code block has Copy", async ({
    page,
}) => {
    const d = await openFlow(page);
    for (const list of ["Storage host", "Source host"])
        await expect(d.getByRole("combobox", { name: list }).locator("option")).toHaveText([
            "This host",
            "127.0.0.2",
            "127.0.0.3",
        ]);
    // the prerequisite checks' commands
    await expect(d.getByRole("button", { name: "Prepare steps" })).toBeVisible({ timeout: 60_000 });
    for (const t of await d.getByRole("button", { name: "Details" }).all()) await t.click();
    expect(await expectCopyOnEveryCodeBlock(d)).toBeGreaterThan(0);
    await prepare(d);
    await runStep(d, "mkdir", "done");
    await runStep(d, "copy-0", "done");
    await runStep(d, "export", "done");
    // every step's commands, and the copy's output
    for (const t of await d.getByRole("button", { name: "Commands", exact: true }).all()) await t.click();
    await expect(d.getByLabel(/^Output of /)).not.toHaveCount(0);
    expect(await expectCopyOnEveryCodeBlock(d)).toBeGreaterThan(2);
    // Undo's output, under its message
    await d.getByRole("button", { name: "Undo", exact: true }).click();
    await expect(d.getByText("Undone: the flow's additions were removed")).toBeVisible({ timeout: 30_000 });
    await expect(d.getByLabel("Undo output")).toContainText(`Kept (data): ${EXPORT_DIR}/${VM}.qcow2`);
    expect(await expectCopyOnEveryCodeBlock(d)).toBeGreaterThan(0);
});

test("nfs: exportfs rejects an option — the UI says which, and /etc/exports is byte-identical", async ({ page }) => {
    const d = await openFlow(page, "rw,no_root_squash,bogus_option");
    await prepare(d);
    await runStep(d, "mkdir", "done");
    await runStep(d, "export", "failed");
    await expect(step(d, "export").locator("[data-step-error]")).toContainText(
        'exportfs on 127.0.0.2 rejected the export option "bogus_option"',
    );
    await expect(step(d, "export")).toContainText("/etc/exports was restored to its content before this step");
    expect(read("/etc/exports")).toBe(EXPORTS);
    await expect(d.getByRole("button", { name: "Undo", exact: true })).toBeDisabled();
});

test("nfs: a libvirt netfs pool that cannot mount is removed again, with the reason", async ({ page }) => {
    const d = await openFlow(page);
    await d.getByRole("radio", { name: "libvirt netfs storage pool" }).check();
    await d.getByRole("textbox", { name: "Pool name", exact: true }).fill("lab-e2e-nfs-pool");
    await d.getByRole("button", { name: "Check prerequisites" }).click();
    await prepare(d);
    await runStep(d, "mount-127.0.0.3", "failed");
    await expect(step(d, "mount-127.0.0.3").locator("[data-step-error]")).toContainText("cannot mount NFS");
    expect(tryVirsh("qemu+tcp://127.0.0.3/system", "pool-info", "--pool", "lab-e2e-nfs-pool").ok).toBe(false);
    expect(read("/etc/fstab")).toBe(FSTAB);
});

test("nfs: Run all stops at a copy that would replace a different file on the storage host; nothing else changes", async ({
    page,
}) => {
    onB("mkdir", "-p", "--", EXPORT_DIR);
    execFileSync("ssh", [
        "-o",
        "BatchMode=yes",
        "root@127.0.0.2",
        "--",
        "sh",
        "-c",
        `'echo the admin file > ${EXPORT_DIR}/${VM}.qcow2'`,
    ]);
    const d = await openFlow(page);
    await prepare(d);
    await d.getByRole("button", { name: "Run all steps" }).click();
    await expect(step(d, "copy-0")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
    await expect(step(d, "copy-0").locator("[data-step-error]")).toContainText(
        `${EXPORT_DIR}/${VM}.qcow2 already exists on 127.0.0.2 and differs from /var/lib/libvirt/images/${VM}.qcow2`,
    );
    await expect(step(d, "mkdir")).toHaveAttribute("data-status", "done");
    await expect(step(d, "export")).toHaveAttribute("data-status", "pending");
    expect(onB("cat", "--", `${EXPORT_DIR}/${VM}.qcow2`)).toBe("the admin file\n");
    expect(onB("ls", "-A", "--", EXPORT_DIR)).toBe(`${VM}.qcow2\n`);
    expect(read("/etc/exports")).toBe(EXPORTS);
    expect(read("/etc/fstab")).toBe(FSTAB);
});
