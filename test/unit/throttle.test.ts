import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { resetBeforeHandshake, sshServers, ThrottledRunner } from "../../pkg/lib/throttle";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { reachArgv } from "../../src/hosts/trust";

const LOCAL = { kind: "local" } as const;

describe("sshServers: which SSH servers a command connects to", () => {
    it("an SSH target and every qemu+ssh URI, host:port, once each", () => {
        expect(sshServers({ kind: "ssh", address: "B.example", user: "root" }, ["cat", "/etc/os-release"])).toEqual([
            "b.example:22",
        ]);
        expect(
            sshServers(LOCAL, [
                "virsh",
                "-c",
                "qemu+ssh://root@a/system?no_tty=1",
                "migrate",
                "--domain",
                "vm",
                "--desturi",
                "qemu+ssh://root@[fd00::2]:2222/system",
            ]),
        ).toEqual(["[fd00::2]:2222", "a:22"]);
        expect(sshServers(LOCAL, ["virsh", "-c", "qemu+tcp://127.0.0.2/system", "list"])).toEqual([]);
        expect(sshServers(LOCAL, ["virsh", "-c", "qemu:///system", "list"])).toEqual([]);
    });
    it("a login from one host to another counts for both: the target and the host its ssh logs in to", () => {
        const b = { kind: "ssh", address: "127.0.0.2", user: "root" } as const;
        expect(sshServers(b, reachArgv({ address: "127.0.0.3", user: "root", port: 2222 }))).toEqual([
            "127.0.0.2:22",
            "127.0.0.3:2222",
        ]);
        expect(sshServers(LOCAL, reachArgv({ address: "C.example", user: "root" }))).toEqual(["c.example:22"]);
        expect(sshServers(LOCAL, ["cat", "--", "ssh"])).toEqual([]);
        expect(sshServers(LOCAL, ["ssh", "-G", "-p", "22", "-l", "root", "--", "c.example"])).toEqual([]);
    });
    it("hostile arguments are data: no exception, at most one server per URI-looking argument", () => {
        for (const s of HOSTILE)
            expect(sshServers(LOCAL, ["virsh", "-c", s, "list", "--", s]).length).toBeLessThanOrEqual(1);
    });
});

describe("resetBeforeHandshake", () => {
    it("only sshd's reset before the key exchange", () => {
        expect(
            resetBeforeHandshake(
                new RunError(
                    "exit-status",
                    "error: failed to connect to the hypervisor\nerror: Cannot recv data: kex_exchange_identification: read: Connection reset by peer",
                    [],
                    1,
                ),
            ),
        ).toBe(true);
        expect(
            resetBeforeHandshake(
                new RunError(
                    "unreachable",
                    "ssh failed",
                    [],
                    255,
                    "kex_exchange_identification: Connection closed by remote host",
                ),
            ),
        ).toBe(true);
        expect(resetBeforeHandshake(new RunError("exit-status", "error: Domain not found", [], 1))).toBe(false);
        expect(resetBeforeHandshake(new RunError("disconnected", "Connection reset by peer", [], null))).toBe(false);
        expect(resetBeforeHandshake(new Error("kex_exchange_identification"))).toBe(false);
    });
});

describe("ThrottledRunner", () => {
    const uri = (h: string) => `qemu+ssh://root@${h}/system`;
    it("never more than perHost commands starting at once per SSH server; other hosts and local commands are not held up", async () => {
        const live = new Map<string, number>(),
            peak = new Map<string, number>();
        const inner: Runner = {
            run: async (_t, argv) => {
                const k = argv[2] ?? "local";
                live.set(k, (live.get(k) ?? 0) + 1);
                peak.set(k, Math.max(peak.get(k) ?? 0, live.get(k)!));
                await new Promise((r) => setTimeout(r, 5));
                live.set(k, live.get(k)! - 1);
                return k;
            },
        };
        const r = new ThrottledRunner(inner, { perHost: 3, handshakeMs: 10_000, retries: 0, retryDelayMs: 0 });
        const out = await Promise.all([
            ...Array.from({ length: 20 }, () => r.run(LOCAL, ["virsh", "-c", uri("b"), "version"])),
            ...Array.from({ length: 10 }, () => r.run(LOCAL, ["virsh", "-c", uri("c"), "version"])),
            ...Array.from({ length: 10 }, () => r.run(LOCAL, ["true"])),
        ]);
        expect(out.filter((x) => x === uri("b"))).toHaveLength(20);
        expect(peak.get(uri("b"))).toBe(3);
        expect(peak.get(uri("c"))).toBe(3);
        expect(peak.get("local")).toBe(10);
    });
    it("a long command gives its slot back once its connection had time to authenticate", async () => {
        let finishLong!: () => void;
        const inner: Runner = {
            run: (_t, argv) =>
                argv[3] === "migrate"
                    ? new Promise((res) => {
                          finishLong = () => res("migrated");
                      })
                    : Promise.resolve("ok"),
        };
        const r = new ThrottledRunner(inner, { perHost: 1, handshakeMs: 20, retries: 0, retryDelayMs: 0 });
        const long = r.run(LOCAL, ["virsh", "-c", uri("b"), "migrate", "--domain", "vm", "--desturi", uri("c")]);
        // waits for the handshake window of the migration only, not for the migration to end
        await expect(r.run(LOCAL, ["virsh", "-c", uri("c"), "version"])).resolves.toBe("ok");
        finishLong();
        await expect(long).resolves.toBe("migrated");
    });
    it("a command cancelled while it waits for its slot never starts, and gives its turn on", async () => {
        const started: string[] = [];
        let finish!: () => void;
        const inner: Runner = {
            run: (_t, argv) => {
                started.push(argv[3]!);
                return argv[3] === "first" ? new Promise((res) => (finish = () => res("done"))) : Promise.resolve("ok");
            },
        };
        const r = new ThrottledRunner(inner, { perHost: 1, handshakeMs: 10_000, retries: 0, retryDelayMs: 0 });
        const first = r.run(LOCAL, ["virsh", "-c", uri("b"), "first"]);
        const gaveUp = new AbortController();
        const waiting = r.run(LOCAL, ["virsh", "-c", uri("b"), "second"], { signal: gaveUp.signal });
        const third = r.run(LOCAL, ["virsh", "-c", uri("b"), "third"]);
        gaveUp.abort();
        await new Promise((r) => setTimeout(r, 1));
        finish();
        await expect(waiting).rejects.toMatchObject({ cause: "cancelled" });
        expect(await Promise.all([first, third])).toEqual(["done", "ok"]);
        expect(started).toEqual(["first", "third"]);
    });
    it("a reset before the handshake is retried; any other failure is not", async () => {
        let calls = 0;
        const reset: Runner = {
            run: async () => {
                if (++calls < 3)
                    throw new RunError(
                        "exit-status",
                        "error: Cannot recv data: kex_exchange_identification: read: Connection reset by peer",
                        [],
                        1,
                    );
                return "ok";
            },
        };
        await expect(
            new ThrottledRunner(reset, { perHost: 2, handshakeMs: 50, retries: 2, retryDelayMs: 1 }).run(LOCAL, [
                "virsh",
                "-c",
                uri("b"),
                "list",
            ]),
        ).resolves.toBe("ok");
        expect(calls).toBe(3);
        calls = 0;
        await expect(
            new ThrottledRunner(reset, { perHost: 2, handshakeMs: 50, retries: 1, retryDelayMs: 1 }).run(LOCAL, [
                "virsh",
                "-c",
                uri("b"),
                "list",
            ]),
        ).rejects.toThrow(/kex_exchange/);
        expect(calls).toBe(2);
        let other = 0;
        const denied: Runner = {
            run: async () => {
                other++;
                throw new RunError("exit-status", "error: Domain not found", [], 1);
            },
        };
        await expect(
            new ThrottledRunner(denied).run(LOCAL, ["virsh", "-c", uri("b"), "dominfo", "--domain", "x"]),
        ).rejects.toThrow(/Domain not found/);
        expect(other).toBe(1);
    });
    it("against an sshd-like limit (MaxStartups 10): 30 commands at once to one server all answer, none reset", async () => {
        // a stand-in for sshd's MaxStartups: more than 10 connections being set up at once are reset
        let starting = 0,
            resets = 0;
        const sshd: Runner = {
            run: (_t, _argv) =>
                new Promise((resolve, reject) => {
                    if (starting >= 10) {
                        resets++;
                        reject(
                            new RunError(
                                "exit-status",
                                "kex_exchange_identification: read: Connection reset by peer",
                                [],
                                255,
                            ),
                        );
                        return;
                    }
                    starting++;
                    setTimeout(() => {
                        starting--;
                        execFile("true", () => resolve("ok"));
                    }, 10);
                }),
        };
        const r = new ThrottledRunner(sshd, { perHost: 6, handshakeMs: 2000, retries: 2, retryDelayMs: 5 });
        const out = await Promise.all(
            Array.from({ length: 30 }, () => r.run(LOCAL, ["virsh", "-c", uri("b"), "list"])),
        );
        expect(out.every((x) => x === "ok")).toBe(true);
        expect(resets).toBe(0);
    });
});
