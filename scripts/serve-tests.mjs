// cockpit-ws for one browser-test run (Playwright's webServer starts and stops it). One idle
// WebSocket holds the local session open, so that a pause between tests longer than cockpit-ws's
// 15 s idle limit (a slow lab clean-up) does not end the bridge and turn every later page into a
// login form.
import { startCockpitWs } from "./setup.mjs";
import { keepSessionAlive } from "./keepalive.mjs";
import { readFileSync } from "node:fs";
import { trackDescendants } from "./proctree.mjs";

const port = Number(process.argv[2] ?? 9097);
const ws = startCockpitWs(port);
// the bridge's session dbus-daemon and ssh-agent would outlive cockpit-ws
const tree = trackDescendants(ws.pid);
setTimeout(() => keepSessionAlive(port), 500);
const stop = () => {
    tree.look();
    ws.kill("SIGTERM");
    tree.end();
    process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
ws.on("exit", (code) => {
    tree.end();
    process.exit(code ?? 1);
});

// Playwright starts us through `sh -c`; if Playwright itself is killed, that shell is orphaned
// (reparented to init) and nobody would stop cockpit-ws: notice it and stop.
const ppidOf = (pid) => {
    try {
        return Number(
            readFileSync(`/proc/${pid}/stat`, "utf8")
                .replace(/^.*\) /, "")
                .split(" ")[1],
        );
    } catch {
        return 1;
    }
};
setInterval(() => {
    if (process.ppid === 1 || ppidOf(process.ppid) === 1) stop();
}, 2000).unref();
