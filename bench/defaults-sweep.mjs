// Bench: migration throughput of the plugin's default options vs --parallel with 1–4 connections,
// on the lab (A → B over SSH, the plugin's transport), with a 512 MiB guest of which ~384 MiB are
// random data (lab kind "bigram"). Every argv comes from the plugin's own builders
// (src/migration/options.ts defaultOptions + migrateArgv), loaded through Vite; run as bare virsh.
// Throughput = memory processed / job time from `domjobinfo --completed` on the destination.
// Goal: the defaults reach ≥ 90 % of the best configuration's median throughput.
// Run under the lab lock (npm run bench does). Usage: node bench/defaults-sweep.mjs [reps=5]
import { execFileSync, spawnSync } from "node:child_process";
import { runnerImport } from "vite";
import { ROOT } from "../scripts/setup.mjs";
import { labAddKnownHosts } from "../scripts/lab-control.mjs";
import { stats, summary } from "./lib.mjs";

const REPS = Number(process.argv[2] ?? 5);
const GUEST = "lab-bench-sweep";
const SRC = "qemu:///system";
const DEST = "qemu+ssh://root@127.0.0.2/system?no_tty=1";
const DEST_TCP = "qemu+tcp://127.0.0.2/system";
const load = async (path) => (await runnerImport(`${ROOT}/${path}`, { configFile: false, logLevel: "silent" })).module;
const { defaultOptions, migrateArgv } = await load("src/migration/options.ts");
const lab = (...a) =>
    execFileSync("bash", [`${ROOT}/test/lab/lab.sh`, ...a], { stdio: ["ignore", "ignore", "inherit"] });

const base = defaultOptions("running");
const configs = [
    { name: "defaults", options: base },
    ...[1, 2, 3, 4].map((n) => ({ name: `--parallel-connections ${n}`, options: { ...base, parallelConnections: n } })),
];

function migrateOnce(config) {
    lab("guest", "a", GUEST, "bigram", "--start");
    const argv = migrateArgv(SRC, GUEST, DEST, config.options);
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    const info = spawnSync("virsh", ["-c", DEST_TCP, "domjobinfo", "--domain", GUEST, "--completed", "--rawstats"], {
        encoding: "utf8",
    }).stdout;
    const field = (k) => Number(new RegExp(`^${k}\\s*:\\s*(\\d+)`, "m").exec(info)?.[1] ?? NaN);
    const bytes = field("memory_processed"),
        jobMs = field("time_elapsed");
    const mibs = bytes / 1048576 / (jobMs / 1000);
    console.log(
        `  ${config.name}: ${mibs.toFixed(0)} MiB/s (${(bytes / 1048576).toFixed(0)} MiB in ${jobMs} ms; virsh wall ${wallMs.toFixed(0)} ms)  ${argv.slice(3).join(" ")}`,
    );
    return { mibs, wallMs };
}

labAddKnownHosts();
const results = new Map(configs.map((c) => [c.name, { mibs: [], wallMs: [] }]));
try {
    for (let i = 0; i < REPS; i++) {
        const order = i % 2 ? [...configs].reverse() : configs;
        for (const c of order) {
            const r = migrateOnce(c);
            results.get(c.name).mibs.push(r.mibs);
            results.get(c.name).wallMs.push(r.wallMs);
        }
    }
} finally {
    spawnSync("virsh", ["-c", DEST_TCP, "destroy", "--domain", GUEST], { stdio: "ignore" });
    spawnSync("virsh", ["-c", DEST_TCP, "undefine", "--domain", GUEST], { stdio: "ignore" });
}
const best = configs
    .slice(1)
    .reduce(
        (a, c) => (stats(results.get(c.name).mibs).median > stats(results.get(a.name).mibs).median ? c : a),
        configs[1],
    );
for (const c of configs.slice(1))
    summary(`migration throughput, defaults vs ${c.name}`, results.get("defaults").mibs, results.get(c.name).mibs, {
        unit: "MiB/s",
        theirsLabel: c.name,
    });
summary(
    `migration throughput, defaults vs best of sweep (${best.name}; goal ratio >= 0.90)`,
    results.get("defaults").mibs,
    results.get(best.name).mibs,
    { unit: "MiB/s", theirsLabel: "best" },
);
summary(
    `migration wall time (virsh), defaults vs best of sweep (${best.name})`,
    results.get("defaults").wallMs,
    results.get(best.name).wallMs,
    { theirsLabel: "best" },
);
