/**
 * Where a `virsh -c qemu+ssh://…` command runs. Left to virsh, each call opens its own SSH
 * connection for libvirt's remote protocol (≈ 0.3 s of TCP, key exchange and login here, and one
 * more handshake for sshd's MaxStartups to count). A command that only reads runs on the host
 * itself instead, over the Runner's SSH target, which shares one long-lived connection per host
 * (pkg/lib/ssh.ts):
 *     virsh -c qemu+ssh://USER@HOST:PORT/system SUB ARGS…  →  ssh -l USER -p PORT HOST virsh -c qemu:///system SUB ARGS…
 * Same user on the same host, same libvirt driver, same answer. Not rerouted:
 * - URIs with parameters that change how libvirt connects (keyfile=, socket=, known_hosts=, …);
 *   only no_tty=1, which known hosts carry, is allowed;
 * - commands that change something, or name a file here (only /dev/stdin, the same pipe on both ends);
 * - calls that must test libvirt's own transport, as a migration will use it (RunOptions.libvirtTransport);
 * - host or user names that are not plain (escapes, spaces, a leading "-"): left to libvirt, which reads them its way;
 * - a host without virsh (exit 127): from then on this page uses libvirt's transport for it.
 */
import { isRunError, type RunOptions, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { checkSshEndpoint } from "../../pkg/lib/ssh";
import { parseLibvirtUri } from "../hosts/uri";

/** Subcommands that only read libvirt's state. */
export const READ_ONLY = new Set([
    "capabilities",
    "domblkinfo",
    "domblklist",
    "domcapabilities",
    "domdirtyrate-calc",
    "dominfo",
    "domjobinfo",
    "domstate",
    "domstats",
    "dumpxml",
    "hostname",
    "hypervisor-cpu-baseline",
    "hypervisor-cpu-compare",
    "list",
    "net-info",
    "nodeinfo",
    "pool-info",
    "sysinfo",
    "version",
    "vol-info",
]);

/** A `virsh -c URI SUB …` that only reads (asking it twice at once gives nothing more: pkg/lib/coalesce.ts). */
export function readsOnly(argv: readonly string[]): boolean {
    return argv[0] === "virsh" && argv[1] === "-c" && argv.length >= 4 && READ_ONLY.has(argv[3]!);
}

/** Options whose value is a file virsh opens. */
const FILE_OPTIONS = new Set(["--file", "--xml", "--persistent-xml"]);

/** Host names, IPv4/IPv6 addresses and user names as they are, with nothing to unescape. */
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9._:-]*$/;

export interface Route {
    target: RunTarget;
    argv: string[];
}

/** Where to run a local `virsh -c URI …` over SSH on the URI's host, or null to leave it as it is. */
export function sshRoute(argv: readonly string[]): Route | null {
    if (!readsOnly(argv)) return null;
    const sub = argv[3]!;
    const rest = argv.slice(4);
    if (rest.some((a, i) => FILE_OPTIONS.has(a) && rest[i + 1] !== "/dev/stdin")) return null;
    const p = parseLibvirtUri(argv[2]!);
    if (!p || p.driver !== "qemu" || p.transport !== "ssh" || !p.host || !p.user) return null;
    if (p.path !== "/system" && p.path !== "/session") return null;
    if (p.query !== "" && p.query !== "no_tty=1") return null;
    if (!PLAIN.test(p.host) || !PLAIN.test(p.user)) return null; // escapes, odd names: libvirt reads them its way
    try {
        checkSshEndpoint(p.host, p.user, p.port ?? undefined);
    } catch {
        return null;
    }
    return {
        target: { kind: "ssh", address: p.host, user: p.user, ...(p.port ? { port: p.port } : {}) },
        argv: ["virsh", "-c", `qemu://${p.path}`, sub, ...rest],
    };
}

const serverKey = (t: RunTarget) =>
    t.kind === "ssh" ? `${t.user}@${t.address.toLowerCase()}:${t.port ?? 22}` : "local";

/** virsh is not installed on the other host: the remote shell could not find it. */
function virshMissing(e: unknown): boolean {
    return (
        isRunError(e) &&
        e.exitStatus === 127 &&
        /virsh: (?:command )?not found|No such file or directory/i.test(e.stderr || e.message)
    );
}

export class SshVirshRunner implements Runner {
    private readonly noVirsh = new Set<string>();
    constructor(private readonly inner: Runner) {}

    async run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        const route = target.kind === "local" && !options?.libvirtTransport ? sshRoute(argv) : null;
        if (!route || this.noVirsh.has(serverKey(route.target))) return this.inner.run(target, argv, options);
        try {
            return await this.inner.run(route.target, route.argv, options);
        } catch (e) {
            if (!virshMissing(e)) throw e;
            this.noVirsh.add(serverKey(route.target));
            return this.inner.run(target, argv, options);
        }
    }
}
