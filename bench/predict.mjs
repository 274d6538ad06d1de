// Bench: the pre-flight's predicted migration duration vs the actual one, for the memory-dirtying
// lab guest at three dirty rates and two bandwidth limits. Driven through the plugin in Chromium:
// the Migrate dialog measures the dirty rate and shows its prediction, then the same dialog starts
// the migration; the actual duration is the detached virsh job's run time. Goal: within ±25 %.
// Needs the lab up (npm run lab -- up). Usage: node --experimental-websocket bench/predict.mjs [rates=4,10,18]
// [bandwidths=32,64]
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { launchBrowser } from "./lib.mjs";
import { startCockpitWs } from "../scripts/setup.mjs";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";
import { keepSessionAlive } from "../scripts/keepalive.mjs";

const RATES = (process.argv[2] ?? "4,10,18").split(",").map(Number);
const BANDWIDTHS = (process.argv[3] ?? "32,64").split(",").map(Number);
const PORT = 9098;
const GUEST = "lab-bench-dirty";
const HISTORY = "/var/lib/cockpit-migrate/history.json";
const lab = (...a) => execFileSync("bash", ["test/lab/lab.sh", ...a], { stdio: ["ignore", "ignore", "inherit"] });

async function run(browser, rate, bandwidth) {
    lab("guest", "a", GUEST, "dirty", "--start", "--dirty-mb", String(rate));
    await new Promise((r) => setTimeout(r, 15_000)); // the guest boots and starts dirtying
    rmSync(HISTORY, { force: true });
    const page = await browser.newPage();
    try {
        await page.goto(`http://127.0.0.1:${PORT}/cockpit/@localhost/cockpit-migrate/index.html`);
        await page
            .locator(`tr[data-domain="${GUEST}"]`)
            .getByRole("button", { name: `Migrate ${GUEST}` })
            .click();
        const dialog = page.getByRole("dialog", { name: `Migrate ${GUEST}` });
        await dialog.getByRole("button", { name: "Advanced options" }).click();
        await dialog.getByLabel("Bandwidth limit (MiB/s)").fill(String(bandwidth));
        // 5 s: page sampling counts more changed pages (the lab guest's 96 MiB region allows up to 19 MiB/s)
        await dialog.getByRole("spinbutton", { name: "Dirty-rate measurement (s)" }).fill("5");
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        const check = dialog.locator('[data-check="dirtyrate"]');
        await check.waitFor({ timeout: 90_000 });
        const title = await check.innerText();
        const m = /Dirty rate (\d+) MiB\/s.*?about (\d+) s/.exec(title);
        await dialog
            .getByRole("region", { name: "Pre-flight checks" })
            .and(page.locator('[aria-busy="false"]'))
            .waitFor({ timeout: 90_000 });
        if (!m) return { rate, bandwidth, measured: null, predicted: null, actual: null, note: title.split("\n")[0] };
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
        const result = page.locator("[data-migration-result]").filter({ hasText: GUEST });
        await result.waitFor({ timeout: 300_000 });
        const outcome = await result.getAttribute("data-outcome");
        const rec = JSON.parse(readFileSync(HISTORY, "utf8")).records.at(-1);
        const end = Number(execFileSync("stat", ["-c", "%.3Y", `${rec.jobDir}/status`], { encoding: "utf8" })) * 1000;
        return {
            rate,
            bandwidth,
            measured: Number(m[1]),
            predicted: Number(m[2]),
            actual: (end - rec.startedAt) / 1000,
            note: outcome,
        };
    } finally {
        await page.close();
        for (const uri of ["qemu+tcp://127.0.0.2/system", "qemu:///system"]) {
            spawnSync("virsh", ["-c", uri, "destroy", "--domain", GUEST]);
            spawnSync("virsh", ["-c", uri, "undefine", "--domain", GUEST]);
        }
    }
}

labAddKnownHosts();
const ws = startCockpitWs(PORT, { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 1000));
// the guests boot for 15 s between pages: hold the session open past cockpit-ws's 15 s idle limit
keepSessionAlive(PORT);
const browser = await launchBrowser();
const rows = [];
try {
    for (const bandwidth of BANDWIDTHS)
        for (const rate of RATES) {
            const r = await run(browser, rate, bandwidth);
            rows.push(r);
            console.log(
                `told ${rate} MiB/s, limit ${bandwidth} MiB/s: measured ${r.measured} MiB/s, predicted ${r.predicted} s, actual ${r.actual?.toFixed(1)} s (${r.note})`,
            );
        }
} finally {
    await browser.close();
    ws.kill("SIGTERM");
}
console.log("\n| told MiB/s | limit MiB/s | measured MiB/s | predicted s | actual s | error |");
console.log("|---|---|---|---|---|---|");
const errors = [];
for (const r of rows) {
    const err = r.predicted !== null && r.actual ? (r.predicted - r.actual) / r.actual : null;
    if (err !== null) errors.push(Math.abs(err));
    console.log(
        `| ${r.rate} | ${r.bandwidth} | ${r.measured ?? "-"} | ${r.predicted ?? "-"} | ${r.actual?.toFixed(1) ?? "-"} | ${err === null ? r.note : `${(err * 100).toFixed(0)} %`} |`,
    );
}
const within = errors.filter((e) => e <= 0.25).length;
console.log(
    `prediction within ±25 %: ours ${within} of ${errors.length} runs, median |error| ${(errors.sort((a, b) => a - b)[Math.floor(errors.length / 2)] * 100).toFixed(0)} %, theirs (no prediction) -, ratio -`,
);
process.exit(0);
