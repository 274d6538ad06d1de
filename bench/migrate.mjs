// Bench: a live migration of the large-RAM lab guest (512 MiB, ~384 MiB random data) A -> B,
// driven through the plugin in Chromium vs bare `virsh migrate` with the same flags, alternating
// in the same run. Prints one summary line per metric: ours, theirs (bare virsh), ratio.
// Needs the lab up (npm run lab -- up). Usage: node bench/migrate.mjs [repetitions=3]
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { chromium } from "@playwright/test";
import { startCockpitWs } from "../scripts/setup.mjs";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";

const REPS = Number(process.argv[2] ?? 3);
const PORT = 9099;
const GUEST = "lab-bench-big";
const DEST = "qemu+ssh://root@127.0.0.2/system?no_tty=1";
const HISTORY = "/var/lib/cockpit-migrate/history.json";
const median = (a) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const lab = (...a) => execFileSync("bash", ["test/lab/lab.sh", ...a], { stdio: "inherit" });

function bare() {
    lab("guest", "a", GUEST, "bigram", "--start");
    const t0 = performance.now();
    const r = spawnSync(
        "virsh",
        [
            "-c",
            "qemu:///system",
            "migrate",
            "--live",
            "--persistent",
            "--undefinesource",
            "--domain",
            GUEST,
            "--desturi",
            DEST,
        ],
        { encoding: "utf8" },
    );
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(r.stderr);
    return ms;
}

async function plugin(browser) {
    lab("guest", "a", GUEST, "bigram", "--start");
    rmSync(HISTORY, { force: true });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/cockpit/@localhost/cockpit-migrate/index.html`);
    await page
        .locator(`tr[data-domain="${GUEST}"]`)
        .getByRole("button", { name: `Migrate ${GUEST}` })
        .click();
    const dialog = page.getByRole("dialog", { name: `Migrate ${GUEST}` });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    const t0 = performance.now();
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const result = page.locator("[data-migration-result]").filter({ hasText: GUEST });
    await result.waitFor({ timeout: 120_000 });
    const visible = performance.now() - t0;
    const outcome = await result.getAttribute("data-outcome");
    await page.close();
    if (outcome !== "completed") throw new Error(`plugin migration ${outcome}`);
    const rec = JSON.parse(readFileSync(HISTORY, "utf8")).records.at(-1);
    const jobDir = rec.jobDir;
    // the detached virsh's own run time: from the record's start to the status file's mtime
    const statusMtime = Number(execFileSync("stat", ["-c", "%.3Y", `${jobDir}/status`], { encoding: "utf8" })) * 1000;
    return { visible, job: statusMtime - rec.startedAt };
}

labAddKnownHosts();
const ws = startCockpitWs(PORT, { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 1000));
const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
});
const theirs = [],
    oursVisible = [],
    oursJob = [];
try {
    for (let i = 0; i < REPS; i++) {
        theirs.push(bare());
        const p = await plugin(browser);
        oursVisible.push(p.visible);
        oursJob.push(p.job);
        console.log(
            `rep ${i + 1}: virsh ${theirs.at(-1).toFixed(0)} ms, plugin job ${p.job.toFixed(0)} ms, plugin until result shown ${p.visible.toFixed(0)} ms`,
        );
    }
} finally {
    await browser.close();
    ws.kill("SIGTERM");
    spawnSync("virsh", ["-c", "qemu+tcp://127.0.0.2/system", "destroy", "--domain", GUEST]);
    spawnSync("virsh", ["-c", "qemu+tcp://127.0.0.2/system", "undefine", "--domain", GUEST]);
}
const line = (metric, ours, base) =>
    console.log(
        `${metric}: ours ${ours.toFixed(0)} ms, theirs (bare virsh migrate) ${base.toFixed(0)} ms, ratio ${(ours / base).toFixed(3)}`,
    );
line("migration job wall time (median)", median(oursJob), median(theirs));
line("click to verified result shown (median)", median(oursVisible), median(theirs));
