/**
 * A migration destination typed by the admin: a known host, a host name (→ qemu+ssh://root@NAME/system),
 * or a full libvirt URI. URIs are checked so that nothing in them can run a program of their choosing.
 */
import { hostUri, parseLibvirtUri } from "./uri";
import type { KnownHost } from "./types";
import { validateAddress } from "./validate";

export interface Destination {
    uri: string;
    /** What the UI calls it. */
    label: string;
    /** The known host it is, when it is one (by id or by address). */
    known: KnownHost | null;
}

/** URI query parameters that are safe to pass on; `command`/`netcat` would run a program, `no_verify` skips host keys. */
const SAFE_PARAMS = new Set(["no_tty", "keyfile", "known_hosts", "sshauth", "mode", "pkipath", "tls_priority", "name"]);

export function resolveDestination(input: string, known: KnownHost[]): { destination: Destination | null; error: string | null } {
    const text = input.trim();
    if (text === "") return { destination: null, error: "Choose a destination host or type a host name or libvirt URI" };
    const byId = known.find(h => h.id === text.toLowerCase() || h.address === text);
    if (byId) return { destination: { uri: hostUri(byId), label: byId.address, known: byId }, error: null };

    if (!text.includes("://")) {
        const e = validateAddress(text);
        if (e) return { destination: null, error: e };
        const h: KnownHost = { id: text.toLowerCase(), address: text, sshUser: "root", transport: "ssh" };
        return { destination: { uri: hostUri(h), label: text, known: null }, error: null };
    }
    const p = parseLibvirtUri(text);
    if (!p) return { destination: null, error: "Not a libvirt URI, e.g. qemu+ssh://root@host/system" };
    if (p.driver !== "qemu") return { destination: null, error: "Only qemu:// URIs can be migration destinations" };
    if (p.transport && !["ssh", "tls", "tcp", "unix", "libssh", "libssh2"].includes(p.transport))
        return { destination: null, error: `Unsupported transport "${p.transport}"` };
    if (p.path !== "/system" && p.path !== "/session") return { destination: null, error: "The URI must end in /system or /session" };
    if (p.host && validateAddress(p.host) !== null) return { destination: null, error: `Not a valid host in the URI: ${p.host}` };
    if (p.user !== null && !/^[a-z_][a-z0-9_.-]*$/i.test(p.user)) return { destination: null, error: "Not a valid user name in the URI" };
    for (const param of p.query ? p.query.split("&") : []) {
        const name = decodeURIComponent(param.split("=")[0] ?? "");
        if (!SAFE_PARAMS.has(name)) return { destination: null, error: `The URI parameter "${name}" is not allowed here` };
    }
    const match = known.find(h => p.host !== null && h.address.toLowerCase() === p.host.toLowerCase()) ?? null;
    return { destination: { uri: text, label: p.host ?? "this host", known: match }, error: null };
}
