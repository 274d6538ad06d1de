// Bench: a live migration of the large-RAM lab guest (512 MiB, ~384 MiB random data) A -> B,
// driven through the plugin in Chromium vs bare `virsh migrate` with the same flags, alternating
// in the same run. Prints, per run, where the time between the click and the verified result goes,
// then one summary line per metric (min/median/max): ours, theirs (bare virsh), ratio.
// Needs the lab up (npm run lab -- up). Usage: node bench/migrate.mjs [repetitions=5]
//
// Clocks: the click and the result are the page's own (a capture-phase click listener, and the first
// animation frame in which the result exists), the page's steps are its performance marks
// (`cockpit-migrate:migration …`, src/migration/marks.ts), the job's files are seen by a 5 ms poll
// here, libvirt's events carry libvirt's timestamps (`virsh event --timestamp`); all on this
// machine's wall clock. "Click to result, Playwright" is the earlier measure (the bench's clock from
// before the click, i.e. also Playwright's wait for an enabled button, to its `waitFor`, which polls
// with growing pauses): printed as a cross-check.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";
import { launchBrowser, sleep, startCockpitWs, stats, summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 5);
const PORT = 9099;
const GUEST = "lab-bench-big";
const DEST = "qemu+ssh://root@127.0.0.2/system?no_tty=1";
const JOBS = "/run/cockpit-migrate/jobs";
const lab = (...a) => execFileSync("bash", ["test/lab/lab.sh", ...a], { stdio: "inherit" });
const wall = () => performance.timeOrigin + performance.now();

/** CPU time (ms, own and reaped children's) of the processes on this machine, by command name. */
function cpuByName() {
    const by = new Map();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
            const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
            const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
            by.set(comm, (by.get(comm) ?? 0) + ticks * 10); // USER_HZ = 100
        } catch {
            /* gone */
        }
    }
    return by;
}

/** What used the CPU between two cpuByName() samples, the largest first: "name ms, …". */
function cpuUsed(before, after, top = 8) {
    return [...after]
        .map(([name, ms]) => [name, ms - (before.get(name) ?? 0)])
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(", ");
}

/** Bare `virsh migrate`, same flags as the plugin's defaults; libvirt's events on the source for the phases. */
async function bare() {
    lab("guest", "a", GUEST, "bigram", "--start");
    const onA = libvirtEvents("qemu:///system");
    await sleep(300); // the event stream is connected
    const start = wall();
    const cpu0 = cpuByName();
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
    const cpu = cpuUsed(cpu0, cpuByName());
    await sleep(200);
    onA.stop();
    if (r.status !== 0) throw new Error(r.stderr);
    const steps = onA.events.map((e) => `${(e.at - start).toFixed(0).padStart(6)} ms  libvirt A: ${e.type} ${e.text}`);
    return { ms, steps, cpu };
}

/** libvirt's domain events of GUEST on a host, with libvirt's timestamps (wall clock ms). */
function libvirtEvents(uri) {
    const events = [];
    const p = spawn("virsh", ["-c", uri, "event", "--all", "--loop", "--timestamp", "--domain", GUEST], {
        stdio: ["ignore", "pipe", "ignore"],
    });
    let buf = "";
    p.stdout.on("data", (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const m =
                /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)([+-]\d{4}): event '([^']+)' for domain '[^']*'(?:: (.*))?/.exec(
                    line,
                );
            if (m) events.push({ at: Date.parse(`${m[1]}T${m[2]}${m[3]}`), type: m[4], text: m[5] ?? "" });
        }
    });
    return { events, stop: () => p.kill("SIGTERM") };
}

/** When the new job directory's pid and status files first exist (wall clock ms), polled every 5 ms. */
function jobFiles() {
    const before = new Set(existsSync(JOBS) ? readdirSync(JOBS) : []);
    const seen = {};
    const timer = setInterval(() => {
        const now = wall();
        for (const d of existsSync(JOBS) ? readdirSync(JOBS) : []) {
            if (before.has(d)) continue;
            for (const f of ["pid", "status"]) if (!seen[f] && existsSync(`${JOBS}/${d}/${f}`)) seen[f] = now;
        }
    }, 5);
    return { seen, stop: () => clearInterval(timer) };
}

/* global document, window, requestAnimationFrame, MutationObserver -- the next two functions run in the page */
/** The click as the page receives it, and the first animation frame in which the guest's result exists. */
function watchClickAndResult(guest) {
    document.addEventListener("click", () => (window.cmBenchClick ??= performance.now()), { capture: true });
    const found = () =>
        [...document.querySelectorAll("[data-migration-result]")].some((e) => e.textContent?.includes(guest));
    new MutationObserver((_m, obs) => {
        if (window.cmBenchClick === undefined || !found()) return;
        obs.disconnect();
        requestAnimationFrame(() => (window.cmBenchShown = performance.now()));
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
}

/** The click, the result and the page's migration marks, on the wall clock (ms). */
function pageTimeline() {
    const at = (t) => performance.timeOrigin + t;
    return {
        click: at(window.cmBenchClick),
        shown: at(window.cmBenchShown),
        marks: performance
            .getEntriesByType("mark")
            .filter((m) => m.name.startsWith("cockpit-migrate:migration "))
            .map((m) => [m.name.slice("cockpit-migrate:migration ".length), at(m.startTime)]),
    };
}

async function plugin(browser) {
    lab("guest", "a", GUEST, "bigram", "--start");
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/cockpit/@localhost/cockpit-migrate/index.html`);
    await page
        .locator(`tr[data-domain="${GUEST}"]`)
        .getByRole("button", { name: `Migrate ${GUEST}` })
        .click()
        .catch(async (e) => {
            await page.screenshot({ path: "/tmp/cm-bench-migrate-failed.png" });
            console.log(await page.locator("body").innerText());
            throw e;
        });
    const dialog = page.getByRole("dialog", { name: `Migrate ${GUEST}` });
    await dialog.getByRole("combobox", { name: "Destination", exact: true }).selectOption("127.0.0.2");
    await page.evaluate(watchClickAndResult, GUEST);
    const onA = libvirtEvents("qemu:///system");
    const onB = libvirtEvents("qemu+tcp://127.0.0.2/system");
    const files = jobFiles();
    await sleep(300); // the event streams are connected
    const t0 = performance.now();
    const cpu0 = cpuByName();
    await dialog.getByRole("button", { name: "Migrate", exact: true }).click();
    const result = page.locator("[data-migration-result]").filter({ hasText: GUEST });
    await result.waitFor({ timeout: 120_000 });
    const playwright = performance.now() - t0;
    const cpu = cpuUsed(cpu0, cpuByName());
    await page.waitForFunction(() => window.cmBenchShown !== undefined);
    const outcome = await result.getAttribute("data-outcome");
    const pageTimes = await page.evaluate(pageTimeline);
    await sleep(200);
    files.stop();
    onA.stop();
    onB.stop();
    await page.close();
    if (outcome !== "completed") throw new Error(`plugin migration ${outcome}`);
    const { click } = pageTimes;
    const rel = (t) => (t === undefined ? "—" : `${(t - click).toFixed(0)}`);
    const steps = [
        ...pageTimes.marks,
        ["job pid file", files.seen.pid],
        ["job status file (virsh exited)", files.seen.status],
        ["result shown", pageTimes.shown],
        ...onA.events.map((e) => [`libvirt A: ${e.type} ${e.text}`.trim(), e.at]),
        ...onB.events.map((e) => [`libvirt B: ${e.type} ${e.text}`.trim(), e.at]),
    ]
        .filter(([, t]) => t !== undefined)
        .sort((a, b) => a[1] - b[1]);
    const mark = (name) => pageTimes.marks.find(([n]) => n === name)?.[1];
    return {
        visible: pageTimes.shown - click,
        playwright,
        job: files.seen.status - files.seen.pid,
        // from virsh's exit (the status file) to the result on the screen
        tail: pageTimes.shown - files.seen.status,
        learn: mark("end learned") - files.seen.status,
        steps: steps.map(([n, t]) => `${rel(t).padStart(6)} ms  ${n}`),
        cpu,
    };
}

labAddKnownHosts();
// holds one idle session open: cockpit-ws would end the bridge between the runs (and show its login page)
const ws = await startCockpitWs(PORT);
const browser = await launchBrowser();
const theirs = [],
    ours = { visible: [], playwright: [], job: [], tail: [], learn: [] };
try {
    for (let i = 0; i < REPS; i++) {
        const b = await bare();
        theirs.push(b.ms);
        const p = await plugin(browser);
        for (const k of Object.keys(ours)) ours[k].push(p[k]);
        console.log(
            `rep ${i + 1}: virsh ${theirs.at(-1).toFixed(0)} ms; plugin: job ${p.job.toFixed(0)} ms, click to result ` +
                `${p.visible.toFixed(0)} ms (Playwright ${p.playwright.toFixed(0)} ms), virsh exit to result ` +
                `${p.tail.toFixed(0)} ms, of it until the page learned the end ${p.learn.toFixed(0)} ms`,
        );
        console.log(`  bare virsh, from its start:\n${b.steps.map((s) => `  ${s}`).join("\n")}`);
        console.log(`  bare virsh, CPU ms meanwhile: ${b.cpu}`);
        console.log(`  plugin, from the click:\n${p.steps.map((s) => `  ${s}`).join("\n")}`);
        console.log(`  plugin, CPU ms from the click to the result: ${p.cpu}`);
    }
} finally {
    await browser.close();
    ws.stop();
    spawnSync("virsh", ["-c", "qemu+tcp://127.0.0.2/system", "destroy", "--domain", GUEST]);
    spawnSync("virsh", ["-c", "qemu+tcp://127.0.0.2/system", "undefine", "--domain", GUEST]);
}
const base = { theirsLabel: "bare virsh migrate" };
summary("migration job wall time", ours.job, theirs, base);
summary("click to verified result shown (page clock)", ours.visible, theirs, base);
summary("click to result, Playwright (cross-check)", ours.playwright, theirs, base);
const s = (k) => stats(ours[k]);
const mmm = (v) => `${v.min.toFixed(0)}/${v.median.toFixed(0)}/${v.max.toFixed(0)} ms`;
console.log(`virsh exit to result shown: ${mmm(s("tail"))}; of it until the page learned the end: ${mmm(s("learn"))}`);
