// Bench: the progress view's convergence verdict vs what happens, for the memory-dirtying lab guest
// at three dirty rates under one bandwidth limit (issue 23). Driven through the plugin in Chromium:
// the Migrate dialog measures the dirty rate, the migration starts with no policy, and the progress
// view's verdict (data-verdict, its text) is read every 2 s; a migration still running after LIMIT_S is
// aborted (domjobabort) and counts as "did not converge". Reported per rate: the verdict 20 s in, the
// first informed one (after the first pass) and the last one, the first ETA's completion, the actual one.
// Needs the lab up. Usage: node --experimental-websocket bench/convergence.mjs [rates=2,12,32] [bandwidth=8]
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { launchBrowser } from "./lib.mjs";
import { startCockpitWs } from "../scripts/setup.mjs";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";
import { keepSessionAlive } from "../scripts/keepalive.mjs";

const RATES = (process.argv[2] ?? "2,12,32").split(",").map(Number);
const BANDWIDTH = Number(process.argv[3] ?? "8");
const LIMIT_S = 150;
const PORT = 9097;
const GUEST = "lab-e2e-h23-bench";
const HISTORY = "/var/lib/cockpit-migrate/history.json";
const lab = (...a) => execFileSync("bash", ["test/lab/lab.sh", ...a], { stdio: ["ignore", "ignore", "inherit"] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(browser, rate) {
    lab("guest", "a", GUEST, "dirty", "--start", "--dirty-mb", String(rate));
    await sleep(20_000); // the guest boots and starts dirtying
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
        await dialog.getByLabel("Bandwidth limit (MiB/s)").fill(String(BANDWIDTH));
        await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
        await dialog.getByRole("button", { name: "Migrate", exact: true }).click({ timeout: 120_000 });
        const t0 = Date.now();
        const verdict = page.locator("[data-migration] [data-verdict]");
        const result = page.locator("[data-migration-result]").filter({ hasText: GUEST });
        let early = null,
            informed = null,
            last = null,
            predictedEnd = null,
            aborted = false;
        while (!(await result.count())) {
            if ((await verdict.count()) > 0) {
                const kind = await verdict.getAttribute("data-verdict").catch(() => null);
                const text = await verdict.innerText().catch(() => "");
                if (kind && kind !== "unknown") {
                    last = { kind, text, at: (Date.now() - t0) / 1000 };
                    if (!early && Date.now() - t0 >= 20_000) early = last;
                    if (!informed && kind !== "first-pass") informed = last;
                    const eta = /in about ([\d.]+) (ms|s|min)/.exec(text);
                    if (kind === "converges" && eta && predictedEnd === null)
                        predictedEnd = (Date.now() - t0) / 1000 + Number(eta[1]) * { ms: 0.001, s: 1, min: 60 }[eta[2]];
                }
            }
            if (!aborted && Date.now() - t0 > LIMIT_S * 1000) {
                const uuid = execFileSync("virsh", ["-c", "qemu:///system", "domuuid", GUEST], {
                    encoding: "utf8",
                }).trim();
                spawnSync("virsh", ["-c", "qemu:///system", "domjobabort", "--domain", uuid]);
                aborted = true;
            }
            await sleep(2000);
        }
        const outcome = await result.getAttribute("data-outcome");
        const rec = JSON.parse(readFileSync(HISTORY, "utf8")).records.at(-1);
        const actual = outcome === "completed" ? ((rec.endedAt ?? Date.now()) - rec.startedAt) / 1000 : null;
        // the first verdict that says something (after the first pass, or from the pre-flight's rate)
        const agrees = informed ? (informed.kind === "converges") === (outcome === "completed") : null;
        return {
            rate,
            measured: rec.dirtyMiBs ?? null,
            early,
            informed,
            last,
            predictedEnd,
            actual,
            outcome,
            agrees,
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
await sleep(1000);
keepSessionAlive(PORT);
const browser = await launchBrowser();
const rows = [];
try {
    for (const rate of RATES) {
        const r = await run(browser, rate);
        rows.push(r);
        console.log(JSON.stringify(r));
    }
} finally {
    await browser.close();
    ws.kill("SIGTERM");
}
console.log(
    `\n| told MiB/s | pre-flight MiB/s | at 20 s | first informed | last | predicted s | actual s | outcome | agrees |`,
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows)
    console.log(
        `| ${r.rate} | ${r.measured ?? "-"} | ${r.early?.kind ?? "-"} | ${r.informed?.kind ?? "-"} (${r.informed?.at.toFixed(0) ?? "-"} s) | ${r.last?.kind ?? "-"} (${r.last?.at.toFixed(0) ?? "-"} s) | ${r.predictedEnd?.toFixed(1) ?? "-"} | ${r.actual?.toFixed(1) ?? "-"} | ${r.outcome}${r.outcome !== "completed" ? ` (aborted at ${LIMIT_S} s)` : ""} | ${r.agrees ? "yes" : "no"} |`,
    );
console.log(`first informed verdict matches the outcome: ${rows.filter((r) => r.agrees).length} of ${rows.length}`);
process.exit(0);
