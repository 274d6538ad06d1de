/**
 * The Runner: runs one argv (never a shell string) on a host and returns stdout.
 * Every failure, whatever produced it, becomes one typed RunError with a cause.
 */
import { _, format } from "./gettext";

/** Where a command runs: this host, or another host over SSH. */
export type RunTarget = { kind: "local" } | { kind: "ssh"; address: string; user: string; port?: number };

/** This host: where the page's own commands run. */
export const LOCAL: Extract<RunTarget, { kind: "local" }> = { kind: "local" };

export interface RunOptions {
    /** Data written to the command's standard input. */
    input?: string;
    /**
     * Needs administrative access (Cockpit superuser). Default: "try". There is no way to ask for
     * the login user instead: for an SSH target that would decide whose keys and known_hosts ssh
     * uses, so a check would run as someone else than the migration it checks.
     */
    superuser?: "require" | "try";
    /** Milliseconds; the command is closed after that. */
    timeoutMs?: number;
    /** A `virsh -c qemu+ssh://…` that must go through libvirt's own SSH transport, as a migration does
     * (not run on the host over the shared connection: src/virsh/route.ts). */
    libvirtTransport?: boolean;
    /** Closes the command when aborted (it fails as "cancelled"). */
    signal?: AbortSignal;
}

export interface Runner {
    run(target: RunTarget, argv: readonly string[], options?: RunOptions): Promise<string>;
}

/** Why a command failed, in words a caller can branch on. */
export type RunErrorCause =
    | "not-found" // the program is not installed
    | "access-denied" // no permission (not an administrator, or polkit/sudo refused)
    | "exit-status" // the command ran and exited non-zero
    | "signal" // killed by a signal
    | "timeout" // we gave up waiting
    | "host-key-unknown" // SSH: the host key is not in known_hosts
    | "host-key-changed" // SSH: the host key differs from known_hosts
    | "ssh-auth" // SSH: authentication failed
    | "unreachable" // SSH or network: could not connect
    | "disconnected" // the Cockpit channel closed (session ended, bridge died)
    | "cancelled" // we closed it on purpose
    | "invalid-argument" // refused before running: an argv element is not acceptable
    | "internal"; // anything else

export class RunError extends Error {
    override readonly cause: RunErrorCause;
    readonly exitStatus: number | null;
    readonly stderr: string;
    readonly argv: readonly string[];

    constructor(
        cause: RunErrorCause,
        message: string,
        argv: readonly string[],
        exitStatus: number | null = null,
        stderr = "",
    ) {
        super(message);
        this.name = "RunError";
        this.cause = cause;
        this.exitStatus = exitStatus;
        this.stderr = stderr;
        this.argv = argv;
    }
}

/** Lone UTF-16 surrogates cannot be encoded: the program would receive U+FFFD, another name. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why an argv element cannot be passed to a program exactly, or null when it can. */
export function argProblem(arg: string): string | null {
    if (arg.includes("\0")) return _("contains a NUL character");
    if (LONE_SURROGATE.test(arg)) return _("is not valid Unicode (a lone surrogate)");
    return null;
}

/** Refuses an argv that cannot reach the program exactly as given. */
export function checkArgv(argv: readonly string[]): void {
    for (const a of argv) {
        const p = argProblem(a);
        if (p) throw new RunError("invalid-argument", format(_("An argument $0"), p), argv);
    }
}

export function isRunError(e: unknown): e is RunError {
    return e instanceof RunError;
}

/** The shape of a failure as cockpit.spawn reports it (`{problem, exit_status, exit_signal, message}`). */
export interface ProcessFailure {
    problem?: string | null;
    exit_status?: number | null;
    exit_signal?: number | null;
    message?: string;
}

/** Maps a cockpit.spawn failure (local or the ssh process wrapping a remote one) to a RunError. */
export function toRunError(failure: unknown, argv: readonly string[], overSsh = false): RunError {
    if (failure instanceof RunError) return failure;
    const f: ProcessFailure =
        typeof failure === "object" && failure !== null ? (failure as ProcessFailure) : { message: String(failure) };
    const message = (f.message ?? "").trim();
    const problem = f.problem ?? null;

    if (problem === "not-found")
        return new RunError("not-found", format(_("$0 is not installed"), argv[0]), argv, null, message);
    if (problem === "access-denied" || problem === "authentication-failed")
        return new RunError("access-denied", _("Administrative access is required"), argv, null, message);
    if (problem === "cancelled") return cancelledError(argv, message);
    if (problem === "terminated" || problem === "disconnected" || problem === "no-session")
        return new RunError("disconnected", _("The connection to Cockpit was lost"), argv, null, message);
    if (problem === "timeout") return new RunError("timeout", _("The command timed out"), argv, null, message);
    if (problem) return new RunError("internal", `${problem}${message ? ": " + message : ""}`, argv, null, message);

    if (overSsh && f.exit_status === 255) {
        const ssh = classifySshFailure(message);
        if (ssh) return new RunError(ssh, sshSummary(ssh), argv, 255, message);
    }
    if (f.exit_signal !== undefined && f.exit_signal !== null && f.exit_status == null)
        return new RunError("signal", format(_("Killed by signal $0"), f.exit_signal), argv, null, message);
    if (f.exit_status !== undefined && f.exit_status !== null)
        return new RunError(
            "exit-status",
            message || format(_("$0 exited with status $1"), argv[0], f.exit_status),
            argv,
            f.exit_status,
            message,
        );
    return new RunError("internal", message || _("Unknown error"), argv, null, message);
}

/**
 * OpenSSH's own failure messages: the one place they are spelled. The runner classifies with them;
 * the host and migration explanations test the same patterns (with a few libvirt wordings added).
 */
export const SSH_FAILURE = {
    hostKeyChanged: /REMOTE HOST IDENTIFICATION HAS CHANGED/i,
    hostKeyUnknown: /No [A-Z0-9-]+ host key is known|Host key verification failed/i,
    auth: /Permission denied \(|Too many authentication failures/i,
    unreachable:
        /Connection refused|No route to host|Could not resolve hostname|Connection timed out|Network is unreachable|Name or service not known|Connection closed by|kex_exchange_identification/i,
} as const;

/** Recognises OpenSSH's own failure messages (ssh exits 255 for its own errors). */
export function classifySshFailure(stderr: string): RunErrorCause | null {
    if (SSH_FAILURE.hostKeyChanged.test(stderr)) return "host-key-changed";
    if (SSH_FAILURE.hostKeyUnknown.test(stderr)) return "host-key-unknown";
    if (SSH_FAILURE.auth.test(stderr)) return "ssh-auth";
    if (SSH_FAILURE.unreachable.test(stderr)) return "unreachable";
    return null;
}

function sshSummary(cause: RunErrorCause): string {
    switch (cause) {
        case "host-key-changed":
            return _("The host's SSH key has changed since it was last trusted");
        case "host-key-unknown":
            return _("The host's SSH key is not known yet");
        case "ssh-auth":
            return _("SSH authentication failed");
        case "unreachable":
            return _("Cannot connect to the host");
        default:
            return _("SSH failed");
    }
}

/** The failure of a command closed on purpose (its caller gave up on it). */
export function cancelledError(argv: readonly string[], stderr = ""): RunError {
    return new RunError("cancelled", _("Cancelled"), argv, null, stderr);
}

/**
 * `p`'s outcome, or a rejection with `cancelled()` as soon as `signal` aborts (at once when it already has);
 * `p` itself goes on.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, cancelled: () => unknown): Promise<T> {
    if (!signal) return p;
    if (signal.aborted) return Promise.reject(cancelled());
    return new Promise<T>((resolve, reject) => {
        const stop = () => reject(cancelled());
        signal.addEventListener("abort", stop, { once: true });
        p.then(
            (x) => {
                signal.removeEventListener("abort", stop);
                resolve(x);
            },
            (e: unknown) => {
                signal.removeEventListener("abort", stop);
                reject(e);
            },
        );
    });
}
