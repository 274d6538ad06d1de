// Bench: read-only virsh calls for a qemu+ssh host, the way the plugin runs them now (on the host,
// over one shared SSH connection: src/virsh/route.ts + pkg/lib/ssh.ts) vs the way it ran them
// before and cockpit-machines' virsh users do (`virsh -c qemu+ssh://…` here: libvirt opens a new
// SSH connection per call). Both argvs come from the plugin's own code, built from its TypeScript
// sources with rolldown. Metrics, alternating in the same run:
// - one call (the shared connection already open), and the first call (no connection yet);
// - a VM list refresh: the list's three bulk calls at once;
// - a burst of 24 calls at once (a plan's pre-flight), with the number that failed.
// Needs the lab up (host B = 127.0.0.2). Usage: node bench/ssh.mjs [reps=15]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "rolldown";
import { summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 15);
const HOST = "127.0.0.2";
const URI = `qemu+ssh://root@${HOST}/system?no_tty=1`; // what a known host's URI is (src/hosts/uri.ts)

const out = mkdtempSync(join(tmpdir(), "bench-ssh-"));
let mod;
try {
    await build({ input: { m: "bench/ssh-entry.ts" }, output: { dir: out, format: "esm" }, logLevel: "silent" });
    mod = await import(pathToFileURL(join(out, "m.js")).href);
} finally {
    rmSync(out, { recursive: true, force: true });
}
const { sshRoute, multiplexedArgv, sshArgv, v } = mod;

/** The argv the plugin runs now: routed to the host, through the shared connection. */
function ours(argv) {
    const r = sshRoute(argv);
    if (!r) throw new Error(`not routed: ${argv.join(" ")}`);
    return multiplexedArgv(sshArgv(r.target.address, r.target.user, r.target.port, r.argv));
}

function time(argv) {
    return new Promise((resolve) => {
        const t0 = performance.now();
        const p = spawn(argv[0], argv.slice(1), {
            stdio: ["ignore", "ignore", "pipe"],
            env: { ...process.env, LC_ALL: "C" },
        });
        let err = "";
        p.stderr.on("data", (d) => {
            err += d;
        });
        p.on("close", (code) => resolve({ ms: performance.now() - t0, ok: code === 0, err }));
    });
}
const closeMaster = () => spawnSync("bash", ["test/lab/lab.sh", "close-ssh-master", HOST], { stdio: "ignore" });
async function all(argvs) {
    const t0 = performance.now();
    const r = await Promise.all(argvs.map(time));
    return {
        ms: performance.now() - t0,
        failed: r.filter((x) => !x.ok).length,
        errors: r.filter((x) => !x.ok).map((x) => x.err.trim().split("\n").pop()),
    };
}

const one = v.version(URI);
const list = [v.domstatsAll(URI), v.listNames(URI, "--persistent"), v.listNames(URI, "--autostart")];
const burst = Array.from(
    { length: 24 },
    (_, i) => [v.version(URI), v.nodeinfo(URI), v.capabilities(URI), v.listNames(URI)][i % 4],
);

for (const a of [one, ...list]) {
    const r = await time(a);
    if (!r.ok) {
        console.error(`bench ssh: ${a.join(" ")} failed: ${r.err}`);
        process.exit(1);
    }
}

const m = { cold: [[], []], one: [[], []], list: [[], []], burst: [[], []] };
const fails = [0, 0],
    errors = [];
for (let i = 0; i < REPS; i++) {
    closeMaster();
    m.cold[0].push((await time(ours(one))).ms);
    m.cold[1].push((await time(one)).ms);
    m.one[0].push((await time(ours(one))).ms);
    m.one[1].push((await time(one)).ms);
    m.list[0].push((await all(list.map(ours))).ms);
    m.list[1].push((await all(list)).ms);
    if (i < 5) {
        const o = await all(burst.map(ours)),
            t = await all(burst);
        m.burst[0].push(o.ms);
        m.burst[1].push(t.ms);
        fails[0] += o.failed;
        fails[1] += t.failed;
        errors.push(...o.errors, ...t.errors);
    }
}
const label = { theirsLabel: "libvirt's SSH per call" };
summary("one read-only call to a qemu+ssh host", m.one[0], m.one[1], label);
summary("the first call (no shared connection yet)", m.cold[0], m.cold[1], label);
summary("VM list refresh (3 bulk calls at once)", m.list[0], m.list[1], label);
summary("burst of 24 calls at once (a plan's pre-flight)", m.burst[0], m.burst[1], label);
console.log(
    `burst failures: ours ${fails[0]}, libvirt's SSH per call ${fails[1]} (of ${5 * burst.length} each)${errors.length ? `; e.g. ${[...new Set(errors)].slice(0, 3).join(" | ")}` : ""}`,
);
