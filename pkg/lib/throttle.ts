/**
 * A Runner that is gentle with sshd. OpenSSH drops new connections to a host once too many are
 * still being set up there (MaxStartups, default 10:30:100: from 10 unauthenticated connections
 * on, 30% of new ones are reset), and pre-flight of several VMs, an evacuation plan or a host list
 * can open dozens at once, each `virsh -c qemu+ssh://…` being its own SSH connection. So:
 * - at most `perHost` commands that open an SSH connection to one host start at a time; a command
 *   keeps its slot until it ends or until its connection has had `handshakeMs` to authenticate;
 * - a command whose connection was reset before the SSH handshake (`kex_exchange_identification`)
 *   never ran on the other side and is started again, up to `retries` times;
 * - a command cancelled while it waits for a slot never starts.
 */
import { cancelledError, isRunError, type RunOptions, type Runner, type RunTarget } from "./runner";

export interface ThrottleOptions {
    perHost: number;
    handshakeMs: number;
    retries: number;
    retryDelayMs: number;
}
export const DEFAULT_THROTTLE: ThrottleOptions = { perHost: 6, handshakeMs: 2000, retries: 2, retryDelayMs: 500 };

const SSH_URI = /^qemu\+ssh:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/i;

/**
 * The SSH servers (host:port) a command connects to: its SSH target, any qemu+ssh URI among its arguments, and the
 * host of an `ssh … -- HOST` it runs (the argv itself, or a constant script's `sh -c SCRIPT sh ssh …`: a check that
 * logs in from one host to another).
 */
export function sshServers(target: RunTarget, argv: readonly string[]): string[] {
    const out = new Set<string>();
    if (target.kind === "ssh") out.add(`${target.address.toLowerCase()}:${target.port ?? 22}`);
    const ssh = argv[0] === "ssh" ? 0 : argv[0] === "sh" && argv[1] === "-c" && argv[4] === "ssh" ? 4 : -1;
    const end = ssh < 0 ? -1 : argv.indexOf("--", ssh);
    // `ssh -G` only prints its configuration: no connection
    if (end > 0 && argv[end + 1] && !argv.slice(ssh, end).includes("-G")) {
        const p = argv.slice(ssh, end).indexOf("-p");
        out.add(`${argv[end + 1]!.toLowerCase()}:${p >= 0 ? argv[ssh + p + 1] : 22}`);
    }
    for (const a of argv) {
        const m = SSH_URI.exec(a);
        if (m && m[1]) out.add(`${m[1].toLowerCase()}:${m[2] ?? 22}`);
    }
    return [...out].sort();
}

/** The connection was reset before SSH's key exchange: nothing ran on the other side. */
export function resetBeforeHandshake(e: unknown): boolean {
    if (!isRunError(e)) return false;
    return /kex_exchange_identification|ssh_exchange_identification/.test(`${e.message}\n${e.stderr ?? ""}`);
}

class Slots {
    private used = 0;
    private readonly waiting: (() => void)[] = [];
    constructor(private readonly size: number) {}
    acquire(): Promise<() => void> {
        return new Promise((resolve) => {
            const grant = () => {
                this.used++;
                let released = false;
                resolve(() => {
                    if (released) return;
                    released = true;
                    this.used--;
                    this.waiting.shift()?.();
                });
            };
            if (this.used < this.size) grant();
            else this.waiting.push(grant);
        });
    }
}

export class ThrottledRunner implements Runner {
    private readonly slots = new Map<string, Slots>();
    constructor(
        private readonly inner: Runner,
        private readonly o: ThrottleOptions = DEFAULT_THROTTLE,
    ) {}

    async run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string> {
        const servers = sshServers(target, argv);
        if (servers.length === 0) return this.inner.run(target, argv, options);
        for (let attempt = 0; ; attempt++) {
            try {
                return await this.once(servers, target, argv, options);
            } catch (e) {
                if (attempt >= this.o.retries || !resetBeforeHandshake(e)) throw e;
                await new Promise((r) => setTimeout(r, this.o.retryDelayMs * (attempt + 1)));
            }
        }
    }

    private async once(
        servers: string[],
        target: RunTarget,
        argv: readonly string[],
        options?: RunOptions,
    ): Promise<string> {
        // always in the same (sorted) order, so two commands that need two hosts cannot wait on each other
        const releases: (() => void)[] = [];
        for (const s of servers) {
            let slots = this.slots.get(s);
            if (!slots) {
                slots = new Slots(this.o.perHost);
                this.slots.set(s, slots);
            }
            releases.push(await slots.acquire());
        }
        const release = () => {
            for (const r of releases) r();
        };
        // given up on while it waited for its turn: it never starts
        if (options?.signal?.aborted) {
            release();
            throw cancelledError(argv);
        }
        const timer = setTimeout(release, this.o.handshakeMs);
        try {
            return await this.inner.run(target, argv, options);
        } finally {
            clearTimeout(timer);
            release();
        }
    }
}
