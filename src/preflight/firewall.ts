/**
 * Opening QEMU's migration ports on a destination's firewall, and closing them again: with
 * firewall-cmd (runtime and permanent) where firewalld runs, else one iptables rule of our own,
 * marked with a comment so that closing removes exactly that rule and nothing else.
 *
 * Not for a host whose own nftables tables drop the ports (no iptables chain in front of them): an
 * accept in another table or chain does not undo a drop there. The check then offers the fix text only.
 */
import type { Runner, RunTarget } from "../../pkg/lib/runner";

/** QEMU's migration ports (qemu.conf migration_port_min/max). */
export const MIGRATION_PORTS: [number, number] = [49152, 49215];
export const FIREWALLD_STATE = ["firewall-cmd", "--state"];
const [lo, hi] = MIGRATION_PORTS;
const PORT = `--add-port=${lo}-${hi}/tcp`;
export const FIREWALLD_QUERY = ["firewall-cmd", `--query-port=${lo}-${hi}/tcp`];
/** The comment on our own iptables rule: `iptables-save` shows it, `iptables -D` finds the rule by it. */
export const RULE_MARK = "cockpit-migrate";

const iptables = (op: "-I" | "-D") => [
    "iptables",
    op,
    "INPUT",
    "-p",
    "tcp",
    "--dport",
    `${lo}:${hi}`,
    "-m",
    "comment",
    "--comment",
    RULE_MARK,
    "-j",
    "ACCEPT",
];

export type FirewallTool = "firewalld" | "iptables";

/** The commands that open (or close) the migration ports with this tool, in the order they run. */
export function portCommands(tool: FirewallTool, open: boolean): string[][] {
    if (tool === "iptables") return [iptables(open ? "-I" : "-D")];
    const arg = open ? PORT : PORT.replace("--add", "--remove");
    return [
        ["firewall-cmd", arg],
        ["firewall-cmd", "--permanent", arg],
    ];
}

/** Our own rule in an `iptables-save` (its filter table's INPUT chain). */
export function hasOwnRule(save: string): boolean {
    return save
        .split("\n")
        .some((l) => l.startsWith("-A INPUT ") && l.includes(`--comment ${RULE_MARK} `) && / -j ACCEPT$/.test(l));
}

/** Runs the commands on the destination, one after the other; the first that fails stops them. */
export async function changeFirewall(runner: Runner, target: RunTarget, commands: string[][]): Promise<void> {
    for (const argv of commands) await runner.run(target, argv, { timeoutMs: 30_000 });
}
