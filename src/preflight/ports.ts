/**
 * Ports: the destination's libvirt transport port must be reachable from the source, and its
 * firewall must not drop QEMU's migration ports (49152–49215, qemu.conf migration_port_min/max).
 */
import { errorText } from "../../pkg/lib/error-text";
import type { Runner, RunTarget } from "../../pkg/lib/runner";
import { parseLibvirtUri } from "../hosts/uri";
import type { MigrationOptions } from "../migration/options";
import type { CheckResult } from "./types";
import { noAnswer } from "./util";
import { FIREWALLD_QUERY, FIREWALLD_STATE, hasOwnRule, MIGRATION_PORTS, portCommands } from "./firewall";
import { _, format } from "../../pkg/lib/gettext";

export { MIGRATION_PORTS };

const TRANSPORT_PORTS: Record<string, number> = { ssh: 22, libssh: 22, libssh2: 22, tls: 16514, tcp: 16509 };

/** The TCP port a libvirt URI connects to; null for a local socket. */
export function transportPort(uri: string): { host: string; port: number; transport: string } | null {
    const p = parseLibvirtUri(uri);
    if (!p?.host) return null;
    const transport = p.transport ?? "tls";
    const port = p.port ?? TRANSPORT_PORTS[transport];
    return port ? { host: p.host, port, transport } : null;
}

/** Connects to host:port with bash's /dev/tcp; the script is a constant, host and port are its arguments. */
export function probeArgv(host: string, port: number): string[] {
    if (!/^[A-Za-z0-9.:_-]+$/.test(host) || host.startsWith("-"))
        throw new RangeError(format(_("Not a host name or address: $0"), JSON.stringify(host)));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(format(_("Not a port: $0"), port));
    return ["timeout", "5", "bash", "-c", 'exec 3<>"/dev/tcp/$1/$2"', "cockpit-migrate-probe", host, String(port)];
}

export const NFT_LIST = ["nft", "list", "ruleset"];
export const IPTABLES_SAVE = ["iptables-save"];

export type FirewallVerdict = "none" | "open" | "blocked";

const coversRange = (from: number, to: number) => from <= MIGRATION_PORTS[0] && to >= MIGRATION_PORTS[1];

/** Reads `nft list ruleset`: an input chain with policy drop blocks the range unless a rule accepts it. */
export function nftVerdict(ruleset: string): FirewallVerdict {
    const chains = [...ruleset.matchAll(/chain\s+\S+\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)].map((m) => m[1]!);
    const input = chains.filter((c) => /type\s+filter\s+hook\s+input/.test(c));
    if (input.length === 0) return "none";
    const dropping = input.filter((c) => /policy\s+drop/.test(c) || /^\s*(reject|drop)\s*(with[^\n]*)?$/m.test(c));
    if (dropping.length === 0) return "open";
    for (const c of dropping) {
        const accepted = [...c.matchAll(/tcp\s+dport\s+(\{[^}]*\}|\S+)[^\n]*accept/g)].some((m) => portsCover(m[1]!));
        if (!accepted) return "blocked";
    }
    return "open";
}

/**
 * Reads `iptables-save`'s filter table, INPUT chain, in order: the first rule that decides TCP to the
 * migration ports for `address` (an ACCEPT covering them, a DROP/REJECT touching them or naming no
 * port) gives the verdict; none does: the chain's policy.
 */
export function iptablesVerdict(save: string, address?: string): FirewallVerdict {
    const filter = /^\*filter\n([\s\S]*?)^COMMIT/m.exec(save)?.[1];
    if (filter === undefined) return "none";
    for (const r of filter.split("\n").filter((l) => l.startsWith("-A INPUT "))) {
        const d = / -d (\S+?)(?:\/32)? /.exec(r)?.[1];
        if ((d && address && d !== address) || / -s /.test(r) || / -i (?!lo\b)/.test(r)) continue;
        const ports = / --dports? (\S+)/.exec(r)?.[1]?.replace(/:/g, "-");
        if (/ -j ACCEPT$/.test(r) && ports && portsCover(ports)) return "open";
        if (/ -j (DROP|REJECT)\b/.test(r) && (!ports || portsTouch(ports))) return "blocked";
    }
    return /^:INPUT (DROP|REJECT)/m.test(filter) ? "blocked" : "open";
}

const ranges = (spec: string) =>
    spec
        .replace(/[{}\s]/g, "")
        .split(",")
        .map((p) => /^(\d+)(?:-(\d+))?$/.exec(p))
        .filter((m) => m !== null)
        .map((m) => [Number(m[1]), Number(m[2] ?? m[1])] as const);

/** A port list that names at least one of the migration ports. */
const portsTouch = (spec: string) => ranges(spec).some(([a, b]) => a <= MIGRATION_PORTS[1] && b >= MIGRATION_PORTS[0]);

/** "49152-49215", "{ 22, 49152-49215 }", "49000-50000" → whether the migration range is inside. */
function portsCover(spec: string): boolean {
    return ranges(spec).some(([a, b]) => coversRange(a, b));
}

export interface PortsInput {
    destinationUri: string;
    destinationLabel: string;
    probeFrom: RunTarget;
    destinationTarget: RunTarget | null;
    options: Pick<MigrationOptions, "tunnelled">;
    live: boolean;
}

/** The transport port's probe and the destination's firewall, asked at the same time. */
export async function portChecks(runner: Runner, i: PortsInput): Promise<CheckResult[]> {
    return Promise.all([transportCheck(runner, i), firewallCheck(runner, i)]);
}

async function transportCheck(runner: Runner, i: PortsInput): Promise<CheckResult> {
    const tp = transportPort(i.destinationUri);
    if (!tp)
        return {
            id: "ports",
            severity: "pass",
            title: _("The destination is this host's own libvirt socket: no port to open"),
            commands: [],
        };
    const argv = probeArgv(tp.host, tp.port);
    try {
        // as the same user as the migration: over SSH, that decides whose keys and known_hosts are used
        // the probe ends itself after 5 s (`timeout 5`: a port that drops); the rest is the way to the host that
        // probes, which a loaded host makes slow
        await runner.run(i.probeFrom, argv, { timeoutMs: 30_000 });
        return {
            id: "ports",
            severity: "pass",
            title: format(_("Port $0 ($1) on $2 accepts connections"), tp.port, tp.transport, tp.host),
            commands: [argv],
        };
    } catch (e) {
        // no answer from the host that probes: the port was not tried, which says nothing about it
        if (noAnswer(e))
            return {
                id: "ports",
                severity: "warning",
                title: format(
                    _("Port $0 ($1) on $2: not checked (no answer from the probing host)"),
                    tp.port,
                    tp.transport,
                    tp.host,
                ),
                commands: [argv],
                detail: errorText(e),
                unchecked: true,
            };
        return {
            id: "ports",
            severity: "error",
            title: format(_("Port $0 ($1) on $2 does not accept connections"), tp.port, tp.transport, tp.host),
            commands: [argv],
            detail: errorText(e),
            fix:
                tp.transport.startsWith("ssh") || tp.transport.startsWith("libssh")
                    ? _("Start sshd on the destination and open port 22 in its firewall.")
                    : format(
                          _("Make libvirtd listen there ($0) and open port $1 in its firewall."),
                          tp.transport === "tls"
                              ? "listen_tls / libvirtd-tls.socket"
                              : "listen_tcp / libvirtd-tcp.socket",
                          tp.port,
                      ),
        };
    }
}

async function firewallCheck(runner: Runner, i: PortsInput): Promise<CheckResult> {
    const range = `${MIGRATION_PORTS[0]}–${MIGRATION_PORTS[1]}`;
    if (i.live && i.options.tunnelled)
        return {
            id: "firewall",
            severity: "pass",
            title: _("Tunnelled: no migration ports used"),
            commands: [],
        };
    if (!i.destinationTarget)
        return {
            id: "firewall",
            severity: "info",
            title: format(
                _("Firewall on $0: no way to read it; migration ports $1 must be open"),
                i.destinationLabel,
                range,
            ),
            commands: [],
        };
    const target = i.destinationTarget;
    const read = (argv: string[]) => runner.run(target, argv, { timeoutMs: 15_000 });
    const address = parseLibvirtUri(i.destinationUri)?.host ?? undefined;
    // where firewalld runs it owns the rules: it answers for the ports, and opens them (runtime and permanent)
    const firewalld = read(FIREWALLD_STATE).then(
        (out) => out.trim() === "running",
        () => false,
    );
    const tried: string[][] = [];
    for (const [argv, verdictOf] of [
        [NFT_LIST, nftVerdict],
        [IPTABLES_SAVE, (out: string) => iptablesVerdict(out, address)],
    ] as const) {
        tried.push(argv);
        let out: string;
        try {
            out = await read(argv);
        } catch {
            continue;
        }
        let verdict = verdictOf(out);
        const tool = (await firewalld) ? "firewalld" : argv === IPTABLES_SAVE ? "iptables" : null;
        const commands = [argv];
        let own = tool === "iptables" && hasOwnRule(out);
        if (tool === "firewalld") {
            commands.push(FIREWALLD_QUERY);
            own = await read(FIREWALLD_QUERY).then(
                (q) => q.trim() === "yes",
                () => false,
            );
            if (own) verdict = "open";
        }
        if (verdict === "blocked")
            return {
                id: "firewall",
                severity: "warning",
                title: format(_("$0's firewall appears to drop migration ports $1"), i.destinationLabel, range),
                commands,
                fix: format(
                    _(
                        "Open TCP $0 on the destination (firewall-cmd --add-port=$1-$2/tcp --permanent), or use tunnelled migration (--p2p --tunnelled).",
                    ),
                    range,
                    MIGRATION_PORTS[0],
                    MIGRATION_PORTS[1],
                ),
                ...(i.live ? { remedy: "tunnelled" as const } : {}),
                ...(tool ? { firewall: { open: true, commands: portCommands(tool, true) } } : {}),
            };
        return {
            id: "firewall",
            severity: "pass",
            title:
                verdict === "open"
                    ? format(_("$0's firewall lets migration ports $1 through"), i.destinationLabel, range)
                    : format(_("No firewall rules on $0"), i.destinationLabel),
            commands,
            // the rule (or port) this page opens: offered to close again
            ...(own && tool ? { firewall: { open: false, commands: portCommands(tool, false) } } : {}),
        };
    }
    return {
        id: "firewall",
        severity: "info",
        title: format(
            _(
                "Firewall on $0 could not be read (no nft or iptables-save, or no permission); migration ports $1 must be open",
            ),
            i.destinationLabel,
            range,
        ),
        commands: tried,
    };
}
