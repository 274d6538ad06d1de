import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { iptablesVerdict, nftVerdict, portChecks, probeArgv, transportPort } from "../../src/preflight/ports";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";

const fixture = (name: string) => readFileSync(new URL(`fixtures/preflight/${name}`, import.meta.url), "utf8");

describe("ports and firewall", () => {
    it("the transport port of a URI", () => {
        expect(transportPort("qemu+ssh://root@b.example/system")).toEqual({
            host: "b.example",
            port: 22,
            transport: "ssh",
        });
        expect(transportPort("qemu+tcp://127.0.0.2/system")).toEqual({
            host: "127.0.0.2",
            port: 16509,
            transport: "tcp",
        });
        expect(transportPort("qemu://h/system")).toEqual({ host: "h", port: 16514, transport: "tls" });
        expect(transportPort("qemu+ssh://[fe80::1]:2222/system")).toEqual({
            host: "fe80::1",
            port: 2222,
            transport: "ssh",
        });
        expect(transportPort("qemu:///system")).toBeNull();
    });
    it("the probe's script is constant; hostile hosts are refused, never run", () => {
        const argv = probeArgv("127.0.0.2", 22);
        expect(argv.slice(0, 6)).toEqual([
            "timeout",
            "5",
            "bash",
            "-c",
            'exec 3<>"/dev/tcp/$1/$2"',
            "cockpit-migrate-probe",
        ]);
        for (const h of HOSTILE.filter((s) => !/^[A-Za-z0-9.:_]+$/.test(s)))
            expect(() => probeArgv(h, 22), JSON.stringify(h)).toThrow(RangeError);
        expect(() => probeArgv("h", 0)).toThrow(RangeError);
    });
    it("reads nft and iptables rulesets", () => {
        expect(nftVerdict(fixture("nft-firewalld-drop.txt"))).toBe("blocked");
        expect(nftVerdict(fixture("nft-open-range.txt"))).toBe("open");
        expect(nftVerdict("")).toBe("none");
        expect(iptablesVerdict(fixture("iptables-drop.txt"))).toBe("blocked");
        expect(iptablesVerdict(fixture("iptables-open-range.txt"))).toBe("open");
        expect(iptablesVerdict("")).toBe("none");
        expect(iptablesVerdict("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")).toBe("open");
    });
    it("a refused port is an error with the fix; an unreadable firewall is information", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                throw new RunError(
                    argv[0] === "timeout" ? "exit-status" : "not-found",
                    "no",
                    argv,
                    1,
                    "Connection refused",
                );
            },
        };
        const r = await portChecks(runner, {
            destinationUri: "qemu+tcp://127.0.0.9/system",
            destinationLabel: "X",
            probeFrom: { kind: "local" },
            destinationTarget: { kind: "local" },
            options: {},
            live: true,
        });
        expect(r[0]).toMatchObject({
            severity: "error",
            title: "Port 16509 (tcp) on 127.0.0.9 does not accept connections",
            fix: expect.stringMatching(/listen_tcp/),
        });
        expect(r[1]).toMatchObject({
            severity: "info",
            title: expect.stringMatching(/could not be read/),
            commands: [["nft", "list", "ruleset"], ["iptables-save"]],
        });
    });
    it("no answer from the probing host (our own wait ran out) is not a closed port: not checked, a warning", async () => {
        const waits: (number | undefined)[] = [];
        const runner: Runner = {
            run: async (_t, argv, o) => {
                if (argv[0] !== "timeout") return "";
                waits.push(o?.timeoutMs);
                throw new RunError("timeout", "The command timed out", argv);
            },
        };
        const r = await portChecks(runner, {
            destinationUri: "qemu+ssh://root@127.0.0.3/system",
            destinationLabel: "C",
            probeFrom: { kind: "ssh", address: "127.0.0.2", user: "root" },
            destinationTarget: { kind: "local" },
            options: {},
            live: true,
        });
        expect(r[0]).toMatchObject({
            severity: "warning",
            unchecked: true,
            title: "Port 22 (ssh) on 127.0.0.3: not checked (no answer from the probing host)",
        });
        // the probe gives up by itself after 5 s; the wait for the host that runs it is longer
        expect(waits[0]).toBeGreaterThanOrEqual(30_000);
    });
    it("a dropping firewall warns", async () => {
        const runner: Runner = {
            run: async (_t, argv) => (argv[0] === "nft" ? fixture("nft-firewalld-drop.txt") : ""),
        };
        const r = await portChecks(runner, {
            destinationUri: "qemu+ssh://root@127.0.0.2/system",
            destinationLabel: "B",
            probeFrom: { kind: "local" },
            destinationTarget: { kind: "local" },
            options: {},
            live: true,
        });
        expect(r.map((x) => x.severity)).toEqual(["pass", "warning"]);
        expect(r[1]!.fix).toMatch(/49152-49215\/tcp/);
        // the fix that needs no port: the dialog's channel switched to tunnelled
        expect(r[1]).toMatchObject({ remedy: "tunnelled", fix: expect.stringMatching(/--p2p --tunnelled/) });
    });
    it("an offline migration is not offered the tunnel; a tunnelled one needs no migration ports", async () => {
        const nft: string[][] = [];
        const runner: Runner = {
            run: async (_t, argv) => {
                if (argv[0] === "nft") nft.push([...argv]);
                return argv[0] === "nft" ? fixture("nft-firewalld-drop.txt") : "";
            },
        };
        const input = {
            destinationUri: "qemu+ssh://root@127.0.0.2/system",
            destinationLabel: "B",
            probeFrom: { kind: "local" } as const,
            destinationTarget: { kind: "local" } as const,
        };
        const offline = await portChecks(runner, { ...input, options: {}, live: false });
        expect(offline[1]).toMatchObject({ severity: "warning" });
        expect(offline[1]!.remedy).toBeUndefined();
        nft.length = 0;
        const tunnelled = await portChecks(runner, { ...input, options: { tunnelled: true }, live: true });
        expect(tunnelled[1]).toMatchObject({ severity: "pass", title: "Tunnelled: no migration ports used" });
        expect(nft).toEqual([]);
    });
});
