// `npm run bench [-- NAME...]`: every benchmark in bench/ (or the named ones), each printing one
// summary line per metric: "metric: ours …, theirs …, ratio … (min/median/max …)".
// Installs the bench packages (cockpit-machines, libvirt-dbus), builds dist/ and brings the lab up.
// Whatever touches libvirt or runs a browser runs under the shared lab lock, taken per benchmark
// with `flock -o` (so no daemon inherits it) and released in between: other sessions need the lab.
import { spawnSync } from "node:child_process";
import { ensureLibvirt, ensureNpm, ensurePackages, log, ROOT } from "../scripts/setup.mjs";

const LOCK = "/tmp/cockpit-migrate-e2e.lock";
const BENCHES = [
    { name: "bundle", lock: false }, // gzipped JS+CSS vs cockpit-machines
    { name: "first-list", lock: true }, // navigation → first VM row vs cockpit-machines
    { name: "scale", lock: true }, // the same with 1,000 defined guests
    { name: "floor", lock: true }, // the same vs a bare cockpit.js page (4 and 1,000 guests)
    { name: "migrate", lock: true }, // plugin-driven migration vs bare virsh migrate
    { name: "defaults-sweep", lock: true }, // default options vs --parallel 1–4
    { name: "predict", lock: true }, // predicted vs actual migration duration
    { name: "ssh", lock: true }, // read-only virsh over the shared SSH connection vs a connection per call
    { name: "preflight-wait", lock: true }, // destination chosen → every check answered vs the bare commands
    { name: "plan-count", lock: true }, // commands and SSH sessions of one plan's gather on the lab
    { name: "cold-move", lock: true }, // the cold move's copy vs bare dd/tar pipelines of the same files
    { name: "convergence", lock: true }, // the convergence verdict vs what happened, at three dirty rates
];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length) {
    log(`Unknown benchmark(s): ${unknown.join(" ")}; known: ${BENCHES.map((b) => b.name).join(" ")}`);
    process.exit(2);
}

ensurePackages(["runtime", "lab", "test", "bench"]);
await ensureLibvirt();
ensureNpm();
const locked = (...argv) => spawnSync("flock", ["-o", LOCK, ...argv], { cwd: ROOT, stdio: "inherit" }).status === 0;
if (!locked("npx", "vite", "build", "--logLevel", "warn")) {
    log("build failed");
    process.exit(1);
}
if (!locked("bash", "test/lab/lab.sh", "up")) {
    log("lab failed to come up");
    process.exit(1);
}

for (const b of BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
    log(`bench ${b.name}`);
    const argv = ["node", "--experimental-websocket", "--no-warnings=ExperimentalWarning", `bench/${b.name}.mjs`];
    const ok = b.lock
        ? locked(...argv)
        : spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: "inherit" }).status === 0;
    if (!ok) {
        log(`bench ${b.name} failed`);
        process.exitCode = 1;
    }
}
