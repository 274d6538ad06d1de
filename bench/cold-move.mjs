// Bench: a cold move's copy (src/coldmove: `tar --sparse | dd | ssh B tar -x`, then SHA-256 on both hosts and the
// rename into place) vs bare pipelines of the same files between the same hosts, alternating in one run:
// - bare dd: `dd if=FILE bs=4M | ssh B dd of=… bs=4M conv=sparse` (what an admin types; it reads and sends every
//   byte, holes included);
// - bare tar: `tar -cS | ssh B tar -xS` (sparse, as ours, without dd's progress);
// ours: the copy pipeline alone (copyArgv) and the whole job without a VM (coldMoveArgv, `true` for virsh migrate).
// Files: a raw image of 1 GiB with 192 MiB of random data and a qcow2 (2 GiB virtual, 64 MiB written), on this
// host (A); destination lab host B (127.0.0.2), in its own /var/lib/libvirt/images (not shared with A).
// Prints seconds, MiB/s of the allocated bytes, transferred bytes against allocated, and ours / bare.
// Needs the lab up. Usage: node bench/cold-move.mjs [reps=3]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "rolldown";

const REPS = Number(process.argv[2] ?? 3);
const B = { kind: "ssh", address: "127.0.0.2", user: "root" };
const LOCAL = { kind: "local" };
const UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";
const DEST = "/var/lib/libvirt/images/lab-e2e-h22-bench";

const out = mkdtempSync(join(tmpdir(), "bench-cold-"));
let mod;
try {
    await build({ input: { m: "bench/cold-move-entry.ts" }, output: { dir: out, format: "esm" }, logLevel: "silent" });
    mod = await import(pathToFileURL(join(out, "m.js")).href);
} finally {
    rmSync(out, { recursive: true, force: true });
}
const { copyArgv, coldMoveArgv, parseColdProgress, sshArgv } = mod;

const run = (argv, what) => {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
    return { s: (performance.now() - t0) / 1000, stdout: r.stdout, stderr: r.stderr };
};
const sh = (...argv) => run(argv, argv.join(" "));
const onB = (...argv) => sh(...sshArgv("127.0.0.2", "root", undefined, argv));

const src = mkdtempSync("/var/tmp/bench-cold-src-");
const raw = join(src, "data.raw");
const qcow = join(src, "disk.qcow2");
sh("truncate", "-s", "1G", raw);
sh("dd", "if=/dev/urandom", `of=${raw}`, "bs=4M", "count=48", "seek=16", "conv=notrunc", "status=none");
sh("qemu-img", "create", "-q", "-f", "qcow2", qcow, "2G");
sh("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 64M", qcow);
const paths = [raw, qcow];
const alloc = (p) => statSync(p).blocks * 512;
const files = paths.map((p, i) => ({
    kind: "disk",
    target: i ? "vdb" : "vda",
    path: p,
    destPath: `${DEST}/${p.split("/").at(-1)}`,
    format: i ? "qcow2" : "raw",
    virtualBytes: statSync(p).size,
    allocatedBytes: alloc(p),
}));
const allocated = files.reduce((a, f) => a + f.allocatedBytes, 0);
const virtual = files.reduce((a, f) => a + f.virtualBytes, 0);
const reset = () => onB("sh", "-c", 'rm -rf -- "$1" && mkdir -p -- "$1"', "reset", DEST);
const destAllocated = () => Number(onB("du", "-s", "-B1", "--", DEST).stdout.split(/\s/)[0]);

const ddBytes = (stderr) =>
    [...stderr.matchAll(/^(\d+) bytes\b.*copied/gm)].map((m) => Number(m[1])).filter((n) => n > 0);

const variants = {
    "bare dd | ssh dd conv=sparse": () => {
        let s = 0;
        for (const f of files)
            s += run(
                [
                    "bash",
                    "-c",
                    'dd if="$1" bs=4M status=none | ssh -o BatchMode=yes root@127.0.0.2 dd of="$2" bs=4M conv=sparse status=none',
                    "bare",
                    f.path,
                    f.destPath,
                ],
                "bare dd",
            ).s;
        return { s, sent: virtual };
    },
    "bare tar -cS | ssh tar -xS": () => {
        let s = 0;
        for (const f of files)
            s += run(
                [
                    "bash",
                    "-c",
                    'tar -cS -f - -C "$(dirname "$1")" -- "$(basename "$1")" | ssh -o BatchMode=yes root@127.0.0.2 tar -xS -f - -C "$2"',
                    "bare",
                    f.path,
                    DEST,
                ],
                "bare tar",
            ).s;
        return { s, sent: null };
    },
    "ours: copy pipeline": () => {
        let s = 0,
            sent = 0;
        for (const f of files) {
            const r = run(copyArgv(LOCAL, B, f, UUID), "ours copy");
            s += r.s;
            sent += ddBytes(r.stderr).at(-1) ?? 0;
        }
        return { s, sent };
    },
    "ours: whole job (copy, SHA-256 on both, place)": () => {
        const job = mkdtempSync(join(tmpdir(), "bench-cold-job-"));
        try {
            const argv = coldMoveArgv(
                {
                    source: LOCAL,
                    destination: B,
                    destinationUri: "test:///default",
                    uuid: UUID,
                    files,
                    migrate: ["true"],
                    replace: false,
                    removeSource: false,
                },
                job,
            );
            const r = run(["bash", "-c", '"${@:2}" > "$1/stdout" 2> "$1/stderr"', "job", job, ...argv], "ours job");
            const p = parseColdProgress(spawnSync("cat", [join(job, "stdout")], { encoding: "utf8" }).stdout, files);
            return { s: r.s, sent: p.bytes };
        } finally {
            rmSync(job, { recursive: true, force: true });
        }
    },
};

const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
try {
    for (let i = 0; i < REPS; i++)
        for (const [k, f] of Object.entries(variants)) {
            reset();
            const r = f();
            r.destAllocated = destAllocated();
            results[k].push(r);
        }
} finally {
    rmSync(src, { recursive: true, force: true });
    onB("rm", "-rf", "--", DEST);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = 1048576;
console.log(
    `files: ${(virtual / MiB).toFixed(0)} MiB virtual, ${(allocated / MiB).toFixed(1)} MiB allocated; A → B, ${REPS} runs each, medians`,
);
const base = median(results["bare tar -cS | ssh tar -xS"].map((r) => r.s));
const dd = median(results["bare dd | ssh dd conv=sparse"].map((r) => r.s));
for (const [k, rs] of Object.entries(results)) {
    const s = median(rs.map((r) => r.s));
    const sent = rs[0].sent;
    console.log(
        `${k.padEnd(48)} ${s.toFixed(2)} s  ${(allocated / MiB / s).toFixed(0)} MiB/s of allocated` +
            `  sent ${sent === null ? "—" : `${(sent / allocated).toFixed(3)} × allocated`}` +
            `  on B ${(median(rs.map((r) => r.destAllocated)) / allocated).toFixed(3)} × allocated` +
            `  throughput vs bare tar ${(base / s).toFixed(2)}, vs bare dd ${(dd / s).toFixed(2)}`,
    );
}
