import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    AccessFailure,
    explainPasswordLogin,
    passwordProblem,
    passwordSshArgv,
    setUpAccess,
} from "../../src/hosts/access";
import { RunError } from "../../pkg/lib/runner";
import { ScriptedRunner } from "./fakes";
import { HOSTILE } from "./hostile";

const dir = mkdtempSync(join(tmpdir(), "cm-access-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const to = { address: "127.0.0.3", user: "root" };
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dA root@a";
// every fifth string of the corpus that can be a password (a process each: ~60 ms), and the ones that matter most
const PASSWORDS = [
    ...HOSTILE.filter((p, i) => i % 5 === 0 && passwordProblem(p) === null && !/[\uD800-\uDFFF]/.test(p)),
    "pa'ss wörd$x",
    " lead and trail ",
    '"\\',
    "-n",
    "-e",
];

/**
 * A stand-in `ssh` on PATH that does what OpenSSH does with SSH_ASKPASS_REQUIRE=force: runs the askpass program
 * (stdin inherited) and takes what it printed up to CR/LF; it writes that, its own argv and environment to files.
 */
const fakeSsh = join(dir, "ssh");
writeFileSync(
    fakeSsh,
    [
        "#!/bin/sh",
        `[ "$SSH_ASKPASS_REQUIRE" = force ] || exit 9`,
        `"$SSH_ASKPASS" "root@127.0.0.3's password: " > "${dir}/got" || exit 8`,
        `printf '%s\\0' "$@" > "${dir}/argv"`,
        `env > "${dir}/env"`,
        `ls -ld "$(dirname "$SSH_ASKPASS")" > "${dir}/mode"; echo "$SSH_ASKPASS" > "${dir}/path"`,
    ].join("\n"),
);
chmodSync(fakeSsh, 0o755);

describe("the password reaches ssh through askpass only", () => {
    it("every hostile password that can be passed comes out of askpass exactly; never in argv or environment", () => {
        expect(PASSWORDS.length).toBeGreaterThan(40);
        // the argv builder takes no password: the same argv for every one
        const argv = passwordSshArgv(to, ["true"]);
        for (const password of PASSWORDS) {
            const r = spawnSync(argv[0]!, argv.slice(1), {
                input: password + "\n",
                env: { PATH: `${dir}:${process.env.PATH}` },
                encoding: "utf8",
            });
            expect(r.status, password).toBe(0);
            expect(readFileSync(join(dir, "got"), "utf8"), JSON.stringify(password)).toBe(password + "\n");
            const values = readFileSync(join(dir, "env"), "utf8")
                .split("\n")
                .map((l) => l.slice(l.indexOf("=") + 1));
            expect(values).not.toContain(password);
        }
        // the askpass lives in a private directory that is gone afterwards
        expect(readFileSync(join(dir, "mode"), "utf8")).toMatch(/^drwx------/);
        expect(spawnSync("test", ["-e", readFileSync(join(dir, "path"), "utf8").trim()]).status).toBe(1);
    }, 30_000);

    it("a password with a line break or NUL is refused (ssh ends it at CR/LF), the empty one asked for", () => {
        expect(passwordProblem("a\nb")).toMatch(/line break/);
        expect(passwordProblem("a\rb")).toMatch(/line break/);
        expect(passwordProblem("a\0b")).toMatch(/NUL/);
        expect(passwordProblem("")).toMatch(/Type the password/);
        expect(passwordProblem("ü'\"$(x) ")).toBeNull();
    });

    it("ssh options: host key checked, one prompt, no key tried, no shared connection; the remote argv quoted", () => {
        const argv = passwordSshArgv({ ...to, port: 2222 }, ["sh", "-c", "x y"]);
        expect(argv.slice(4)).toEqual([
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "NumberOfPasswordPrompts=1",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "ControlPath=none",
            "-o",
            "ConnectTimeout=10",
            "-T",
            "-p",
            "2222",
            "-l",
            "root",
            "--",
            "127.0.0.3",
            "'sh'",
            "'-c'",
            "'x y'",
        ]);
        expect(() => passwordSshArgv({ address: "-oProxyCommand=x", user: "root" }, ["true"])).toThrow();
    });
});

describe("what a failed password login means", () => {
    it("wrong password, password logins refused, host key, unreachable", () => {
        expect(explainPasswordLogin(to, "root@127.0.0.3: Permission denied (publickey,password).").problem).toBe(
            "wrong-password",
        );
        expect(
            explainPasswordLogin(to, "root@127.0.0.3: Permission denied (publickey,keyboard-interactive).").problem,
        ).toBe("wrong-password");
        const refused = explainPasswordLogin(to, "root@127.0.0.3: Permission denied (publickey).");
        expect(refused.problem).toBe("no-password-login");
        expect(refused.fix).toMatch(/PasswordAuthentication yes/);
        expect(explainPasswordLogin(to, "Host key verification failed.").problem).toBe("host-key-unknown");
        expect(explainPasswordLogin(to, "ssh: connect to host 127.0.0.3 port 22: Connection refused").problem).toBe(
            "refused",
        );
    });
});

describe("Set up access", () => {
    const script = (install: string | RunError) =>
        new ScriptedRunner([
            [/^ssh -G/, "identityfile ~/.ssh/id_ed25519\n"],
            [/^sh -c .*for f in/s, `key /root/.ssh/id_ed25519\n${KEY}\n`],
            [/^sh -c .*SSH_ASKPASS/s, install],
            [/^true$/, ""],
        ]);

    it("installs this host's key over the password login, then checks a key login; the password only on stdin", async () => {
        const runner = script("added 1\n");
        const password = 's3cr\'et "ü" $(x)';
        const r = await setUpAccess(runner, to, password);
        expect(r.key.line).toBe(KEY);
        const install = runner.calls[2]!;
        expect(install.input).toBe(password + "\n");
        expect(install.argv.at(-1)).toBe(`'${KEY}'`);
        expect(runner.calls[3]).toMatchObject({ target: { kind: "ssh", address: "127.0.0.3", user: "root" } });
        for (const c of runner.calls) expect(c.argv.join(" ")).not.toContain("s3cr");
        expect(r.commands.flat().join(" ")).not.toContain("s3cr");
        expect(r.commands).toHaveLength(4);
    });

    it("a refused password ends in the explanation, and no key login is tried", async () => {
        const runner = script(
            new RunError("exit-status", "x", [], 255, "root@127.0.0.3: Permission denied (publickey)."),
        );
        const e = await setUpAccess(runner, to, "pw").catch((x: unknown) => x);
        expect(e).toBeInstanceOf(AccessFailure);
        expect((e as AccessFailure).explained.problem).toBe("no-password-login");
        expect(runner.ran(/^true$/)).toHaveLength(0);
    });

    it("a non-root account: the message says what to do with sudo; nothing runs", async () => {
        const runner = script("added 1\n");
        const e = await setUpAccess(runner, { ...to, user: "admin" }, "pw").catch((x: unknown) => x);
        expect((e as AccessFailure).explained.problem).toBe("not-root");
        expect((e as AccessFailure).explained.fix).toMatch(/sudo/);
        expect(runner.calls).toHaveLength(0);
    });
});
