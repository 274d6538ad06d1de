/**
 * The Runner backed by cockpit.spawn. Local commands run through the Cockpit bridge;
 * remote ones run as `ssh … -- host 'argv'…` through the same bridge (see ssh.ts).
 */
import type { Cockpit } from "./cockpit";
import { checkArgv, toRunError, type ProcessFailure, type RunOptions, type Runner, type RunTarget } from "./runner";
import { multiplexedArgv, sshArgv, withoutMuxNoise } from "./ssh";
import { _ } from "./gettext";

export function cockpitInstance(): Cockpit {
    const c = window.cockpit;
    if (!c) throw new Error(_("cockpit.js is not loaded: open this page through Cockpit"));
    return c;
}

/**
 * The argv that actually runs for a target: the command itself, or ssh wrapping it over the host's shared connection.
 */
export function targetArgv(target: RunTarget, argv: readonly string[]): string[] {
    return target.kind === "local"
        ? [...argv]
        : multiplexedArgv(sshArgv(target.address, target.user, target.port, argv));
}

/** A failure as cockpit.spawn reports it, without the shared SSH connection's own notes in its message. */
function cleanFailure(err: unknown, target: RunTarget): unknown {
    if (target.kind !== "ssh" || typeof err !== "object" || err === null) return err;
    const f = err as ProcessFailure;
    return typeof f.message === "string"
        ? {
              problem: f.problem,
              exit_status: f.exit_status,
              exit_signal: f.exit_signal,
              message: withoutMuxNoise(f.message),
          }
        : err;
}

export class CockpitRunner implements Runner {
    private readonly cockpit: Cockpit;
    constructor(cockpit: Cockpit) {
        this.cockpit = cockpit;
    }

    run(target: RunTarget, argv: readonly string[], options: RunOptions = {}): Promise<string> {
        let full: string[];
        try {
            checkArgv(argv);
            full = targetArgv(target, argv);
        } catch (e) {
            return Promise.reject(toRunError(e, argv));
        }
        const superuser = options.superuser ?? "try";
        const proc = this.cockpit.spawn(full, {
            err: "message",
            superuser,
            environ: ["LC_ALL=C", "LANG=C"],
        });
        let timer: ReturnType<typeof setTimeout> | undefined;
        if (options.timeoutMs) timer = setTimeout(() => proc.close("timeout"), options.timeoutMs);
        const cancel = () => proc.close("cancelled");
        if (options.signal?.aborted) cancel();
        else options.signal?.addEventListener("abort", cancel, { once: true });
        if (options.input !== undefined) proc.input(options.input);
        return new Promise<string>((resolve, reject) => {
            proc.then(
                (out) => {
                    clearTimeout(timer);
                    options.signal?.removeEventListener("abort", cancel);
                    resolve(out);
                },
                (err: unknown) => {
                    clearTimeout(timer);
                    options.signal?.removeEventListener("abort", cancel);
                    reject(toRunError(cleanFailure(err, target), argv, target.kind === "ssh"));
                },
            );
        });
    }
}
