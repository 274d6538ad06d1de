/**
 * Running an argv on another host over OpenSSH without ever building a shell string from data:
 * ssh joins its command words with spaces and hands them to the remote user's shell, so each
 * argv element is sent as one POSIX single-quoted word, which the remote shell turns back into
 * exactly that element.
 */
import { argProblem, RunError, type RunTarget } from "./runner";
import { _, format } from "./gettext";

/** One argv element as a single-quoted POSIX shell word. NUL cannot be carried and is refused. */
export function shellQuote(arg: string): string {
    const problem = argProblem(arg);
    if (problem) throw new RunError("invalid-argument", format(_("An argument $0"), problem), [arg]);
    return "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** Common options: never prompt, never trust an unknown host key silently, fail fast. */
export const SSH_OPTIONS: readonly string[] = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "ConnectTimeout=10",
    "-o",
    "ServerAliveInterval=15",
    "-T",
];

/** Refuses host and user names that ssh could read as options or that carry control characters. */
export function checkSshEndpoint(address: string, user: string, port?: number): void {
    const bad = (s: string) => s === "" || s.startsWith("-") || /[\s\0-\x1f\x7f]/.test(s) || argProblem(s) !== null;
    if (bad(address))
        throw new RunError("invalid-argument", format(_("Not a valid host address: $0"), JSON.stringify(address)), [
            address,
        ]);
    if (bad(user) || user.includes("@"))
        throw new RunError("invalid-argument", format(_("Not a valid user name: $0"), JSON.stringify(user)), [user]);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
        throw new RunError("invalid-argument", format(_("Not a valid port: $0"), port), [String(port)]);
}

/** The local argv that runs `argv` on `target`: itself for this host, over ssh for another. */
export function onTarget(target: RunTarget, argv: string[]): string[] {
    return target.kind === "local" ? argv : sshArgv(target.address, target.user, target.port, argv);
}

/** The local argv that runs `argv` on `address` as `user`. */
export function sshArgv(address: string, user: string, port: number | undefined, argv: readonly string[]): string[] {
    checkSshEndpoint(address, user, port);
    if (argv.length === 0) throw new RunError("invalid-argument", _("Nothing to run"), argv);
    return [
        "ssh",
        ...SSH_OPTIONS,
        ...(port && port !== 22 ? ["-p", String(port)] : []),
        "-l",
        user,
        "--",
        address,
        ...argv.map(shellQuote),
    ];
}

/**
 * One SSH connection per host, shared by every command (OpenSSH connection multiplexing): the first
 * command to a host leaves a master connection that later commands reuse, for a minute after the last
 * one. A command costs a session on that connection (≈ 10 ms) instead of a TCP + key exchange + login
 * (≈ 200 ms), and sshd's MaxStartups limit no longer sees a burst of handshakes.
 * The control sockets live in a directory only the running user can write to: root's in /run, a user's
 * in $XDG_RUNTIME_DIR; elsewhere (no such directory, a path too long for a socket) ssh runs without one.
 * Constant script; the ssh argv arrives as positional parameters.
 */
export const SSH_MUX_SCRIPT = [
    'if [ "$(id -u)" = 0 ]; then d=/run/cockpit-migrate/ssh; else d=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/cockpit-migrate-ssh}; fi',
    'if [ -n "$d" ] && [ ${#d} -le 60 ] && { [ -d "$d" ] || (umask 077 && mkdir -p -- "$d") 2>/dev/null; } && [ -O "$d" ] && [ ! -L "$d" ]; then',
    '    exec ssh -o ControlMaster=auto -o "ControlPath=$d/%C" -o ControlPersist=60 "$@"',
    "fi",
    'exec ssh "$@"',
].join("\n");

/** The argv that runs an `ssh …` argv through a shared connection to its host (see SSH_MUX_SCRIPT). */
export function multiplexedArgv(ssh: readonly string[]): string[] {
    if (ssh[0] !== "ssh") throw new RunError("invalid-argument", _("Not an ssh command"), ssh);
    return ["sh", "-c", SSH_MUX_SCRIPT, "ssh", ...ssh.slice(1)];
}

/**
 * OpenSSH's own notes about the shared connection (a refused extra session, a busy socket): not the command's error.
 */
const MUX_NOISE =
    /^(?:mux_client_[a-z_]+: .*|muxclient: .*|ControlSocket .* already exists, disabling multiplexing|Control socket connect\(.*\): .*)$/;
export function withoutMuxNoise(stderr: string): string {
    return stderr
        .split("\n")
        .filter((l) => !MUX_NOISE.test(l.trim()))
        .join("\n");
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

export interface HostKey {
    line: string;
    type: string;
    fingerprint: string;
}

/** Pairs `ssh-keyscan` lines with the fingerprints `ssh-keygen -lf -` printed for them, in order. */
export function parseHostKeys(keyscan: string, fingerprints: string): HostKey[] {
    const lines = keyscan
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"));
    const fps = fingerprints
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    return lines.map((line, i) => {
        const parts = (fps[i] ?? "").split(/\s+/);
        const type = (parts[parts.length - 1] ?? "").replace(/[()]/g, "") || (line.split(/\s+/)[1] ?? "");
        return { line, type, fingerprint: parts[1] ?? "" };
    });
}
