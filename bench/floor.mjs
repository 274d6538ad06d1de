// Bench: our first VM list against the floor, a bare Cockpit page (bench/floor: cockpit.js, one
// cockpit.spawn of our first list command, one <tr> per VM, no framework) served by the same
// cockpit-ws, measured alternating with ours exactly like bench/first-list.mjs (fresh context,
// the page's own clock). Two sizes: the guests qemu:///system has (the lab's few), then with
// `count` tiny guests defined (bench-scale-…, removed afterwards). Goal: ours ≤ 1.5 × the floor.
// Run under the lab lock (npm run bench does). Usage: node --experimental-websocket bench/floor.mjs [reps=7]
// [count=1000]
import {
    compareFirstRow,
    defineScaleGuests,
    FLOOR_PATH,
    guestCount,
    launchBrowser,
    startCockpitWs,
    summary,
} from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 7);
const COUNT = Number(process.argv[3] ?? 1000);
const PORT = 9192;
const floor = { path: FLOOR_PATH, row: "tr[data-domain]" };

const ws = await startCockpitWs(PORT);
const browser = await launchBrowser();
try {
    const few = guestCount();
    console.log(`floor: ${few} guests on qemu:///system, ${REPS} runs each`);
    let r = await compareFirstRow(browser, PORT, REPS, { timeoutMs: 60_000, theirs: floor });
    summary(`time to first VM row, ${few} guests`, r.ours.ms, r.theirs.ms, { theirsLabel: "floor" });
    if (COUNT > 0) {
        const guests = defineScaleGuests(COUNT);
        try {
            const many = guestCount();
            r = await compareFirstRow(browser, PORT, REPS, { timeoutMs: 120_000, theirs: floor });
            summary(`time to first VM row, ${many} guests`, r.ours.ms, r.theirs.ms, { theirsLabel: "floor" });
        } finally {
            guests.remove();
        }
    }
} finally {
    await browser.close();
    ws.stop();
}
