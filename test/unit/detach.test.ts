import { argProblem } from "../../pkg/lib/runner";
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync as mkdtempRaw, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detachedArgv, parseJobStatus, readJobArgv } from "../../pkg/lib/detach";
import { HOSTILE } from "./hostile";

const made: string[] = [];
const mkdtempSync = (prefix: string) => { const d = mkdtempRaw(prefix); made.push(d); return d };
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }) });
const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
const waitFor = async (p: string) => { for (let i = 0; i < 200 && !existsSync(p); i++) await new Promise(r => setTimeout(r, 50)) };

describe("detached jobs (real setsid and sh)", () => {
    it("runs the argv exactly, records output and exit status", async () => {
        const dir = join(mkdtempSync(join(tmpdir(), "cm-job-")), "job 1 $(x)");
        const args = HOSTILE.filter(s => argProblem(s) === null);
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
        expect(parseJobStatus(run(readJobArgv(mkdtempSync(join(tmpdir(), "cm-job-")))))).toMatchObject({ exitStatus: null, lost: true });
    });
    it("refuses a relative job directory", () => expect(() => detachedArgv("rel", ["true"])).toThrow());
});
