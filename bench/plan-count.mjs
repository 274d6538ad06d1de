// Bench: the commands and SSH sessions of one evacuation plan's gather on the lab (issue #24 item 2), read
// from the plugin's own gather (src/plan/gather.ts) with the page's Runner layers (coalescing, SSH routing,
// the per-host throttle; src/boot.ts), over a counting Runner that runs each argv here as cockpit.spawn
// would (the same argv, an SSH target through the host's shared connection). Read-only: a gather only
// checks. Evacuates this host to the lab's known hosts (127.0.0.2, 127.0.0.3); prints the moves checked,
// the commands, the SSH sessions over the shared connections and the connections of libvirt's own
// transport, per host. Run under the lab lock. Usage: node bench/plan-count.mjs
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "rolldown";

const out = mkdtempSync(join(tmpdir(), "bench-plan-"));
let m;
try {
    await build({ input: { m: "bench/plan-entry.ts" }, output: { dir: out, format: "esm" }, logLevel: "silent" });
    m = await import(pathToFileURL(join(out, "m.js")).href);
} finally {
    rmSync(out, { recursive: true, force: true });
}

/** cockpit.spawn's part: runs the argv (over SSH for an SSH target) and fails with the same RunError causes. */
const node = {
    run(target, argv, options = {}) {
        m.checkArgv(argv);
        const full = m.targetArgv(target, argv);
        return new Promise((resolve, reject) => {
            const p = spawn(full[0], full.slice(1), { env: { ...process.env, LC_ALL: "C", LANG: "C" } });
            let stdout = "",
                stderr = "";
            p.stdout.on("data", (d) => (stdout += d));
            p.stderr.on("data", (d) => (stderr += d));
            const timer = options.timeoutMs ? setTimeout(() => p.kill("SIGTERM"), options.timeoutMs) : undefined;
            if (options.input !== undefined) p.stdin.end(options.input);
            else p.stdin.end();
            p.on("close", (code, signal) => {
                clearTimeout(timer);
                if (code === 0) resolve(stdout);
                else
                    reject(
                        m.toRunError(
                            { exit_status: code, exit_signal: signal, message: stderr },
                            argv,
                            target.kind === "ssh",
                        ),
                    );
            });
        });
    },
};
const calls = [];
const counting = {
    run(target, argv, options) {
        calls.push({ target, argv });
        return node.run(target, argv, options);
    },
};
const runner = new m.CoalescingRunner(new m.SshVirshRunner(new m.ThrottledRunner(counting)), m.readsOnly);

const refs = m.hostRefs(m.parseHostsConfig(readFileSync("/etc/cockpit-migrate/hosts.json", "utf8")).hosts);
const t0 = performance.now();
let moves = 0;
const g = await m.gather(runner, refs, ["localhost"], m.DEFAULT_POLICY, {
    copyStorage: false,
    includeShutOff: false,
    onProgress: (_done, total) => (moves = total),
});
const ms = performance.now() - t0;
const host = (c) => {
    if (c.target.kind === "ssh") return c.target.address;
    const named = c.argv.map((a) => /^qemu\+ssh:\/\/[^@]*@([^/]+)\//.exec(a)?.[1]).find(Boolean);
    return named ?? "this host";
};
const per = {};
for (const c of calls) per[host(c)] = (per[host(c)] ?? 0) + 1;
const sessions = calls.filter((c) => c.target.kind === "ssh").length;
const connections = calls.filter((c) => c.argv.some((a) => a.startsWith("qemu+ssh://"))).length;
console.log(
    `plan gather: ${g.vms.length} VMs × ${g.hosts.length} hosts (${moves} moves checked) in ${(ms / 1000).toFixed(1)} s: ` +
        `${calls.length} commands (${Object.entries(per)
            .map(([h, n]) => `${h} ${n}`)
            .join(", ")}), ${sessions + connections} SSH sessions (${sessions} over the shared connections, ` +
        `${connections} of libvirt's own transport); ${runner.shared} calls answered by one already running`,
);
for (const vm of g.vms) console.log(`  ${vm.name}: ${JSON.stringify(vm.blocked)}`);
