import { afterAll, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyErrors, copyImage, copyPipeline, CopyError, parseDdProgress, partPath } from "../../src/storage/copy";
import { RunnerFileStore } from "../../src/storage/remote-file";
import { clientCheck, parseDfAvail, parseProbe, serverCheck } from "../../src/storage/checks";
import { freeSpace, nfsProbe } from "../../src/storage/argv";
import { isTagConflict } from "../../pkg/lib/filestore";
import { argProblem } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { LOCAL, LocalRunner } from "./storage-helpers";

const dir = mkdtempSync(join(tmpdir(), "nfs-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runner = new LocalRunner();
const fast = () => new Promise<void>((r) => setTimeout(r, 30));
// names the runner accepts as arguments (argProblem: no NUL, no lone surrogates) and that can be a file name
const NAMES = [
    ...new Set(
        HOSTILE.filter(
            (n) => n && !n.includes("/") && argProblem(n) === null && n !== "." && n !== ".." && n.length < 200,
        ),
    ),
];

describe("dd progress", () => {
    it("reads the last report among CR-separated updates and record counts", () => {
        const err =
            "1048576 bytes (1.0 MB, 1.0 MiB) copied, 1 s, 1.0 MB/s\r4194304 bytes (4.2 MB, 4.0 MiB) copied, 2.00123 s, 2.1 MB/s\r2+1 records in\n2+1 records out\n5000000 bytes (5.0 MB, 4.8 MiB) copied, 2.5 s, 2.0 MB/s\n";
        expect(parseDdProgress(err)).toEqual({ bytes: 5000000, seconds: 2.5, rate: "2.0 MB/s" });
        expect(parseDdProgress("")).toBeNull();
        expect(copyErrors(err + "ssh: connect to host 10.0.0.9 port 22: Connection refused\n")).toBe(
            "ssh: connect to host 10.0.0.9 port 22: Connection refused",
        );
    });
});

describe("copy pipeline, run for real on this machine", () => {
    const copy = (src: string, part: string) => {
        const argv = copyPipeline(LOCAL, src, LOCAL, part);
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        expect(readFileSync(part).equals(readFileSync(src))).toBe(true);
    };
    it("copies files with hostile names byte for byte", () => {
        for (const name of NAMES) {
            const src = join(dir, "src-" + name);
            writeFileSync(src, name.repeat(50));
            copy(src, join(dir, "dst-" + name + ".part"));
        }
    }, 60_000);
    it("keeps holes: an all-zero 4 MiB block is not written", () => {
        const src = join(dir, "sparse-src"),
            part = join(dir, "sparse.part");
        writeFileSync(src, Buffer.concat([Buffer.from("head"), Buffer.alloc(9 << 20), Buffer.from("end")]));
        copy(src, part);
        expect(statSync(part).blocks * 512).toBeLessThan(statSync(src).size - (3 << 20));
    }, 60_000);
    it("refuses to write over an existing .part file (conv=excl)", () => {
        const src = join(dir, "excl-src"),
            part = join(dir, "excl.part");
        writeFileSync(src, "new");
        writeFileSync(part, "old");
        const argv = copyPipeline(LOCAL, src, LOCAL, part);
        expect(spawnSync(argv[0]!, argv.slice(1)).status).not.toBe(0);
        expect(readFileSync(part, "utf8")).toBe("old");
    });
    it("the writer's and the reader's errors come out as whole lines, never cut by dd's progress", () => {
        const src = join(dir, "lines-src");
        writeFileSync(src, "image");
        for (let i = 0; i < 40; i++) {
            const argv = copyPipeline(LOCAL, src, LOCAL, join(dir, "no-such-dir", "x"));
            const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
            expect(r.status).not.toBe(0);
            expect(copyErrors(r.stderr)).toMatch(/^dd: failed to open '.*x': No such file or directory$/);
            const gone = copyPipeline(LOCAL, join(dir, "no-such-src"), LOCAL, join(dir, `lines-${i}.part`));
            const g = spawnSync(gone[0]!, gone.slice(1), { encoding: "utf8" });
            expect(g.status).not.toBe(0);
            expect(copyErrors(g.stderr)).toMatch(/^cat: .*no-such-src: No such file or directory$/);
        }
    }, 60_000);
});

describe("copyImage: detached job, progress, SHA-256, never overwrite without the choice", () => {
    const req = (name: string, overwrite = false) => ({
        source: LOCAL,
        sourcePath: join(dir, `ci-src-${name}`),
        storage: LOCAL,
        dest: join(dir, `ci-dst-${name}`),
        overwrite,
        jobDir: join(dir, `job-${name}-${overwrite}`),
    });
    it("copies, reports progress with the total, verifies, renames into place", { timeout: 60_000 }, async () => {
        const r = req("a b'$(x)");
        writeFileSync(r.sourcePath, Buffer.alloc(3 << 20, 7));
        const seen: number[] = [];
        const out = await copyImage(
            runner,
            r,
            (p) => {
                seen.push(p.bytes);
                expect(p.total).toBe(3 << 20);
            },
            fast,
        );
        expect(out.copied).toBe(true);
        expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(readFileSync(r.dest).equals(readFileSync(r.sourcePath))).toBe(true);
        expect(existsSync(partPath(r.dest))).toBe(false);
        expect(seen[seen.length - 1]).toBe(3 << 20);
    });
    it(
        "an identical file already there is reused; a different one is left alone unless overwrite is chosen",
        { timeout: 60_000 },
        async () => {
            const r = req("exists");
            writeFileSync(r.sourcePath, "image");
            writeFileSync(r.dest, "image");
            expect((await copyImage(runner, r, () => undefined, fast)).copied).toBe(false);
            writeFileSync(r.dest, "the admin's other file");
            await expect(copyImage(runner, r, () => undefined, fast)).rejects.toThrow(CopyError);
            expect(readFileSync(r.dest, "utf8")).toBe("the admin's other file");
            expect((await copyImage(runner, req("exists", true), () => undefined, fast)).copied).toBe(true);
            expect(readFileSync(r.dest, "utf8")).toBe("image");
        },
    );
    it("a failing copy says why and leaves no .part file", async () => {
        const r = { ...req("fail"), dest: join(dir, "no-such-dir", "x") };
        writeFileSync(r.sourcePath, "image");
        await expect(copyImage(runner, r, () => undefined, fast)).rejects.toThrow(
            /failed: .*No such file or directory/,
        );
    });
});

describe("RunnerFileStore (tag = SHA-256), run for real", () => {
    const store = new RunnerFileStore(runner, { kind: "local" });
    it("reads a missing file as null, creates, replaces with the tag, refuses a stale tag, keeps the mode", async () => {
        for (const name of NAMES.slice(0, 20)) {
            const p = join(dir, "rf-" + name);
            expect(await store.read(p)).toEqual({ content: null, tag: null });
            const t1 = await store.replace(p, "one\n", null);
            expect(await store.read(p)).toEqual({ content: "one\n", tag: t1 });
            chmodSync(p, 0o640);
            const t2 = await store.replace(p, "two\n", t1);
            expect(statSync(p).mode & 0o777).toBe(0o640);
            const e = await store.replace(p, "three\n", t1).catch((x) => x);
            expect(isTagConflict(e)).toBe(true);
            expect((await store.read(p)).content).toBe("two\n");
            expect(t2).not.toBe(t1);
            await expect(store.replace(p, "x", null)).rejects.toSatisfy(isTagConflict);
        }
    }, 60_000);
    it("a stale tag with a large new content is still a conflict (the script reads it all, no broken pipe)", async () => {
        const p = join(dir, "rf-large");
        const t1 = await store.replace(p, "one\n", null);
        await store.replace(p, "two\n", t1);
        await expect(store.replace(p, "x".repeat(4 << 20), t1)).rejects.toSatisfy(isTagConflict);
        expect((await store.read(p)).content).toBe("two\n");
    });
});

describe("prerequisite probes", () => {
    it("parses the probe's words", () => {
        const p = parseProbe("bin exportfs\nbin mount.nfs\nfs nfsd\nmodule nfs\nnfsd-threads 8\nrunning rpc.mountd\n");
        const h = { ...LOCAL, label: "st" };
        expect(serverCheck(h, p, []).severity).toBe("pass");
        expect(serverCheck(h, parseProbe("bin exportfs\n"), []).title).toBe(
            "The kernel of st has no NFS server (nfsd)",
        );
        expect(serverCheck(h, parseProbe(""), []).fix).toMatch(/nfs-kernel-server/);
        expect(serverCheck(h, parseProbe("running ganesha.nfsd\n"), []).title).toMatch(/NFS-Ganesha/);
        expect(clientCheck(h, parseProbe("bin mount.nfs\n"), []).title).toBe("The kernel of st cannot mount NFS");
        expect(clientCheck(h, parseProbe("module nfs\n"), []).fix).toMatch(/nfs-common/);
    });
    it("the real probe script runs here and prints only known words", () => {
        const argv = nfsProbe();
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
        expect(r.status).toBe(0);
        for (const l of r.stdout.split("\n").filter(Boolean))
            expect(l).toMatch(/^(bin|fs|module|nfsd-threads|running) \S+$/);
        expect(r.stdout.includes("fs nfsd")).toBe(
            readFileSync("/proc/filesystems", "utf8").split(/\s+/).includes("nfsd"),
        );
    });
    it("free space of a directory that does not exist yet comes from its nearest parent", () => {
        const argv = freeSpace(join(dir, "not", "yet", "there"));
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
        expect(parseDfAvail(r.stdout)).toBeGreaterThan(0);
    });
});
