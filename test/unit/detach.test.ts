import { argProblem } from "../../pkg/lib/runner";
import { afterAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync as mkdtempRaw, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detachedArgv, parseJobStatus, readJobArgv, waitJob, waitJobArgv } from "../../pkg/lib/detach";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";

const made: string[] = [];
const mkdtempSync = (prefix: string) => {
    const d = mkdtempRaw(prefix);
    made.push(d);
    return d;
};
afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
});
const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
const waitFor = async (p: string) => {
    for (let i = 0; i < 200 && !existsSync(p); i++) await new Promise((r) => setTimeout(r, 50));
};

describe("detached jobs (real setsid and sh)", () => {
    it("runs the argv exactly, records output and exit status", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "job 1 $(x)");
        const args = HOSTILE.filter((s) => argProblem(s) === null);
        run(detachedArgv(dir, ["printf", "%s\\0", ...args]));
        await waitFor(join(dir, "status"));
        expect(readFileSync(join(dir, "stdout"), "utf8").split("\0").slice(0, -1)).toEqual(args);
        const st = parseJobStatus(run(readJobArgv(dir)));
        expect(st).toMatchObject({ exitStatus: 0, lost: false });
    });
    it("reports a failing command's status and stderr, and a running one", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        run(detachedArgv(dir, ["sh", "-c", "sleep 3; echo oops >&2; exit 3"]));
        await waitFor(join(dir, "pid"));
        expect(parseJobStatus(run(readJobArgv(dir)))).toMatchObject({ exitStatus: null, lost: false });
        await waitFor(join(dir, "status"));
        expect(parseJobStatus(run(readJobArgv(dir)))).toMatchObject({ exitStatus: 3, stderr: "oops" });
    });
    it("a directory with no job is 'lost'", () => {
        expect(parseJobStatus(run(readJobArgv(mkdtempSync(join(tmpdir(), "cm-job-")))))).toMatchObject({
            exitStatus: null,
            lost: true,
        });
    });
    it("a job that ends between the reader's status test and its process test is not 'lost'", async () => {
        // The interleaving made certain: a `cat` first in PATH holds the reader's pid read until the
        // job has written its status and exited, i.e. exactly inside the reader's window.
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        const bin = mkdtempSync(join(tmpdir(), "cm-bin-"));
        const realCat = run(["sh", "-c", "command -v cat"]).trim();
        writeFileSync(
            join(bin, "cat"),
            [
                "#!/bin/sh",
                'case "$1" in */pid) while kill -0 "$(' + realCat + ' "$1")" 2>/dev/null; do sleep 0.02; done;; esac',
                `exec ${realCat} "$@"`,
            ].join("\n") + "\n",
        );
        chmodSync(join(bin, "cat"), 0o755);
        run(detachedArgv(dir, ["sleep", "0.3"]));
        await waitFor(join(dir, "pid"));
        const out = execFileSync(readJobArgv(dir)[0]!, readJobArgv(dir).slice(1), {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        });
        expect(existsSync(join(dir, "status"))).toBe(true);
        expect(parseJobStatus(out)).toMatchObject({ exitStatus: 0, lost: false });
    });
    it("stress: reads racing many short jobs never call a finished job 'lost'", async () => {
        const base = mkdtempSync(join(tmpdir(), "cm-stress-"));
        // A shell loop starts the job, then runs the real reader (the argv readJobArgv builds) back to
        // back, so that reads overlap the job's end (Node's own spawns are too slow to land there).
        // Each read prints "1" or "0" (was the pid written before it started: a "lost" before that is
        // the start's own window, which jobEnded waits out), then the reader's first line.
        const POLL = [
            "reader=$1; dir=$2; shift 2",
            '"$@" || exit 1',
            "n=0; while [ $n -lt 3000 ]; do n=$((n+1))",
            '  if [ -s "$dir/pid" ]; then s=1; else s=0; fi',
            '  head=$(sh -c "$reader" sh "$dir" | head -n 1)',
            '  echo "$s $head"',
            "  case $head in status*) exit 0;; esac",
            "done",
        ].join("\n");
        // On a host, init (systemd) reaps the orphaned job the moment it exits; some container inits
        // reap seconds later, and a zombie passes `kill -0`, which hides the window. So the loop runs
        // under a child subreaper (prctl PR_SET_CHILD_SUBREAPER = 36) that reaps at once, as systemd does.
        const prctl = ({ x64: 157, arm64: 167 } as Record<string, number>)[process.arch];
        const REAPER =
            `syscall(${prctl}, 36, 1) == 0 or die "prctl: $!"; my $pid = fork // die; if (!$pid) { exec @ARGV or die }` +
            " my $st = 0; while ((my $w = waitpid(-1, 0)) > 0) { $st = $? if $w == $pid } exit($st >> 8)";
        const [, , reader] = readJobArgv("/x");
        const poll = (dir: string) => {
            const loop = ["sh", "-c", POLL, "sh", reader!, dir, ...detachedArgv(dir, ["true"])];
            const [file, ...args] = prctl === undefined ? loop : ["perl", "-e", REAPER, ...loop];
            return new Promise<string>((resolve, reject) =>
                execFile(file!, args, { encoding: "utf8", maxBuffer: 1 << 24 }, (e, out) =>
                    e ? reject(e) : resolve(out),
                ),
            );
        };
        let falseLost = 0,
            finished = 0;
        for (let batch = 0; batch < 60; batch++) {
            const outs = await Promise.all([0, 1, 2, 3].map((i) => poll(join(base, `${batch}-${i}`))));
            for (const line of outs.join("").split("\n")) {
                if (line === "1 lost") falseLost++;
                if (/^[01] status 0$/.test(line)) finished++;
            }
        }
        expect({ falseLost, finished }).toEqual({ falseLost: 0, finished: 240 });
    }, 120_000);
    it("refuses a relative job directory", () => expect(() => detachedArgv("rel", ["true"])).toThrow());
});

/** The Runner contract over execFile: a non-zero exit is a RunError "exit-status" with its status. */
const execRunner: Runner = {
    run: (_t, argv) =>
        new Promise((resolve, reject) =>
            execFile(argv[0]!, argv.slice(1), { encoding: "utf8" }, (e, out, err) =>
                e
                    ? reject(new RunError("exit-status", err, argv, typeof e.code === "number" ? e.code : 1, err))
                    : resolve(out),
            ),
        ),
};

describe("waiting for a detached job's end (real setsid, sh and flock)", () => {
    it("answers the moment the job's shell exits, even when it is asked before the job has its lock", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        const t0 = Date.now();
        run(detachedArgv(dir, ["sh", "-c", "sleep 0.5; echo done; exit 3"]));
        // asked at once: the job may not even have made its directory yet
        const job = await waitJob(execRunner, dir);
        expect(job).toMatchObject({ exitStatus: 3, lost: false, stdout: "done\n" });
        expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    });
    it("does not wait for what the command left running (the command does not hold the lock)", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        const t0 = Date.now();
        run(detachedArgv(dir, ["sh", "-c", 'sleep 30 > /dev/null 2>&1 & echo $! > "$0/left"; exit 0', dir]));
        expect(await waitJob(execRunner, dir)).toMatchObject({ exitStatus: 0 });
        expect(Date.now() - t0).toBeLessThan(20_000);
        process.kill(Number(readFileSync(join(dir, "left"), "utf8")));
    });
    it("a killed job frees its lock: the wait answers at once, with no status", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        run(detachedArgv(dir, ["sh", "-c", 'echo $$ > "$0/cmd"; exec sleep 30', dir]));
        await waitFor(join(dir, "cmd"));
        const waiting = waitJob(execRunner, dir);
        await new Promise((r) => setTimeout(r, 200));
        const t0 = Date.now();
        process.kill(Number(readFileSync(join(dir, "pid"), "utf8")), "SIGKILL"); // the job's shell, not its command
        // "lost" once init has reaped the shell (a zombie still passes kill -0): jobEnded and the poll decide
        expect(await waiting).toMatchObject({ exitStatus: null });
        expect(Date.now() - t0).toBeLessThan(10_000);
        process.kill(Number(readFileSync(join(dir, "cmd"), "utf8")));
    });
    it("a job without a lock (no flock where it ran, or an older version's) is not waited for: null", async () => {
        // a PATH with what the job needs, but no flock
        const bin = mkdtempSync(join(tmpdir(), "cm-bin-"));
        for (const tool of ["sh", "setsid", "mkdir", "mv", "cat", "true"]) {
            const real = run(["sh", "-c", 'command -v "$1"', "sh", tool]).trim();
            writeFileSync(join(bin, tool), `#!/bin/sh\nexec ${real} "$@"\n`);
            chmodSync(join(bin, tool), 0o755);
        }
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "j");
        const argv = detachedArgv(dir, ["true"]);
        execFileSync(join(bin, argv[0]!), argv.slice(1), { env: { PATH: bin } });
        await waitFor(join(dir, "status"));
        expect(existsSync(join(dir, "lock"))).toBe(false);
        expect(parseJobStatus(run(readJobArgv(dir)))).toMatchObject({ exitStatus: 0 });
        expect(await waitJob(execRunner, dir)).toBeNull();
        expect(() => run(waitJobArgv(dir))).toThrow(expect.objectContaining({ status: 3 }));
    });
});
