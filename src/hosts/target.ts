/** Where to run a host's own commands (e.g. reading /etc/os-release), given its libvirt URI. */
import type { RunTarget } from "../../pkg/lib/runner";
import type { KnownHost } from "./types";
import { parseLibvirtUri } from "./uri";

export function targetForUri(uri: string, known: KnownHost[]): RunTarget | null {
    const p = parseLibvirtUri(uri);
    if (!p) return null;
    if (!p.host) return { kind: "local" };
    const k = known.find((h) => h.address.toLowerCase() === p.host!.toLowerCase());
    if (p.transport === "ssh" || p.transport === "libssh" || p.transport === "libssh2")
        return {
            kind: "ssh",
            address: p.host,
            user: p.user ?? k?.sshUser ?? "root",
            ...(p.port ? { port: p.port } : k?.sshPort ? { port: k.sshPort } : {}),
        };
    return { kind: "ssh", address: p.host, user: k?.sshUser ?? "root", ...(k?.sshPort ? { port: k.sshPort } : {}) };
}
