// Bench: the wait for the pre-flight (issue #24 item 2). Once the Migrate button waits for the checks,
// their wall time is what the admin waits. In Chromium, the Migrate dialog of a VM on this host and of a
// VM on a remote host (127.0.0.2), two waits each, on the page's own clock, until every check has answered
// (no `[data-pending]` left, the region no longer busy): from the dialog's appearance (it opens with its
// first destination chosen, and measures the dirty rate), and from choosing 127.0.0.3 next (the select's
// change event; the VM's dirty rate is then already measured, src/preflight/dirtyrate.ts). A fresh page
// per run: the dialog keeps results for a minute (src/preflight/cache.ts). The baseline, alternating in
// the same process: the same checks' commands run directly with bare virsh (and ssh for the destination's
// files), all at once, the dirty-rate measurement as calc → the period → polling its status. Goal: the
// dirty-rate period + 1 s. Each run prints the checks that answered last (BENCH_TRACE=1: every command).
// Run under the lab lock (npm run bench does).
// Usage: node --experimental-websocket bench/preflight-wait.mjs [reps=5] [case: "this host" or "127.0.0.2"]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "rolldown";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";
import { launchBrowser, OURS_PATH, settle, sleep, startCockpitWs, stats, summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 5);
const ONLY = process.argv[3]; // e.g. "this host" or "127.0.0.2": only the case whose name has it
const PORT = 9196;
const sshUri = (a) => `qemu+ssh://root@${a}/system?no_tty=1`; // a known host's URI (src/hosts/uri.ts)
// `first`: the destination the dialog opens with (this machine's known-host entry for a remote VM), `dest`: the
// one chosen next
const CASES = [
    {
        name: "VM on this host",
        host: "",
        guest: "lab-tiny",
        source: "qemu:///system",
        first: "127.0.0.2",
        dest: "127.0.0.3",
    },
    {
        name: "VM on 127.0.0.2",
        host: "127.0.0.2",
        guest: "lab-b-tiny",
        source: sshUri("127.0.0.2"),
        first: "127.0.0.1",
        dest: "127.0.0.3",
    },
];

const out = mkdtempSync(join(tmpdir(), "bench-preflight-"));
let v;
try {
    await build({ input: { m: "bench/ssh-entry.ts" }, output: { dir: out, format: "esm" }, logLevel: "silent" });
    ({ v } = await import(pathToFileURL(join(out, "m.js")).href));
} finally {
    rmSync(out, { recursive: true, force: true });
}

const exec = (argv) =>
    new Promise((resolve) => {
        const p = spawn(argv[0], argv.slice(1), {
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, LC_ALL: "C" },
        });
        let stdout = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.on("close", (code) => resolve({ ok: code === 0, stdout }));
    });
const ssh = (address, argv) => ["ssh", "-o", "BatchMode=yes", `root@${address}`, "--", ...argv];

function uuidOf(uri, name) {
    const r = spawnSync("virsh", ["-c", uri, "domuuid", "--domain", name], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name} on ${uri}: ${r.stderr.trim()}`);
    return r.stdout.trim();
}

/** The pre-flight's commands run directly, all at once (`dest` null: this host; `dirty`: with the dirty-rate
 *  measurement): its wall time is what bare commands need. */
async function bare(c, uuid, period, dest, dirty) {
    const S = c.source,
        D = dest ? sshUri(dest) : "qemu:///system";
    const onDest = (argv) => (dest ? ssh(dest, argv) : argv);
    const t0 = performance.now();
    const measure = (async () => {
        await exec(v.dumpxml(S, uuid, { migratable: true }));
        if (!dirty) return;
        if (!(await exec(v.domdirtyrateCalc(S, uuid, period))).ok) throw new Error("domdirtyrate-calc failed");
        await sleep(period * 1000);
        for (let i = 0; i < 100; i++) {
            const r = await exec(v.domstats(S, uuid, "--dirtyrate", "--balloon"));
            if (/dirtyrate\.calc_status=2/.test(r.stdout)) return;
            await sleep(100);
        }
        throw new Error("the dirty rate was not measured");
    })();
    const facts = [
        v.version(S),
        v.version(D),
        v.capabilities(S),
        v.capabilities(D),
        v.hostname(S),
        v.hostname(D),
        v.nodeinfo(D),
        v.domstatsActive(D),
        v.netInfo(D, "default"),
        onDest(["cat", "/etc/os-release"]),
        onDest(["nft", "list", "ruleset"]),
        onDest(["cat", "/proc/sys/vm/overcommit_memory", "/proc/sys/vm/panic_on_oom"]),
    ].map(exec);
    await Promise.all([measure, ...facts]);
    return performance.now() - t0;
}

/** A command as the trace prints it: over SSH as "[host] argv", without the multiplexing script. */
function shown(argv) {
    const ssh = argv[0] === "sh" && argv[3] === "ssh" ? argv.indexOf("--") : -1;
    const words = ssh > 0 ? [`[${argv[ssh + 1]}]`, ...argv.slice(ssh + 2)] : argv;
    return words.join(" ").slice(0, 140);
}

/* global document, window, MutationObserver, HTMLSelectElement -- runs in the page */
/** From the dialog's appearance (its first destination) and from each Destination select change on: when each
 *  pending check left the list, and when none was left. */
function instrument() {
    const start = () => ({ chosenAt: performance.now(), titles: {}, gone: {}, doneAt: null });
    document.addEventListener(
        "change",
        (e) => {
            if (e.target instanceof HTMLSelectElement) window.__pf = start();
        },
        true,
    );
    new MutationObserver(() => {
        if (!window.__pf && document.querySelector('[role="dialog"]')) window.__pf = start();
        const pf = window.__pf;
        if (!pf || pf.doneAt !== null) return;
        const now = performance.now() - pf.chosenAt;
        const pending = new Map([...document.querySelectorAll("[data-pending]")].map((e) => [e.dataset.pending, e]));
        for (const id of Object.keys(pf.titles)) if (!pending.has(id) && !(id in pf.gone)) pf.gone[id] = now;
        for (const [id, e] of pending) pf.titles[id] ??= e.textContent.replace(/….*$/, "");
        const region = document.querySelector('[role="region"][aria-label="Pre-flight checks"]');
        if (region?.getAttribute("aria-busy") === "false" && pending.size === 0 && Object.keys(pf.titles).length)
            pf.doneAt = now;
    }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function ours(browser, c) {
    const context = await browser.newContext();
    try {
        await context.addInitScript(instrument);
        const page = await context.newPage();
        // every command the page runs, from Cockpit's protocol: when its channel opened and closed
        const channels = new Map();
        page.on("websocket", (socket) => {
            const control = (payload, sent) => {
                const text = String(payload);
                if (!text.startsWith("\n")) return;
                let m;
                try {
                    m = JSON.parse(text.slice(1));
                } catch {
                    return;
                }
                if (sent && m.command === "open" && Array.isArray(m.spawn))
                    channels.set(m.channel, { argv: m.spawn, openedAt: performance.now(), closedAt: null });
                else if (m.command === "close" && channels.has(m.channel))
                    channels.get(m.channel).closedAt ??= performance.now();
            };
            socket.on("framesent", (f) => control(f.payload, true));
            socket.on("framereceived", (f) => control(f.payload, false));
        });
        await page.goto(`http://127.0.0.1:${PORT}${OURS_PATH}${c.host ? `#/host/${c.host}` : ""}`);
        await page
            .locator(`tr[data-domain="${c.guest}"]`)
            .getByRole("button", { name: `Migrate ${c.guest}` })
            .click({ timeout: 60_000 });
        const dialog = page.getByRole("dialog", { name: `Migrate ${c.guest}` });
        const answered = () =>
            page
                .waitForFunction(() => window.__pf?.doneAt != null && window.__pf, null, {
                    timeout: 120_000,
                    polling: 100,
                })
                .then((h) => h.jsonValue());
        const checks = () =>
            dialog
                .locator("[data-check]")
                .evaluateAll((els) =>
                    els.map((e) => [e.dataset.check, e.dataset.severity, e.textContent.slice(0, 80)]),
                );
        // the dialog opens with its first destination chosen and checks it; then the bench chooses another one
        const openedAt = performance.now();
        const opened = await answered();
        const select = dialog.getByRole("combobox", { name: "Destination", exact: true });
        const first = await select.inputValue();
        if (first !== c.first) throw new Error(`the dialog opened with ${first}, not ${c.first}`);
        const openedChecks = await checks();
        const chosenAt = performance.now();
        await select.selectOption(c.dest);
        const chosen = await answered();
        const trace = (from, to) =>
            [...channels.values()]
                .filter((x) => x.openedAt >= from && x.openedAt < to)
                .map((x) => ({
                    at: x.openedAt - from,
                    ms: (x.closedAt ?? performance.now()) - x.openedAt,
                    argv: x.argv,
                }));
        return [
            { ...opened, ms: opened.doneAt, checks: openedChecks, commands: trace(openedAt, chosenAt) },
            { ...chosen, ms: chosen.doneAt, checks: await checks(), commands: trace(chosenAt, Infinity) },
        ];
    } finally {
        await context.close();
    }
}

labAddKnownHosts();
const ws = await startCockpitWs(PORT);
const browser = await launchBrowser();
try {
    for (const c of CASES.filter((x) => !ONLY || x.name.includes(ONLY))) {
        const uuid = uuidOf(c.source, c.guest);
        const period = 3; // the dialog's default (DEFAULT_DIRTYRATE_SECONDS); the pending title says which is used
        const firstName = c.first;
        const m = [
            { what: `dialog opened (${firstName} chosen)`, ours: [], bare: [], dest: c.first, dirty: true },
            {
                what: `${c.dest} chosen next (dirty rate already measured)`,
                ours: [],
                bare: [],
                dest: c.dest,
                dirty: false,
            },
        ];
        console.log(`preflight-wait: ${c.name} (${c.guest}: ${firstName}, then ${c.dest}), ${REPS} runs each`);
        const warm = await ours(browser, c); // uncounted: the first load opens the SSH connections
        console.log(`  warm-up ours: ${warm.map((r) => r.ms.toFixed(0)).join(" / ")} ms`);
        for (let i = 0; i < REPS; i++) {
            await settle(10_000);
            const runs = await ours(browser, c);
            runs.forEach((r, k) => {
                m[k].ours.push(r.ms);
                const last = Object.entries(r.gone)
                    .sort((x, y) => y[1] - x[1])
                    .slice(0, 3)
                    .map(([id, ms]) => `${id} ${ms.toFixed(0)}`)
                    .join(", ");
                const unanswered = r.checks.filter(([, , t]) => /not checked/.test(t)).map(([id]) => id);
                console.log(
                    `  ours, ${m[k].what}: ${r.ms.toFixed(0)} ms (last: ${last})${unanswered.length ? `; NOT CHECKED: ${unanswered.join(" ")}` : ""}`,
                );
                if (i === 0 && k === 0) console.log(`    dirty-rate check: ${r.titles.dirtyrate ?? "none"}`);
                // BENCH_TRACE=1: the commands of each run, when each started after the choice and how long it ran
                if (process.env.BENCH_TRACE)
                    for (const x of r.commands.sort((p, q) => p.at - q.at))
                        console.log(
                            `    +${x.at.toFixed(0).padStart(5)} ms ${x.ms.toFixed(0).padStart(5)} ms  ${shown(x.argv)}`,
                        );
            });
            for (const x of m) {
                await settle(10_000);
                x.bare.push(await bare(c, uuid, period, x.dest, x.dirty));
            }
            console.log(`  bare: ${m.map((x) => x.bare.at(-1).toFixed(0)).join(" / ")} ms`);
        }
        for (const x of m)
            summary(`${c.name}, ${x.what} → every check answered`, x.ours, x.bare, { theirsLabel: "bare commands" });
        const s = stats(m[0].ours);
        console.log(
            `  dirty-rate period ${period} s, goal ≤ ${period + 1} s: dialog opened → answered, median ${(s.median / 1000).toFixed(2)} s (${s.median <= (period + 1) * 1000 ? "met" : "missed"})`,
        );
    }
} finally {
    await browser.close();
    ws.stop();
}
