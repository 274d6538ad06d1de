import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
    authorizeFrom,
    checkReach,
    parseReach,
    reachArgv,
    scanFrom,
    trustFrom,
    trustNodes,
    trustPairs,
} from "../../src/hosts/trust";
import type { KnownHost } from "../../src/hosts/types";
import { RunError } from "../../pkg/lib/runner";
import { ScriptedRunner } from "./fakes";

const known: KnownHost[] = [
    { id: "b", address: "127.0.0.2", sshUser: "root", transport: "ssh" },
    { id: "c", address: "127.0.0.3", sshUser: "root", sshPort: 2222, transport: "ssh" },
    { id: "t", address: "127.0.0.9", sshUser: "root", transport: "tls" },
];
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dA root@lab-b";

describe("the trust matrix", () => {
    it("pairs: every host (this one too) to every other SSH host; TLS/TCP hosts are no SSH destination", () => {
        const pairs = trustPairs(trustNodes(known)).map((p) => `${p.from.id}>${p.to.id}`);
        expect(pairs).toEqual(["localhost>b", "localhost>c", "b>c", "c>b"]);
    });

    it("the check runs ON the source: a BatchMode ssh to the destination, as libvirt runs it there", async () => {
        const runner = new ScriptedRunner([[/^sh -c/, "reach-status 0\n"]]);
        const [, , bc] = trustPairs(trustNodes(known));
        expect(await checkReach(runner, bc!.from, bc!.to.endpoint)).toEqual({ ok: true });
        expect(runner.calls[0]!.target).toEqual({ kind: "ssh", address: "127.0.0.2", user: "root" });
        expect(runner.calls[0]!.argv).toEqual(reachArgv({ address: "127.0.0.3", user: "root", port: 2222 }));
        expect(runner.calls[0]!.argv.slice(4)).toContain("BatchMode=yes");
        expect(runner.calls[0]!.argv.slice(-7)).toEqual(["-p", "2222", "-l", "root", "--", "127.0.0.3", "'true'"]);
    });

    it("reads ssh's own failure: unknown host key, refused key, a source we cannot reach", async () => {
        expect(parseReach("Host key verification failed.\nreach-status 255\n")).toMatchObject({
            ok: false,
            cause: "host-key-unknown",
        });
        expect(parseReach("root@127.0.0.3: Permission denied (publickey).\nreach-status 255\n")).toMatchObject({
            ok: false,
            cause: "ssh-auth",
            message: "root@127.0.0.3: Permission denied (publickey).",
        });
        expect(parseReach("garbage")).toMatchObject({ ok: false, cause: "internal" });
        const runner = new ScriptedRunner([[/^sh -c/, new RunError("unreachable", "Cannot connect", [], 255)]]);
        const [, , bc] = trustPairs(trustNodes(known));
        expect(await checkReach(runner, bc!.from, bc!.to.endpoint)).toMatchObject({ ok: false, cause: "source" });
    });

    it("the real sh runs the ssh it is given and reports its status", () => {
        const r = spawnSync(
            "sh",
            ["-c", reachArgv({ address: "h", user: "root" })[2]!, "sh", "sh", "-c", "echo no >&2; exit 255"],
            {
                encoding: "utf8",
            },
        );
        expect(parseReach(r.stdout)).toEqual({ ok: false, cause: "exit-status", message: "no" });
    });
});

describe("fixing a pair", () => {
    const [, , bc] = trustPairs(trustNodes(known));
    const pair = bc!;

    it("scans the destination's host key FROM the source (what the source's ssh will see)", async () => {
        const line = "[127.0.0.3]:2222 " + KEY.split(" ").slice(0, 2).join(" ");
        const runner = new ScriptedRunner([
            [/^ssh-keyscan/, line + "\n"],
            [/^ssh-keygen -l/, "256 SHA256:abc [127.0.0.3]:2222 (ED25519)\n"],
        ]);
        const { keys } = await scanFrom(runner, pair);
        expect(keys).toEqual([{ line, type: "ED25519", fingerprint: "SHA256:abc" }]);
        expect(runner.calls[0]).toMatchObject({
            target: { kind: "ssh", address: "127.0.0.2" },
            argv: ["ssh-keyscan", "-T", "5", "-p", "2222", "--", "127.0.0.3"],
        });
    });

    it("trusts it in the known_hosts file the source's ssh reads first, on the source", async () => {
        const runner = new ScriptedRunner([
            [/^ssh -G/, "userknownhostsfile /var/lib/lab/known_hosts /root/.ssh/known_hosts\n"],
            [/^sh -c/, "added 1\n"],
        ]);
        await trustFrom(runner, pair, [{ line: "127.0.0.3 ssh-ed25519 AAAA", type: "ED25519", fingerprint: "x" }]);
        expect(runner.calls[1]!.target).toMatchObject({ address: "127.0.0.2" });
        expect(runner.calls[1]!.argv.slice(4)).toEqual(["/var/lib/lab/known_hosts", "127.0.0.3 ssh-ed25519 AAAA"]);
    });

    it("installs the source's key (read on the source) in the destination's authorized_keys (written there)", async () => {
        const runner = new ScriptedRunner([
            [/^ssh -G/, "identityfile ~/.ssh/id_ed25519\n"],
            [/^sh -c .*for f in/s, `new /root/.ssh/id_ed25519\n${KEY}\n`],
            [/^sh -c .*cksum/s, "added 1\n"],
        ]);
        await authorizeFrom(runner, pair);
        expect(runner.calls.map((c) => (c.target.kind === "ssh" ? c.target.address : "local"))).toEqual([
            "127.0.0.2",
            "127.0.0.2",
            "127.0.0.3",
        ]);
        expect(runner.calls[2]!.argv.slice(4)).toEqual([".ssh/authorized_keys", KEY]);
    });
});
