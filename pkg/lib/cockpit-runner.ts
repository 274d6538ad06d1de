/**
 * The Runner backed by cockpit.spawn. Local commands run through the Cockpit bridge;
 * remote ones run as `ssh … -- host 'argv'…` through the same bridge (see ssh.ts).
 */
import type { Cockpit } from "./cockpit";
import { checkArgv, toRunError, type RunOptions, type Runner, type RunTarget } from "./runner";
import { sshArgv } from "./ssh";

export function cockpitInstance(): Cockpit {
    const c = window.cockpit;
    if (!c) throw new Error("cockpit.js is not loaded: open this page through Cockpit");
    return c;
}

/** The argv that actually runs for a target: the command itself, or ssh wrapping it. */
export function targetArgv(target: RunTarget, argv: readonly string[]): string[] {
    return target.kind === "local" ? [...argv] : sshArgv(target.address, target.user, target.port, argv);
}

export class CockpitRunner implements Runner {
    private readonly cockpit: Cockpit;
    constructor(cockpit: Cockpit) { this.cockpit = cockpit }

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
            ...(superuser !== "none" ? { superuser } : {}),
            environ: ["LC_ALL=C", "LANG=C"],
        });
        let timer: ReturnType<typeof setTimeout> | undefined;
        if (options.timeoutMs) timer = setTimeout(() => proc.close("timeout"), options.timeoutMs);
        if (options.input !== undefined) proc.input(options.input);
        return new Promise<string>((resolve, reject) => {
            proc.then(out => { clearTimeout(timer); resolve(out) },
                (err: unknown) => { clearTimeout(timer); reject(toRunError(err, argv, target.kind === "ssh")) });
        });
    }
}
