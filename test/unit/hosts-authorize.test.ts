import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    appendLinesArgv,
    AUTHORIZED_KEYS,
    hostPublicKey,
    parsePublicKey,
    publicKeyArgv,
    sshConfigArgv,
    sshConfigValues,
} from "../../src/hosts/authorize";
import { LOCAL } from "../../pkg/lib/runner";
import { ScriptedRunner } from "./fakes";
import { HOSTILE } from "./hostile";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function home(): string {
    const d = mkdtempSync(join(tmpdir(), "cm-authorize-"));
    dirs.push(d);
    return d;
}
/** Runs an argv for real, with HOME set (as ssh gives a remote command its user's home). */
function run(argv: string[], HOME: string) {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { PATH: process.env.PATH, HOME } });
    return { status: r.status, out: r.stdout, err: r.stderr };
}
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dA root@a";

describe("adding keys to authorized_keys / known_hosts (real sh)", () => {
    it("creates ~/.ssh 0700 and the file 0600, adds each line once, keeps what was there", () => {
        const h = home();
        expect(run(appendLinesArgv(AUTHORIZED_KEYS, [KEY]), h)).toMatchObject({ status: 0, out: "added 1\n" });
        expect(statSync(join(h, ".ssh")).mode & 0o777).toBe(0o700);
        expect(statSync(join(h, ".ssh/authorized_keys")).mode & 0o777).toBe(0o600);
        expect(run(appendLinesArgv(AUTHORIZED_KEYS, [KEY]), h).out).toBe("added 0\n");
        expect(readFileSync(join(h, ".ssh/authorized_keys"), "utf8")).toBe(KEY + "\n");
    });

    it("a file without a final newline, with its own mode: the line goes on a new line, the mode stays", () => {
        const h = home();
        mkdirSync(join(h, ".ssh"), { mode: 0o755 });
        writeFileSync(join(h, ".ssh/known_hosts"), "old line");
        chmodSync(join(h, ".ssh/known_hosts"), 0o644);
        expect(run(appendLinesArgv("~/.ssh/known_hosts", ["new line", "old line"]), h).out).toBe("added 1\n");
        expect(readFileSync(join(h, ".ssh/known_hosts"), "utf8")).toBe("old line\nnew line\n");
        expect(statSync(join(h, ".ssh/known_hosts")).mode & 0o777).toBe(0o644);
        expect(statSync(join(h, ".ssh")).mode & 0o777).toBe(0o755);
    });

    it("hostile lines are data: each is found back exactly, as a whole line, and no file is left beside", () => {
        const h = home();
        const lines = HOSTILE.filter((s) => s.trim() !== "" && !/[\r\n\0]/.test(s) && !/[\uD800-\uDFFF]/.test(s));
        const file = join(h, "x", "list");
        expect(run(appendLinesArgv(file, lines), h).status).toBe(0);
        const got = readFileSync(file, "utf8").split("\n").slice(0, -1);
        expect(new Set(got)).toEqual(new Set(lines));
        expect(spawnSync("ls", ["-A", join(h, "x")], { encoding: "utf8" }).stdout).toBe("list\n");
    });

    it("refuses empty lines and lines with a line break before anything runs", () => {
        expect(() => appendLinesArgv(AUTHORIZED_KEYS, [])).toThrow(/one non-empty line/);
        expect(() => appendLinesArgv(AUTHORIZED_KEYS, ["a\nb"])).toThrow(/one non-empty line/);
        expect(() => appendLinesArgv(AUTHORIZED_KEYS, [" "])).toThrow(/one non-empty line/);
    });
});

describe("the key ssh would offer (real sh, real ssh-keygen)", () => {
    it("an identity with a .pub is used as it is; nothing is created", () => {
        const h = home();
        mkdirSync(join(h, "keys"));
        spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(h, "keys/lab")]);
        const before = readFileSync(join(h, "keys/lab"), "utf8");
        const r = run(publicKeyArgv(["~/.ssh/id_rsa", join(h, "keys/lab"), "~/.ssh/id_ed25519"]), h);
        const key = parsePublicKey(r.out);
        expect(key).toMatchObject({ path: join(h, "keys/lab"), created: false });
        expect(key.line).toBe(readFileSync(join(h, "keys/lab.pub"), "utf8").trim());
        expect(existsSync(join(h, ".ssh"))).toBe(false);
        expect(readFileSync(join(h, "keys/lab"), "utf8")).toBe(before);
    });

    it("none: an ed25519 key is created at the id_ed25519 path (0600, directory 0700)", () => {
        const h = home();
        const key = parsePublicKey(run(publicKeyArgv(["~/.ssh/id_rsa", "~/.ssh/id_ed25519"]), h).out);
        expect(key).toMatchObject({ path: join(h, ".ssh/id_ed25519"), created: true });
        expect(key.line).toMatch(/^ssh-ed25519 AAAA/);
        expect(statSync(join(h, ".ssh/id_ed25519")).mode & 0o777).toBe(0o600);
        expect(statSync(join(h, ".ssh")).mode & 0o777).toBe(0o700);
    });

    it("a private key without .pub at the id_ed25519 path is never overwritten: an error", () => {
        const h = home();
        mkdirSync(join(h, ".ssh"));
        writeFileSync(join(h, ".ssh/id_ed25519"), "PRIVATE");
        const r = run(publicKeyArgv(["~/.ssh/id_ed25519"]), h);
        expect(r.status).toBe(3);
        expect(r.err).toMatch(/no free id_ed25519/);
        expect(readFileSync(join(h, ".ssh/id_ed25519"), "utf8")).toBe("PRIVATE");
    });

    it("reads the identity files from `ssh -G` for that destination, on the host asked", async () => {
        const out = "user root\nidentityfile /var/lib/lab/id_ed25519\nuserknownhostsfile /a /b\n";
        const runner = new ScriptedRunner([
            [/^ssh -G/, out],
            [/^sh -c/, `key /var/lib/lab/id_ed25519\n${KEY}\n`],
        ]);
        const r = await hostPublicKey(runner, LOCAL, { address: "127.0.0.3", user: "root" });
        expect(r.key.line).toBe(KEY);
        expect(runner.argvs[0]).toEqual(sshConfigArgv({ address: "127.0.0.3", user: "root" }));
        expect(runner.argvs[0]).toEqual(["ssh", "-G", "-p", "22", "-l", "root", "--", "127.0.0.3"]);
        expect(runner.argvs[1]!.slice(4)).toEqual(["/var/lib/lab/id_ed25519"]);
        expect(sshConfigValues(out, "userknownhostsfile")).toEqual(["/a", "/b"]);
    });

    it("the real ssh -G lists the default identities without a config", () => {
        const r = spawnSync(
            "ssh",
            ["-F", "/dev/null", ...sshConfigArgv({ address: "h.example", user: "root" }).slice(1)],
            {
                encoding: "utf8",
            },
        );
        expect(sshConfigValues(r.stdout, "identityfile")).toContain("~/.ssh/id_ed25519");
    });

    it("refuses output that is not a public key", () => {
        expect(() => parsePublicKey("key /x\n-----BEGIN OPENSSH PRIVATE KEY-----\n")).toThrow(/Not a public key/);
    });
});
