/**
 * Running an argv on another host over OpenSSH without ever building a shell string from data:
 * ssh joins its command words with spaces and hands them to the remote user's shell, so each
 * argv element is sent as one POSIX single-quoted word, which the remote shell turns back into
 * exactly that element.
 */
import { argProblem, RunError } from "./runner";

/** One argv element as a single-quoted POSIX shell word. NUL cannot be carried and is refused. */
export function shellQuote(arg: string): string {
    const problem = argProblem(arg);
    if (problem) throw new RunError("invalid-argument", `An argument ${problem}`, [arg]);
    return "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** Common options: never prompt, never trust an unknown host key silently, fail fast. */
export const SSH_OPTIONS: readonly string[] = [
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-o", "ConnectTimeout=10",
    "-o", "ServerAliveInterval=15",
    "-T",
];

/** Refuses host and user names that ssh could read as options or that carry control characters. */
export function checkSshEndpoint(address: string, user: string, port?: number): void {
    const bad = (s: string) => s === "" || s.startsWith("-") || /[\s\0-\x1f\x7f]/.test(s) || argProblem(s) !== null;
    if (bad(address)) throw new RunError("invalid-argument", `Not a valid host address: ${JSON.stringify(address)}`, [address]);
    if (bad(user) || user.includes("@")) throw new RunError("invalid-argument", `Not a valid user name: ${JSON.stringify(user)}`, [user]);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
        throw new RunError("invalid-argument", `Not a valid port: ${port}`, [String(port)]);
}

/** The local argv that runs `argv` on `address` as `user`. */
export function sshArgv(address: string, user: string, port: number | undefined, argv: readonly string[]): string[] {
    checkSshEndpoint(address, user, port);
    if (argv.length === 0) throw new RunError("invalid-argument", "Nothing to run", argv);
    return [
        "ssh", ...SSH_OPTIONS,
        ...(port && port !== 22 ? ["-p", String(port)] : []),
        "-l", user,
        "--", address,
        ...argv.map(shellQuote),
    ];
}

/** argv that prints the host's public keys (for showing fingerprints before trusting them). */
export function keyscanArgv(address: string, port?: number): string[] {
    checkSshEndpoint(address, "root", port);
    return ["ssh-keyscan", "-T", "5", ...(port && port !== 22 ? ["-p", String(port)] : []), "--", address];
}

/** argv that prints fingerprints of keys given on stdin (`ssh-keygen -lf -`). */
export function fingerprintArgv(): string[] {
    return ["ssh-keygen", "-l", "-f", "-"];
}

export interface HostKey { line: string; type: string; fingerprint: string }

/** Pairs `ssh-keyscan` lines with the fingerprints `ssh-keygen -lf -` printed for them, in order. */
export function parseHostKeys(keyscan: string, fingerprints: string): HostKey[] {
    const lines = keyscan.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("#"));
    const fps = fingerprints.split("\n").map(l => l.trim()).filter(Boolean);
    return lines.map((line, i) => {
        const parts = (fps[i] ?? "").split(/\s+/);
        const type = (parts[parts.length - 1] ?? "").replace(/[()]/g, "") || (line.split(/\s+/)[1] ?? "");
        return { line, type, fingerprint: parts[1] ?? "" };
    });
}
