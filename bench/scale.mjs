// Bench: time to the first VM list with 1,000 defined (not running) guests on qemu:///system,
// ours vs cockpit-machines, measured like bench/first-list.mjs. The guests are named
// bench-scale-0001 … bench-scale-1000, defined from a tiny XML by one virsh session, and exactly
// those names are undefined afterwards, also on failure or interruption (defineScaleGuests in lib.mjs).
// Goal: ratio ≤ 0.10.
// Run under the lab lock (npm run bench does). Usage: node --experimental-websocket bench/scale.mjs [reps=5]
// [count=1000]
import {
    compareFirstRow,
    defineScaleGuests,
    guestCount,
    launchBrowser,
    startCockpitWs,
    startSystemBus,
    summary,
} from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 5);
const COUNT = Number(process.argv[3] ?? 1000);
const PORT = 9191;

console.log(`scale: ${COUNT} guests, ${REPS} runs each`);
const guests = defineScaleGuests(COUNT);
let bus, ws, browser;
try {
    const total = guestCount();
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
    guests.remove();
}
