/**
 * Trust between hosts: can host S's user log in to host D without a password (what a migration S drives itself,
 * `--p2p` / `--tunnelled` over qemu+ssh, needs: S's libvirtd runs ssh as S's root). Checked ON S, through the
 * usual SSH target (the throttle counts it), by a BatchMode ssh as libvirt would run it; a missing pair is fixed
 * by trusting D's host key in S's known_hosts (scanned from S, after the admin compares fingerprints) and
 * installing S's public key in D's authorized_keys.
 */
import { classifySshFailure, LOCAL, type RunErrorCause, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { fingerprintArgv, keyscanArgv, parseHostKeys, sshArgv, type HostKey } from "../../pkg/lib/ssh";
import {
    appendLinesArgv,
    AUTHORIZED_KEYS,
    hostPublicKey,
    sshConfigArgv,
    sshConfigValues,
    sshTarget,
    type SshEndpoint,
} from "./authorize";
import type { KnownHost } from "./types";
import { _ } from "../../pkg/lib/gettext";
import { errorText } from "../../pkg/lib/error-text";

/** A host of the matrix: where its commands run and, for an SSH host, how others log in to it. */
export interface TrustNode {
    id: string;
    label: string;
    target: RunTarget;
    endpoint: SshEndpoint | null;
}

export function trustNodes(known: readonly KnownHost[]): TrustNode[] {
    const ssh = known
        .filter((h) => h.transport === "ssh")
        .map((h): TrustNode => {
            const endpoint = { address: h.address, user: h.sshUser, port: h.sshPort };
            return { id: h.id, label: h.address, target: sshTarget(endpoint), endpoint };
        });
    return [{ id: "localhost", label: _("This host"), target: LOCAL, endpoint: null }, ...ssh];
}

/** Runs the ssh given as arguments without input and prints its messages, then `reach-status N`. */
export const REACH_SCRIPT = '"$@" </dev/null 2>&1; echo "reach-status $?"';

export function reachArgv(to: SshEndpoint): string[] {
    return ["sh", "-c", REACH_SCRIPT, "sh", ...sshArgv(to.address, to.user, to.port, ["true"])];
}

export type Reach = { ok: true } | { ok: false; cause: RunErrorCause | "source"; message: string };

export function parseReach(out: string): Reach {
    const m = /(?:^|\n)reach-status (\d+)\s*$/.exec(out);
    const message = out.slice(0, m?.index ?? out.length).trim();
    if (!m) return { ok: false, cause: "internal", message: out.trim() };
    if (m[1] === "0") return { ok: true };
    const cause = m[1] === "255" ? classifySshFailure(message) : null;
    return { ok: false, cause: cause ?? "exit-status", message };
}

/** One pair, checked on the source; a source we cannot run commands on is its own answer. */
export async function checkReach(runner: Runner, from: TrustNode, to: SshEndpoint): Promise<Reach> {
    try {
        return parseReach(await runner.run(from.target, reachArgv(to), { timeoutMs: 30_000 }));
    } catch (e) {
        return { ok: false, cause: "source", message: errorText(e, { stderr: true }) };
    }
}

export interface TrustPair {
    from: TrustNode;
    to: TrustNode & { endpoint: SshEndpoint };
}

export function trustPairs(nodes: readonly TrustNode[]): TrustPair[] {
    return nodes.flatMap((from) =>
        nodes
            .filter((to): to is TrustNode & { endpoint: SshEndpoint } => to.endpoint !== null && to.id !== from.id)
            .map((to) => ({ from, to })),
    );
}

export const pairKey = (p: TrustPair) => `${p.from.id}>${p.to.id}`;

/** The destination's host keys as the source sees them (scanned on the source), with fingerprints. */
export async function scanFrom(runner: Runner, pair: TrustPair): Promise<{ keys: HostKey[]; argv: string[] }> {
    const argv = keyscanArgv(pair.to.endpoint.address, pair.to.endpoint.port);
    const scanned = await runner.run(pair.from.target, argv, { timeoutMs: 15_000 });
    if (scanned.trim() === "") return { keys: [], argv };
    return { keys: parseHostKeys(scanned, await runner.run(LOCAL, fingerprintArgv(), { input: scanned })), argv };
}

/** Appends the keys to the known_hosts file the source's ssh uses for the destination (the first of `ssh -G`). */
export async function trustFrom(runner: Runner, pair: TrustPair, keys: readonly HostKey[]): Promise<string[][]> {
    const config = sshConfigArgv(pair.to.endpoint);
    const file = sshConfigValues(await runner.run(pair.from.target, config), "userknownhostsfile")[0];
    const append = appendLinesArgv(
        file ?? "~/.ssh/known_hosts",
        keys.map((k) => k.line),
    );
    await runner.run(pair.from.target, append);
    return [config, append];
}

/** Installs the source's public key (created there when it has none) in the destination's authorized_keys. */
export async function authorizeFrom(runner: Runner, pair: TrustPair): Promise<string[][]> {
    const { key, commands } = await hostPublicKey(runner, pair.from.target, pair.to.endpoint);
    const install = appendLinesArgv(AUTHORIZED_KEYS, [key.line]);
    await runner.run(pair.to.target, install);
    return [...commands, install];
}
