/**
 * The page's entry: small on purpose. It starts this host's VM list commands at once (when the
 * page opens on this host), then loads the rest of the page, which takes their answers
 * (pkg/lib/prefetch.ts): the commands run while the browser fetches and compiles the page.
 * Its only style sheet is the early rows' (src/early.css): PatternFly's base styles come with the
 * page (src/main.tsx), so 99 KB of CSS do not hold the first paint of the early rows.
 */
import { CockpitRunner, cockpitInstance } from "../pkg/lib/cockpit-runner";
import { PrefetchRunner } from "../pkg/lib/prefetch";
import { ThrottledRunner } from "../pkg/lib/throttle";
import { CoalescingRunner } from "../pkg/lib/coalesce";
import { readsOnly, SshVirshRunner } from "./virsh/route";
import { LOAD_DOMAINS_OPTIONS, loadDomainsArgvs } from "./domains/argvs";
import { LOCAL_HOST_ID } from "./hosts/types";
import { localUri } from "./hosts/uri";
import { showEarlyRows } from "./early";

performance.mark("cockpit-migrate:boot");
const cockpit = cockpitInstance();
// read-only virsh calls for qemu+ssh hosts run on the host over one shared SSH connection (src/virsh/route.ts);
// identical read-only calls at the same time run once (pkg/lib/coalesce.ts)
const runner = new PrefetchRunner(
    new CoalescingRunner(new SshVirshRunner(new ThrottledRunner(new CockpitRunner(cockpit))), readsOnly),
);
const path = cockpit.location.path;
const EARLY_WAIT_MS = 1500;
// superuser "require": without administrative access Cockpit refuses to start them at all (the
// page then shows its read-only view), instead of running commands that would fail
/** What the page waits for before it loads: this host's first list answer, at most EARLY_WAIT_MS. */
let early: Promise<unknown> = Promise.resolve();
if (path.length === 0 || (path[0] === "host" && path[1] === LOCAL_HOST_ID)) {
    const answers = loadDomainsArgvs(localUri("system")).map((argv) =>
        runner.start({ kind: "local" }, argv, { ...LOAD_DOMAINS_OPTIONS, superuser: "require" }),
    );
    // the first is the bulk domstats: names and states, shown before the page has loaded (src/early.ts)
    const app = document.getElementById("app");
    if (app && answers.length > 0) {
        showEarlyRows(answers[0]!, app);
        // compiling and running the page's 0.5 MB takes the main thread for a while: the answer (a WebSocket
        // message) and the early rows come first, then the page loads
        early = Promise.race([answers[0]!.catch(() => undefined), new Promise((r) => setTimeout(r, EARLY_WAIT_MS))]);
    }
}

void early
    .then(() => import("./main"))
    .then((m) => {
        performance.mark("cockpit-migrate:page-loaded");
        m.start(cockpit, runner);
    });
