import { argProblem } from "../../pkg/lib/runner";
import { afterAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync as mkdtempRaw, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detachedArgv, parseJobStatus, readJobArgv } from "../../pkg/lib/detach";
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
