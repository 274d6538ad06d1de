// Bench: time to the first VM list. Navigation → first VM row visible, in a fresh browser context
// (no cache, no storage) per run; our page vs cockpit-machines' page on the same cockpit-ws, which
// runs with a private system D-Bus carrying libvirt-dbus (what cockpit-machines talks to).
// Alternating, one uncounted warm-up each, then REPS runs each. Goal: ratio ≤ 0.10.
// Run under the lab lock (npm run bench does). Usage: node --experimental-websocket bench/first-list.mjs [reps=7]
import { execFileSync } from "node:child_process";
import { compareFirstRow, launchBrowser, startCockpitWs, startSystemBus, summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 7);
const PORT = 9190;

const guests = execFileSync("virsh", ["-c", "qemu:///system", "list", "--all", "--name"], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
console.log(`first VM list: ${guests.length} guests on qemu:///system, ${REPS} runs each`);
const bus = await startSystemBus();
const ws = await startCockpitWs(PORT, bus.address);
const browser = await launchBrowser();
try {
    const r = await compareFirstRow(browser, PORT, REPS, { timeoutMs: 60_000 });
    summary("time to first VM row (navigation → visible)", r.ours.ms, r.theirs.ms);
} finally {
    await browser.close();
    ws.stop();
    bus.stop();
}
