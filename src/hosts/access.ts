/**
 * "Set up access": this host's public key installed on a host that takes a password, with that password typed
 * once. The password goes to ssh through SSH_ASKPASS (SSH_ASKPASS_REQUIRE=force, OpenSSH ≥ 8.4): a throw-away
 * askpass program reads it from its standard input, inherited from ssh, which gets it from the spawned process's
 * stdin. It is never in an argv, an environment variable, a file or a log, and nothing keeps it.
 */
import { LOCAL, RunError, isRunError, type Runner } from "../../pkg/lib/runner";
import { checkSshEndpoint, shellQuote, sshArgv } from "../../pkg/lib/ssh";
import { _, format } from "../../pkg/lib/gettext";
import type { Explained } from "../../pkg/lib/explained";
import { explainConnectionError, type ConnectionProblem } from "./errors";
import {
    appendLinesArgv,
    AUTHORIZED_KEYS,
    hostPublicKey,
    sshTarget,
    type PublicKey,
    type SshEndpoint,
} from "./authorize";

/** Runs `ssh "$@"` with a private askpass that prints the first line of its stdin (the password). */
export const ASKPASS_SCRIPT = [
    "d=$(mktemp -d) || exit 1",
    "trap 'rm -rf -- \"$d\"' EXIT",
    "printf '%s\\n' '#!/bin/sh' 'IFS= read -r p || [ -n \"$p\" ] || exit 1' 'printf \"%s\\n\" \"$p\"' > \"$d/askpass\"",
    'chmod 700 "$d/askpass"',
    'SSH_ASKPASS="$d/askpass" SSH_ASKPASS_REQUIRE=force ssh "$@"',
].join("\n");

/** Why a password cannot be passed: ssh reads one line from askpass (it ends the password at CR or LF). */
export function passwordProblem(password: string): string | null {
    if (password === "") return _("Type the password");
    if (/[\r\n\0]/.test(password)) return _("A password with a line break or NUL cannot be passed to ssh");
    return null;
}

/** The argv that runs `remote` on `to` logging in with a password (given on stdin, one line). */
export function passwordSshArgv(to: SshEndpoint, remote: readonly string[]): string[] {
    checkSshEndpoint(to.address, to.user, to.port);
    return [
        "sh",
        "-c",
        ASKPASS_SCRIPT,
        "sh",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "NumberOfPasswordPrompts=1",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "ControlPath=none",
        "-o",
        "ConnectTimeout=10",
        "-T",
        ...(to.port && to.port !== 22 ? ["-p", String(to.port)] : []),
        "-l",
        to.user,
        "--",
        to.address,
        ...remote.map(shellQuote),
    ];
}

export type AccessProblem = "not-root" | "wrong-password" | "no-password-login" | ConnectionProblem;
export interface AccessError extends Explained {
    problem: AccessProblem;
    message: string;
}

/** A password login's failure (ssh's stderr), with the fix. */
export function explainPasswordLogin(to: SshEndpoint, stderr: string): AccessError {
    const e = (problem: AccessProblem, title: string, fix: string): AccessError => ({
        problem,
        title,
        fix,
        message: stderr,
    });
    const denied = /Permission denied \(([^)]*)\)/.exec(stderr);
    if (denied) {
        const methods = denied[1]!.split(",");
        return methods.includes("password") || methods.includes("keyboard-interactive")
            ? e("wrong-password", format(_("$0 did not accept the password"), to.address), _("Check the password."))
            : e(
                  "no-password-login",
                  format(_("$0 does not accept password logins for $1"), to.address, to.user),
                  format(
                      _(
                          'Allow it for now in /etc/ssh/sshd_config on $0 ("PasswordAuthentication yes", and for root "PermitRootLogin yes"), reload sshd, set up access, then set them back; or install the key from a console: ssh-copy-id $1@$0.',
                      ),
                      to.address,
                      to.user,
                  ),
              );
    }
    // anything else: as a failed connection is explained everywhere (host key, refused, unknown host, …)
    return explainConnectionError(to.address, stderr);
}

export class AccessFailure extends RunError {
    constructor(
        readonly explained: AccessError,
        argv: readonly string[],
    ) {
        super("exit-status", explained.title, argv, null, explained.message);
    }
}

export interface AccessResult {
    key: PublicKey;
    /** every command run, in order (the password is in none of them) */
    commands: string[][];
}

/** The remote user is root: migration connects as root; another account would need sudo, which we do not drive. */
export function notRoot(to: SshEndpoint): AccessError | null {
    if (to.user === "root") return null;
    return {
        problem: "not-root",
        title: format(_("Access is set up for root, not for $0"), to.user),
        fix: format(
            _(
                'Migration connects as root. On $0, as $1: "sudo install -d -m 700 /root/.ssh", then add this host\'s public key to /root/.ssh/authorized_keys with sudo; or set the SSH user to root.',
            ),
            to.address,
            to.user,
        ),
        message: "",
    };
}

/**
 * Installs this host's key (the one its ssh offers `to`, created when there is none) into `to`'s
 * authorized_keys over a password login, then checks a key login (BatchMode) through the usual SSH target.
 */
export async function setUpAccess(runner: Runner, to: SshEndpoint, password: string): Promise<AccessResult> {
    const problem = passwordProblem(password);
    if (problem) throw new RunError("invalid-argument", problem, []);
    const root = notRoot(to);
    if (root) throw new AccessFailure(root, []);
    const { key, commands } = await hostPublicKey(runner, LOCAL, to);
    const install = passwordSshArgv(to, appendLinesArgv(AUTHORIZED_KEYS, [key.line]));
    commands.push(install);
    try {
        await runner.run(LOCAL, install, { input: password + "\n", timeoutMs: 60_000 });
    } catch (e) {
        if (isRunError(e) && e.cause === "exit-status" && e.exitStatus === 255)
            throw new AccessFailure(explainPasswordLogin(to, e.stderr || e.message), install);
        throw e;
    }
    await runner.run(sshTarget(to), ["true"], { timeoutMs: 30_000 });
    commands.push(sshArgv(to.address, to.user, to.port, ["true"]));
    return { key, commands };
}
