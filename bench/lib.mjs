// Shared helpers of the benchmarks: statistics and summary lines, Chromium, a cockpit-ws of our
// own with a private system D-Bus running libvirt-dbus (what cockpit-machines needs), and an idle
// Cockpit WebSocket that keeps the local-session bridge alive between page loads.
// Every command is an argv array. Nothing here touches /run/dbus.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { chromium } from "@playwright/test";
import { COCKPIT_WS, packageDataDir } from "../scripts/setup.mjs";

export const LOCK = "/tmp/cockpit-migrate-e2e.lock";
export const OURS_PATH = "/cockpit/@localhost/cockpit-migrate/index.html";
export const THEIRS_PATH = "/cockpit/@localhost/machines/index.html";
/** cockpit-machines 288 renders each guest as a row with this id in its VM list */
export const THEIRS_ROW = 'tr[data-row-id^="vm-"]';
/** our page's VM rows, or the early rows boot.ts shows from the same answer before the page loads (src/early.ts) */
export const OURS_ROW = "tr[data-domain], tr[data-early-domain]";
/** bench/floor: cockpit.js, one cockpit.spawn of our first list command, one <tr data-domain> per VM */
export const FLOOR_PATH = "/cockpit/@localhost/cockpit-migrate-floor/index.html";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function stats(values) {
    const s = [...values].sort((x, y) => x - y);
    const n = s.length;
    const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return { min: s[0], median, max: s[n - 1], n };
}

/** "metric: ours X, theirs Y, ratio Z (ours min/median/max …; theirs min/median/max …, n runs)" */
export function summary(metric, ours, theirs, { unit = "ms", digits = 0, theirsLabel = "theirs" } = {}) {
    const o = Array.isArray(ours) ? stats(ours) : { min: ours, median: ours, max: ours, n: 1 };
    const t = Array.isArray(theirs) ? stats(theirs) : { min: theirs, median: theirs, max: theirs, n: 1 };
    const f = (v) => `${v.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
    const mmm = (v) => `${v.min.toFixed(digits)}/${v.median.toFixed(digits)}/${v.max.toFixed(digits)}`;
    const line =
        `${metric}: ours ${f(o.median)}, ${theirsLabel} ${f(t.median)}, ratio ${(o.median / t.median).toFixed(3)}` +
        ` (min/median/max ours ${mmm(o)}, ${theirsLabel} ${mmm(t)}; n=${o.n}/${t.n})`;
    console.log(line);
    return line;
}

export function launchBrowser() {
    return chromium.launch({
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
}

function socketAnswers(path) {
    return new Promise((res) => {
        const s = net.connect(path, () => {
            s.destroy();
            res(true);
        });
        s.on("error", () => res(false));
    });
}

function portAnswers(port) {
    return new Promise((res) => {
        const s = net.connect(port, "127.0.0.1", () => {
            s.destroy();
            res(true);
        });
        s.on("error", () => res(false));
    });
}

async function waitFor(check, what, ms = 10_000) {
    for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(100)) if (await check()) return;
    throw new Error(`${what} did not come up within ${ms} ms`);
}

const busConfig = (socket) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- a private bus of the benchmark: system-bus type and the daemon's default limits, open policy -->
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;

/** cockpit-bridge starts a session bus (`dbus-daemon --session`) that outlives it: end those the
 *  bridges of this bench started, known by our private bus address in their environment. */
function reapSessionBuses(marker) {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "dbus-daemon") continue;
            if (readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) process.kill(Number(pid), "SIGTERM");
        } catch {
            /* gone */
        }
    }
}

/** Daemons a bench started and has not stopped yet: stopped when the process exits, also after an error. */
const started = new Set();
process.on("exit", () => {
    for (const stop of started) {
        try {
            stop();
        } catch {
            /* already gone */
        }
    }
});
function track(stop) {
    const once = () => {
        if (started.delete(once)) stop();
    };
    started.add(once);
    return once;
}

/** A private system bus (own config and socket) with `libvirt-dbus --system` on it; stop() ends both. */
export async function startSystemBus() {
    if (!existsSync("/usr/sbin/libvirt-dbus"))
        throw new Error(
            "libvirt-dbus is not installed (npm run bench installs the bench packages: cockpit-machines libvirt-dbus)",
        );
    const dir = mkdtempSync(join(tmpdir(), "cockpit-migrate-bench-bus-"));
    const config = join(dir, "bus.conf");
    const socket = join(dir, "system_bus_socket");
    writeFileSync(config, busConfig(socket));
    const address = `unix:path=${socket}`;
    const daemon = spawn(
        "dbus-daemon",
        ["--nofork", "--nopidfile", `--config-file=${config}`, `--address=${address}`],
        { stdio: "ignore" },
    );
    let libvirtDbus = null;
    const stop = track(() => {
        libvirtDbus?.kill("SIGTERM");
        daemon.kill("SIGTERM");
        reapSessionBuses(dir);
        rmSync(dir, { recursive: true, force: true });
    });
    try {
        await waitFor(() => socketAnswers(socket), "private dbus-daemon");
        const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: address };
        libvirtDbus = spawn("/usr/sbin/libvirt-dbus", ["--system"], { env, stdio: "ignore" });
        await sleep(500);
        if (libvirtDbus.exitCode !== null) throw new Error(`libvirt-dbus exited (${libvirtDbus.exitCode})`);
    } catch (e) {
        stop();
        throw e;
    }
    return { address, stop };
}

/** Our package data dir (dist/ as cockpit-migrate) with bench/floor beside it as cockpit-migrate-floor. */
function benchDataDir() {
    const dir = packageDataDir();
    const link = join(dir, "cockpit", "cockpit-migrate-floor");
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(dirname(fileURLToPath(import.meta.url)), "floor"), link);
    return dir;
}

/** cockpit-ws without login on 127.0.0.1:port serving our dist/, bench/floor and the installed packages. */
export async function startCockpitWs(port, busAddress) {
    const env = { ...process.env, XDG_DATA_DIRS: `${benchDataDir()}:/usr/local/share:/usr/share` };
    if (busAddress) env.DBUS_SYSTEM_BUS_ADDRESS = busAddress;
    if (await portAnswers(port)) throw new Error(`port ${port} is in use`);
    if (typeof WebSocket === "undefined") throw new Error("run the benchmarks with node --experimental-websocket");
    const ws = spawn(
        COCKPIT_WS,
        ["--no-tls", "--local-session=cockpit-bridge", "--port", String(port), "--address", "127.0.0.1"],
        { env, stdio: "ignore" },
    );
    let hold = null;
    const stop = track(() => {
        hold?.close();
        ws.kill("SIGTERM");
    });
    try {
        await waitFor(() => portAnswers(port), "cockpit-ws");
        hold = holdSession(port);
    } catch (e) {
        stop(); // never leave a cockpit-ws of ours behind
        throw e;
    }
    return { ws, stop };
}

/** cockpit-ws ends its bridge ~15 s after the last WebSocket: one idle Cockpit WebSocket held open. */
function holdSession(port) {
    if (typeof WebSocket === "undefined") throw new Error("run the benchmarks with node --experimental-websocket");
    let closed = false,
        socket;
    const connect = () => {
        socket = new WebSocket(`ws://127.0.0.1:${port}/cockpit/socket`, {
            protocols: ["cockpit1"],
            headers: { Origin: `http://127.0.0.1:${port}` },
        });
        socket.onopen = () => socket.send('\n{ "command": "init", "version": 1 }');
        socket.onmessage = (e) => {
            if (String(e.data).includes('"ping"')) socket.send('\n{ "command": "pong" }');
        };
        socket.onclose = () => {
            if (!closed) setTimeout(connect, 500);
        };
        socket.onerror = () => {};
    };
    connect();
    return {
        close() {
            closed = true;
            socket?.close();
        },
    };
}

const BUSY = new Set(["libvirtd", "libvirt-dbus", "cockpit-bridge", "cockpit-ws", "dbus-daemon", "virsh"]);
/** CPU ticks used so far by the processes a VM list makes busy (all libvirtd, libvirt-dbus, bridge, …). */
function busyTicks() {
    let ticks = 0;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
            const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
            if (!BUSY.has(comm)) continue;
            const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            ticks += Number(f[11]) + Number(f[12]);
        } catch {
            /* gone */
        }
    }
    return ticks;
}

/** Waits until the work a page left behind (e.g. cockpit-machines' per-guest D-Bus calls, which go
 *  on after its tab is closed) has ended: < 5 % CPU over 1 s in those processes, at most 90 s. */
export async function settle(maxMs = 90_000) {
    const t0 = Date.now();
    for (let before = busyTicks(); Date.now() - t0 < maxMs;) {
        await sleep(1000);
        const now = busyTicks();
        if (now - before < 5) return Date.now() - t0;
        before = now;
    }
    return maxMs;
}

/** A fresh profile that once clicked cockpit-machines' "Ignore" on "Hardware virtualization is
 *  disabled" (TCG-only machine): otherwise that page never lists VMs here. */
export function freshContext(browser, port) {
    return browser.newContext({
        storageState: {
            cookies: [],
            origins: [
                {
                    origin: `http://127.0.0.1:${port}`,
                    localStorage: [{ name: "virtualization-disabled-ignored", value: "true" }],
                },
            ],
        },
    });
}

/* global document, window, requestAnimationFrame, MutationObserver -- the next two functions run in the page */
/** Runs in the page before its scripts: records performance.now() (0 = navigation start) at the
 *  first animation frame in which a `selector` element exists and has a layout box. */
function markFirstRow(selector) {
    const check = () => {
        const el = document.querySelector(selector);
        if (!el || el.getClientRects().length === 0) return false;
        requestAnimationFrame(() => {
            window.__firstRowAt ??= performance.now();
        });
        return true;
    };
    const observer = new MutationObserver(() => {
        if (check()) observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/** Navigation → first row visible, ours and theirs alternating (who goes first alternates too),
 *  after one uncounted warm-up load of each; before each load the libvirt side is idle again. `inspect(page, side)` may
 * read the page after the
 *  first row shows (e.g. how many rows); its results are returned per run. */
export async function compareFirstRow(
    browser,
    port,
    reps,
    { timeoutMs = 120_000, inspect, theirs = { path: THEIRS_PATH, row: THEIRS_ROW } } = {},
) {
    const sides = {
        ours: { url: `http://127.0.0.1:${port}${OURS_PATH}`, row: OURS_ROW, ms: [], seen: [] },
        theirs: { url: `http://127.0.0.1:${port}${theirs.path}`, row: theirs.row, ms: [], seen: [] },
    };
    const once = async (name, count) => {
        const side = sides[name];
        const context = await freshContext(browser, port);
        try {
            await context.addInitScript(markFirstRow, side.row);
            const page = await context.newPage();
            const t0 = performance.now();
            await page.goto(side.url, { waitUntil: "commit" });
            await page.locator(side.row).first().waitFor({ state: "visible", timeout: timeoutMs });
            const outside = performance.now() - t0;
            // the page's own clock: navigation start → the frame in which the first row is visible.
            // Playwright's waitFor polls with growing pauses (up to 500 ms), so its time is only a cross-check.
            const ms = await page
                .waitForFunction(() => window.__firstRowAt, null, { timeout: 10_000 })
                .then((h) => h.jsonValue());
            const seen = inspect ? await inspect(page, name) : undefined;
            if (count) {
                side.ms.push(ms);
                side.seen.push(seen);
            }
            console.log(
                `  ${count ? "" : "warm-up "}${name}: ${ms.toFixed(0)} ms (seen by Playwright after ${outside.toFixed(0)} ms)${seen !== undefined ? ` (${seen})` : ""}`,
            );
        } finally {
            await context.close();
        }
        const waited = await settle();
        if (waited > 1500) console.log(`    (waited ${(waited / 1000).toFixed(0)} s for libvirt/bridge to go idle)`);
    };
    await once("theirs", false);
    await once("ours", false);
    for (let i = 0; i < reps; i++) {
        for (const name of i % 2 ? ["ours", "theirs"] : ["theirs", "ours"]) await once(name, true);
    }
    return { ours: sides.ours, theirs: sides.theirs };
}

const SCALE_URI = "qemu:///system";
const SCALE_NAME = /^bench-scale-\d{4}$/;

/** Runs virsh commands through one interactive virsh on stdin: one connection for all. */
function virshBatch(lines) {
    const r = spawnSync("virsh", ["-c", SCALE_URI], {
        input: lines.join("\n") + "\nquit\n",
        encoding: "utf8",
        maxBuffer: 64 << 20,
    });
    return r.stderr.split("\n").filter((l) => l.startsWith("error:"));
}

function definedScaleGuests() {
    const r = spawnSync("virsh", ["-c", SCALE_URI, "list", "--all", "--name"], { encoding: "utf8" });
    return r.stdout
        .split("\n")
        .map((s) => s.trim())
        .filter((n) => SCALE_NAME.test(n));
}

function removeScaleGuests() {
    const left = definedScaleGuests();
    if (left.length) virshBatch(left.map((n) => `undefine --domain ${n}`));
    const still = definedScaleGuests();
    console.log(
        `  removed ${left.length - still.length} bench-scale guests${still.length ? `; ${still.length} LEFT: ${still.slice(0, 5).join(" ")}` : ""}`,
    );
}

/**
 * Defines `count` tiny guests bench-scale-0001 … on qemu:///system by one virsh session (after removing any an
 * earlier run left) and returns `remove()`, which undefines exactly those names; it also runs on exit and on
 * SIGINT/SIGTERM/SIGHUP.
 */
export function defineScaleGuests(count) {
    if (definedScaleGuests().length) {
        console.log("  bench-scale guests left from an earlier run");
        removeScaleGuests();
    }
    let removed = false;
    const remove = () => {
        if (removed) return;
        removed = true;
        removeScaleGuests();
    };
    const onSignal = () => {
        remove();
        process.exit(130);
    };
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, onSignal);
    process.on("exit", remove);
    const dir = mkdtempSync(join(tmpdir(), "cockpit-migrate-bench-scale-"));
    try {
        const t0 = performance.now();
        const files = Array.from({ length: count }, (_, i) => {
            const name = `bench-scale-${String(i + 1).padStart(4, "0")}`;
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
            `  defined ${defined} guests in ${((performance.now() - t0) / 1000).toFixed(1)} s${errors.length ? ` (${errors.length} errors: ${errors[0]})` : ""}`,
        );
        if (defined !== count) {
            remove();
            throw new Error(`only ${defined} of ${count} guests defined`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    return { remove };
}

/** How many guests qemu:///system has. */
export function guestCount() {
    return spawnSync("virsh", ["-c", SCALE_URI, "list", "--all", "--name"], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean).length;
}
