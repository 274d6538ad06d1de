// Bench: time to the first VM list with 1,000 defined (not running) guests on qemu:///system,
// ours vs cockpit-machines, measured like bench/first-list.mjs. The guests are named
// bench-scale-0001 … bench-scale-1000, defined from a tiny XML by one virsh session, and exactly
// those names are undefined afterwards, also on failure or interruption. Goal: ratio ≤ 0.10.
// Run under the lab lock (npm run bench does). Usage: node --experimental-websocket bench/scale.mjs [reps=5]
// [count=1000]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareFirstRow, launchBrowser, startCockpitWs, startSystemBus, summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 5);
const COUNT = Number(process.argv[3] ?? 1000);
const PORT = 9191;
const URI = "qemu:///system";
const NAME = /^bench-scale-\d{4}$/;
const names = Array.from({ length: COUNT }, (_, i) => `bench-scale-${String(i + 1).padStart(4, "0")}`);

/** Runs virsh commands through one interactive virsh on stdin: one connection for all. */
function virshBatch(lines) {
    const r = spawnSync("virsh", ["-c", URI], {
        input: lines.join("\n") + "\nquit\n",
        encoding: "utf8",
        maxBuffer: 64 << 20,
    });
    return r.stderr.split("\n").filter((l) => l.startsWith("error:"));
}

function definedScaleGuests() {
    const r = spawnSync("virsh", ["-c", URI, "list", "--all", "--name"], { encoding: "utf8" });
    return r.stdout
        .split("\n")
        .map((s) => s.trim())
        .filter((n) => NAME.test(n));
}

let cleaned = false;
function removeScaleGuests() {
    if (cleaned) return;
    cleaned = true;
    const left = definedScaleGuests();
    if (left.length) virshBatch(left.map((n) => `undefine --domain ${n}`));
    const still = definedScaleGuests();
    console.log(
        `  removed ${left.length - still.length} bench-scale guests${still.length ? `; ${still.length} LEFT: ${still.slice(0, 5).join(" ")}` : ""}`,
    );
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"])
    process.on(sig, () => {
        removeScaleGuests();
        process.exit(130);
    });

const leftovers = definedScaleGuests();
if (leftovers.length) {
    console.log(`  ${leftovers.length} bench-scale guests left from an earlier run`);
    removeScaleGuests();
    cleaned = false;
}

const dir = mkdtempSync(join(tmpdir(), "cockpit-migrate-bench-scale-"));
let bus, ws, browser;
try {
    const t0 = performance.now();
    const files = names.map((name) => {
        const file = join(dir, `${name}.xml`);
        writeFileSync(
            file,
            `<domain type='qemu'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>\n`,
        );
        return file;
    });
    const errors = virshBatch(files.map((f) => `define --file ${f}`));
    const defined = definedScaleGuests().length;
    console.log(
        `scale: defined ${defined} guests in ${((performance.now() - t0) / 1000).toFixed(1)} s${errors.length ? ` (${errors.length} errors: ${errors[0]})` : ""}, ${REPS} runs each`,
    );
    if (defined !== COUNT) throw new Error(`only ${defined} of ${COUNT} guests defined`);
    const total = spawnSync("virsh", ["-c", URI, "list", "--all", "--name"], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean).length;

    bus = await startSystemBus();
    ws = await startCockpitWs(PORT, bus.address);
    browser = await launchBrowser();
    // how many guests each page shows when its first row appears (ours: its "N of M" count)
    const inspect = (page, side) =>
        side === "ours"
            ? page
                  .getByText(/of \d+ virtual machines/)
                  .first()
                  .innerText()
                  .catch(() => "no count")
            : page
                  .locator('tr[data-row-id^="vm-"]')
                  .count()
                  .then((n) => `${n} rows`);
    const r = await compareFirstRow(browser, PORT, REPS, { timeoutMs: 120_000, inspect });
    summary(`time to first VM row, ${total} guests`, r.ours.ms, r.theirs.ms);
    console.log(
        `  shown at first row: ours ${[...new Set(r.ours.seen)].join(", ")}; theirs ${[...new Set(r.theirs.seen)].join(", ")}`,
    );
} finally {
    await browser?.close();
    ws?.stop();
    bus?.stop();
    removeScaleGuests();
    rmSync(dir, { recursive: true, force: true });
}
