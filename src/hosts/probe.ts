/**
 * "Test connection" for a known host: can this host log in to it over SSH (what its own commands
 * and an SSH migration need), and does its libvirt answer through the host's connection URI. Each
 * failure is explained as the page explains a failed VM list (`explainConnectionError`).
 */
import { LOCAL, isRunError, type Runner } from "../../pkg/lib/runner";
import { errorText } from "../../pkg/lib/error-text";
import * as v from "../virsh/argv";
import { explainConnectionError, type ConnectionError } from "./errors";
import { targetForUri } from "./target";
import type { KnownHost } from "./types";
import { hostUri } from "./uri";
import { _, format } from "../../pkg/lib/gettext";

export const PROBE_TIMEOUT_MS = 30_000;

/** One step's outcome: done (with what it found), failed (why), or not needed for this transport. */
export type ProbeStep<T> = { ok: true; value: T } | { ok: false; error: ConnectionError } | { ok: null };

export interface HostProbe {
    /** SSH login as the host's SSH user; not tried for TLS/TCP hosts (libvirt does not use SSH then). */
    ssh: ProbeStep<null>;
    /** libvirt through `hostUri(host)`: the host name it reports. */
    libvirt: ProbeStep<{ hostname: string | null }>;
}

function failed(host: KnownHost, e: unknown): { ok: false; error: ConnectionError } {
    return {
        ok: false,
        error: explainConnectionError(
            host.address,
            errorText(e, { stderr: true }),
            isRunError(e) ? e.cause : undefined,
        ),
    };
}

export async function probeHost(runner: Runner, host: KnownHost): Promise<HostProbe> {
    const uri = hostUri(host);
    let ssh: HostProbe["ssh"] = { ok: null };
    if (host.transport === "ssh") {
        const target = targetForUri(uri, [host]);
        try {
            if (!target || target.kind !== "ssh") throw new Error(format(_("Not an SSH connection URI: $0"), uri));
            await runner.run(target, ["true"], { timeoutMs: PROBE_TIMEOUT_MS });
            ssh = { ok: true, value: null };
        } catch (e) {
            ssh = failed(host, e);
        }
    }
    // without SSH, libvirt over SSH fails the same way: say it once
    if (ssh.ok === false) return { ssh, libvirt: { ok: null } };
    try {
        const name = await runner.run(LOCAL, v.hostname(uri), { timeoutMs: PROBE_TIMEOUT_MS });
        return { ssh, libvirt: { ok: true, value: { hostname: name.trim() || null } } };
    } catch (e) {
        return { ssh, libvirt: failed(host, e) };
    }
}
