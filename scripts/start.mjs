// `npm start`: set up everything, then serve this package through Cockpit on 127.0.0.1.
//   npm start                 this host's VMs (brings up the lab when there is nothing to migrate)
//   npm start -- --demo       also the lab's extra hosts and guests, added to the known hosts
//   npm start -- --port N     another port (default 9091)
import { spawnSync } from "node:child_process";
import {
    build,
    ensureLibvirt,
    ensureNpm,
    ensurePackages,
    isRoot,
    log,
    output,
    PACKAGE,
    ROOT,
    startCockpitWs,
} from "./setup.mjs";
import { labAddKnownHosts, labUp } from "./lab-control.mjs";
import { keepSessionAlive } from "./keepalive.mjs";
import { trackDescendants } from "./proctree.mjs";

const args = process.argv.slice(2);
const port = Number(args[args.indexOf("--port") + 1]) || 9091;
let demo = args.includes("--demo");

ensurePackages(["runtime"]);
await ensureLibvirt();
ensureNpm();
build();

if (!demo && isRoot) {
    const names = (output(["virsh", "-c", "qemu:///system", "list", "--all", "--name"]) ?? "").trim();
    if (names === "") {
        log("This host has no virtual machines yet: bringing up the demo lab so there is something to migrate.");
        demo = true;
    }
}
if (demo) {
    ensurePackages(["runtime", "lab"]);
    labUp();
    labAddKnownHosts();
}

const ws = startCockpitWs(port);
// the bridge's session dbus-daemon and ssh-agent would outlive cockpit-ws
const tree = trackDescendants(ws.pid);
const url = `http://127.0.0.1:${port}/${PACKAGE}`;
setTimeout(() => {
    keepSessionAlive(port);
    log(`Open ${url}  (Ctrl-C stops cockpit-ws${demo ? "; 'npm run lab -- down' removes the lab" : ""})`);
}, 500);
const stop = () => {
    tree.look();
    ws.kill("SIGTERM");
    tree.end();
    process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
ws.on("exit", (code) => {
    log(`cockpit-ws exited (${code})`);
    tree.end();
    process.exit(code ?? 1);
});
void spawnSync;
void ROOT;
