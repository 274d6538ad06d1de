import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { iptablesVerdict, portChecks } from "../../src/preflight/ports";
import { changeFirewall, hasOwnRule, portCommands } from "../../src/preflight/firewall";
import { RunError, type Runner } from "../../pkg/lib/runner";

// iptables-save v1.8.9 (nf_tables) on the lab, with `lab.sh block-migration-ports b`, before and after opening
const fixture = (name: string) => readFileSync(new URL(`fixtures/preflight/${name}`, import.meta.url), "utf8");
const DROP = fixture("iptables-lab-drop.txt"),
    OPENED = fixture("iptables-lab-opened.txt");

const OPEN_RULE = ["iptables", "-I", "INPUT", "-p", "tcp", "--dport", "49152:49215"];
const MARK = ["-m", "comment", "--comment", "cockpit-migrate", "-j", "ACCEPT"];

describe("iptables: the first rule that decides the migration ports for the destination's address", () => {
    it("a DROP for one address blocks that address only; our ACCEPT in front opens it", () => {
        expect(iptablesVerdict(DROP, "127.0.0.2")).toBe("blocked");
        expect(iptablesVerdict(DROP, "127.0.0.3")).toBe("open");
        expect(iptablesVerdict(OPENED, "127.0.0.2")).toBe("open");
        expect(hasOwnRule(DROP)).toBe(false);
        expect(hasOwnRule(OPENED)).toBe(true);
    });
    it("only the filter table counts; a drop of other ports does not block", () => {
        expect(iptablesVerdict("*mangle\n:INPUT DROP [0:0]\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")).toBe(
            "open",
        );
        expect(
            iptablesVerdict("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j DROP\nCOMMIT\n"),
        ).toBe("open");
        expect(
            iptablesVerdict("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 49200 -j REJECT\nCOMMIT\n"),
        ).toBe("blocked");
    });
});

describe("opening and closing the ports: the exact inverse commands", () => {
    it("iptables: one marked rule, inserted and deleted by the same spec", () => {
        expect(portCommands("iptables", true)).toEqual([[...OPEN_RULE, ...MARK]]);
        expect(portCommands("iptables", false)).toEqual([["iptables", "-D", ...OPEN_RULE.slice(2), ...MARK]]);
    });
    it("firewalld: runtime and permanent", () => {
        expect(portCommands("firewalld", true)).toEqual([
            ["firewall-cmd", "--add-port=49152-49215/tcp"],
            ["firewall-cmd", "--permanent", "--add-port=49152-49215/tcp"],
        ]);
        expect(portCommands("firewalld", false)).toEqual([
            ["firewall-cmd", "--remove-port=49152-49215/tcp"],
            ["firewall-cmd", "--permanent", "--remove-port=49152-49215/tcp"],
        ]);
    });
    it("runs them on the destination in order and stops at the first failure", async () => {
        const ran: string[] = [];
        const runner: Runner = {
            run: async (t, argv) => {
                ran.push(`${t.kind} ${argv.join(" ")}`);
                if (argv.includes("--permanent")) throw new RunError("exit-status", "no", argv, 1);
                return "";
            },
        };
        await expect(
            changeFirewall(runner, { kind: "ssh", address: "b", user: "root" }, [
                ["firewall-cmd", "--add-port=1/tcp"],
                ["firewall-cmd", "--permanent", "--add-port=1/tcp"],
                ["never"],
            ]),
        ).rejects.toThrow();
        expect(ran).toEqual(["ssh firewall-cmd --add-port=1/tcp", "ssh firewall-cmd --permanent --add-port=1/tcp"]);
    });
});

describe("the firewall check offers the change", () => {
    const input = {
        destinationUri: "qemu+ssh://root@127.0.0.2/system?no_tty=1",
        destinationLabel: "B",
        probeFrom: { kind: "local" } as const,
        destinationTarget: { kind: "ssh", address: "127.0.0.2", user: "root" } as const,
        options: {},
        live: true,
    };
    const runner = (save: string, firewalld?: "yes" | "no"): Runner => ({
        run: async (_t, argv) => {
            if (argv[0] === "iptables-save") return save;
            if (argv[0] === "firewall-cmd" && firewalld) {
                if (argv[1] === "--state") return "running\n";
                if (firewalld === "yes") return "yes\n";
                throw new RunError("exit-status", "no", argv, 1, "no");
            }
            throw new RunError("not-found", "no", argv);
        },
    });
    it("iptables blocking: open with our rule; once open through our rule: close it again", async () => {
        const [, blocked] = await portChecks(runner(DROP), input);
        expect(blocked).toMatchObject({
            severity: "warning",
            firewall: { open: true, commands: [[...OPEN_RULE, ...MARK]] },
        });
        const [, opened] = await portChecks(runner(OPENED), input);
        expect(opened).toMatchObject({ severity: "pass", firewall: { open: false } });
        expect(opened!.firewall!.commands[0]![1]).toBe("-D");
        // a firewall open without our rule offers nothing to close
        const [, other] = await portChecks(runner(DROP), {
            ...input,
            destinationUri: "qemu+ssh://root@127.0.0.3/system",
        });
        expect(other).toMatchObject({ severity: "pass" });
        expect(other!.firewall).toBeUndefined();
    });
    it("where firewalld runs: firewall-cmd, and its own answer for the port", async () => {
        const [, blocked] = await portChecks(runner(DROP, "no"), input);
        expect(blocked!.firewall).toEqual({ open: true, commands: portCommands("firewalld", true) });
        expect(blocked!.commands).toEqual([["iptables-save"], ["firewall-cmd", "--query-port=49152-49215/tcp"]]);
        const [, opened] = await portChecks(runner(DROP, "yes"), input);
        expect(opened).toMatchObject({
            severity: "pass",
            firewall: { open: false, commands: portCommands("firewalld", false) },
        });
    });
});
