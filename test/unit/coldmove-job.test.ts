import { afterAll, describe, expect, it } from "vitest";
import {
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    readdirSync,
    rmSync,
    statSync,
    writeFileSync,
} from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    coldMoveArgv,
    coldMoveCancelArgv,
    coldMoveCommands,
    parseColdProgress,
    type ColdMoveJob,
} from "../../src/coldmove/job";
import { copyArgv } from "../../src/coldmove/copy";
import type { CarriedFile } from "../../src/coldmove/files";
import { LOCAL } from "../../pkg/lib/runner";
import type { DomainUuid } from "../../src/virsh/argv";

// The test driver's built-in domain: a real `virsh dominfo` answers for it without a daemon.
const TEST_URI = "test:///default";
const TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f" as DomainUuid;

const root = mkdtempSync(join(tmpdir(), "cold-move-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sh = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
/** Runs a job as detach.ts does (stdout and stderr into the job directory) and waits for it. */
function runJob(argv: string[], jobDir: string) {
    const r = spawnSync("bash", ["-c", '"${@:2}" > "$1/stdout" 2> "$1/stderr"', "job", jobDir, ...argv]);
    return {
        status: r.status,
        stdout: readFileSync(join(jobDir, "stdout"), "utf8"),
        stderr: readFileSync(join(jobDir, "stderr"), "utf8"),
    };
}
const allocated = (p: string) => statSync(p).blocks * 512;

let n = 0;
/** A source directory with a sparse raw image (32 MiB, 2 MiB data) and a qcow2, and an empty destination. */
function setup(name = "disk -x 'a\" b.raw") {
    const dir = join(root, String(n++));
    const src = join(dir, "src");
    const dst = join(dir, "dst");
    mkdirSync(src, { recursive: true });
    mkdirSync(dst);
    const raw = join(src, name);
    expect(sh(["truncate", "-s", "32M", raw]).status).toBe(0);
    expect(
        sh(["dd", "if=/dev/urandom", `of=${raw}`, "bs=1M", "count=2", "seek=10", "conv=notrunc", "status=none"]).status,
    ).toBe(0);
    const qcow = join(src, "vdb.qcow2");
    expect(sh(["qemu-img", "create", "-q", "-f", "qcow2", qcow, "1G"]).status).toBe(0);
    const files: CarriedFile[] = [raw, qcow].map((p, i) => ({
        kind: "disk",
        target: i ? "vdb" : "vda",
        path: p,
        destPath: join(dst, p.slice(src.length + 1)),
        format: i ? "qcow2" : "raw",
        virtualBytes: 0,
        allocatedBytes: allocated(p),
    }));
    const jobDir = join(dir, "job");
    mkdirSync(jobDir);
    return { src, dst, raw, qcow, files, jobDir };
}

const job = (files: CarriedFile[], over: Partial<ColdMoveJob> = {}): ColdMoveJob => ({
    source: LOCAL,
    destination: LOCAL,
    destinationUri: TEST_URI,
    uuid: TEST_UUID,
    files,
    migrate: ["true"],
    replace: false,
    removeSource: false,
    ...over,
});

describe("cold move job, run for real on this machine (tar --sparse | dd | tar -x)", { timeout: 60_000 }, () => {
    it("copies every file with its holes, verifies it, places it, and keeps the source", () => {
        const s = setup();
        const r = runJob(coldMoveArgv(job(s.files), s.jobDir), s.jobDir);
        expect(r.stderr).toContain("verified 2/2");
        expect(r.status).toBe(0);
        for (const f of s.files) {
            expect(readFileSync(f.destPath).equals(readFileSync(f.path))).toBe(true);
            expect(existsSync(f.path)).toBe(true);
        }
        // the 64 MiB raw image with 2 MiB of data occupies about 2 MiB on the destination too
        expect(allocated(s.files[0]!.destPath)).toBeLessThanOrEqual(allocated(s.raw) * 1.05 + 65536);
        expect(readdirSync(s.dst).sort()).toEqual(s.files.map((f) => f.destPath.slice(s.dst.length + 1)).sort());
        expect(readFileSync(join(s.jobDir, "notes"), "utf8").trim()).toBe("migrate");
        const p = parseColdProgress(r.stdout, s.files);
        expect(p.file).toBe(2);
        expect(p.bytes).toBeGreaterThan(allocated(s.raw));
        expect(p.bytes).toBeLessThanOrEqual(p.total);
    });

    it("a definition that does not move removes what it placed on the destination; the source is intact", () => {
        const s = setup();
        const r = runJob(coldMoveArgv(job(s.files, { migrate: ["false"] }), s.jobDir), s.jobDir);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("the definition did not move");
        expect(readdirSync(s.dst)).toEqual([]);
        for (const f of s.files) expect(existsSync(f.path)).toBe(true);
    });

    it("never replaces a file already at the destination path unless asked", () => {
        const s = setup();
        writeFileSync(s.files[1]!.destPath, "theirs");
        const r = runJob(coldMoveArgv(job(s.files), s.jobDir), s.jobDir);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("could not move the copy of disk vdb");
        expect(readFileSync(s.files[1]!.destPath, "utf8")).toBe("theirs");
        // the first file was placed, then taken back with the staging directory
        expect(readdirSync(s.dst)).toEqual([s.files[1]!.destPath.slice(s.dst.length + 1)]);

        const again = runJob(coldMoveArgv(job(s.files, { replace: true }), s.jobDir), s.jobDir);
        expect(again.status).toBe(0);
        expect(readFileSync(s.files[1]!.destPath).equals(readFileSync(s.qcow))).toBe(true);
    });

    it("a copy that fails (the source file is gone) leaves nothing on the destination", () => {
        const s = setup();
        const files = [...s.files, { ...s.files[1]!, path: join(s.src, "gone.qcow2"), destPath: join(s.dst, "gone") }];
        const r = runJob(coldMoveArgv(job(files), s.jobDir), s.jobDir);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("copying disk vdb");
        // tar's own words, without dd's progress
        expect(r.stderr).toMatch(/tar: gone.qcow2: Cannot stat: No such file or directory/);
        expect(r.stderr).not.toMatch(/records in|bytes .* copied/);
        expect(readdirSync(s.dst)).toEqual([]);
    });

    it("removes the source's files only when asked, once libvirt on the destination lists the VM", () => {
        const s = setup();
        expect(runJob(coldMoveArgv(job(s.files, { removeSource: true }), s.jobDir), s.jobDir).status).toBe(0);
        for (const f of s.files) {
            expect(existsSync(f.path)).toBe(false);
            expect(existsSync(f.destPath)).toBe(true);
        }
        const t = setup();
        const unknown = "00000000-0000-0000-0000-000000000001" as DomainUuid;
        const r = runJob(coldMoveArgv(job(t.files, { removeSource: true, uuid: unknown }), t.jobDir), t.jobDir);
        expect(r.status).toBe(0);
        expect(r.stderr).toContain("the source files were kept");
        for (const f of t.files) expect(existsSync(f.path)).toBe(true);
    });

    it("Cancel ends the copy at once and removes what was placed", async () => {
        const s = setup();
        const argv = coldMoveArgv(job(s.files), s.jobDir);
        // the second file's copy made slow: its count-prefixed group replaced by a long sleep
        const copy = copyArgv(LOCAL, LOCAL, s.files[1]!, TEST_UUID);
        const at = argv.findIndex((w, i) => w === String(copy.length) && copy.every((c, j) => argv[i + 1 + j] === c));
        expect(at).toBeGreaterThan(0);
        argv.splice(at, copy.length + 1, "2", "sleep", "60");
        const child = spawn("bash", ["-c", '"${@:2}" > "$1/stdout" 2> "$1/stderr"', "job", s.jobDir, ...argv]);
        const ended = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
        const started = Date.now();
        while (!readFileSync(join(s.jobDir, "stdout"), { encoding: "utf8", flag: "a+" }).includes("copying 2/2"))
            await new Promise((r) => setTimeout(r, 50));
        expect(sh(coldMoveCancelArgv(s.jobDir)).status).toBe(0);
        expect(await ended).toBe(1);
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(readFileSync(join(s.jobDir, "stderr"), "utf8")).toMatch(/job was canceled by the admin/);
        expect(readdirSync(s.dst)).toEqual([]);
        for (const f of s.files) expect(existsSync(f.path)).toBe(true);
    });

    it("carries a directory (the TPM state) file by file", () => {
        const s = setup();
        const tpm = join(s.src, "swtpm-uuid");
        mkdirSync(join(tpm, "tpm2"), { recursive: true });
        writeFileSync(join(tpm, "tpm2", "tpm2-00.permall"), "state");
        const f: CarriedFile = {
            kind: "tpm",
            target: null,
            path: tpm,
            destPath: join(s.dst, "swtpm-uuid"),
            format: "dir",
            virtualBytes: null,
            allocatedBytes: null,
        };
        expect(runJob(coldMoveArgv(job([f]), s.jobDir), s.jobDir).status).toBe(0);
        expect(readFileSync(join(s.dst, "swtpm-uuid", "tpm2", "tpm2-00.permall"), "utf8")).toBe("state");
    });
});

describe("where the copy runs", () => {
    const f: CarriedFile = {
        kind: "disk",
        target: "vda",
        path: "/var/lib/libvirt/images/a.qcow2",
        destPath: "/var/lib/libvirt/images/a.qcow2",
        format: "qcow2",
        virtualBytes: 1,
        allocatedBytes: 1,
    };
    const B = { kind: "ssh", address: "127.0.0.2", user: "root" } as const;
    const C = { kind: "ssh", address: "127.0.0.3", user: "root" } as const;

    it("on the source, whose ssh reaches the destination, when neither end is this host", () => {
        const argv = copyArgv(B, C, f, "id1");
        expect(argv[0]).toBe("ssh");
        expect(argv).toContain("127.0.0.2");
        expect(argv.join(" ")).toContain("'127.0.0.3'");
        expect(argv).not.toContain("127.0.0.3");
    });

    it("here with the reader over ssh when the destination is this host", () => {
        const argv = copyArgv(B, LOCAL, f, "id1");
        expect(argv[0]).toBe("bash");
        expect(argv).toContain("127.0.0.2");
        expect(argv[argv.length - 1]).toBe("/var/lib/libvirt/images/.cockpit-migrate-id1");
    });

    it("shows every command the job runs", () => {
        const cmds = coldMoveCommands(job([f], { source: LOCAL, destination: B, removeSource: true }));
        expect(cmds.map((c) => c[0])).toEqual(["bash", "sh", "ssh", "ssh", "ssh", "true", "virsh", "rm"]);
    });
});
