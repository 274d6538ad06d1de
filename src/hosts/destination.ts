/**
 * A migration destination typed by the admin: a known host, a host name (→ qemu+ssh://root@NAME/system),
 * or a full libvirt URI. URIs are checked so that nothing in them can run a program of their choosing.
 */
import { hostUri, parseLibvirtUri, parseUriParams, type UriParam } from "./uri";
import type { Host, KnownHost } from "./types";
import { validateAddress } from "./validate";
import { _, format } from "../../pkg/lib/gettext";

export interface Destination extends Pick<Host, "uri" | "label"> {
    /** The known host it is, when it is one (by id or by address). */
    known: KnownHost | null;
}

const PATH = /^\/[A-Za-z0-9._/+-]*$/;

/**
 * The URI parameters a destination may carry, each with the values it may have: nothing that
 * runs a program (`command`, `netcat`, `socket`, the `ext` transport), weakens host-key or
 * certificate checks (`no_verify`, `known_hosts_verify`) or TLS (`tls_priority`), or sends
 * the remote daemon elsewhere (`name` other than the local QEMU drivers).
 */
const ALLOWED: Record<string, (value: string) => boolean> = {
    no_tty: (v) => v === "0" || v === "1",
    keyfile: (v) => PATH.test(v),
    known_hosts: (v) => PATH.test(v),
    pkipath: (v) => PATH.test(v),
    sshauth: (v) =>
        /^(agent|privkey|password|keyboard-interactive)(,(agent|privkey|password|keyboard-interactive))*$/.test(v),
    mode: (v) => v === "auto" || v === "legacy" || v === "direct",
    name: (v) => v === "qemu:///system" || v === "qemu:///session",
};

const shown = (s: string) => JSON.stringify(s).slice(1, -1);

/** Why libvirt would read these parameters as something we do not allow; null when every one is allowed. */
export function uriParamsProblem(params: UriParam[]): string | null {
    const seen = new Set<string>();
    for (const param of params) {
        // libvirt compares parameter names without regard to case (COMMAND= is command=)
        const name = param.name.toLowerCase(),
            value = param.value;
        const allowed = Object.hasOwn(ALLOWED, name) ? ALLOWED[name]! : null;
        if (!allowed) return format(_('The URI parameter "$0" is not allowed here'), shown(param.name));
        if (seen.has(name)) return format(_('The URI parameter "$0" is given twice'), name);
        seen.add(name);
        if (!allowed(value)) return format(_('The URI parameter "$0" cannot be "$1" here'), name, shown(value));
    }
    return null;
}

export function resolveDestination(
    input: string,
    known: KnownHost[],
): { destination: Destination | null; error: string | null } {
    const text = input.trim();
    if (text === "")
        return { destination: null, error: _("Choose a destination host or type a host name or libvirt URI") };
    const byId = known.find((h) => h.id === text.toLowerCase() || h.address === text);
    if (byId) return { destination: { uri: hostUri(byId), label: byId.address, known: byId }, error: null };

    if (!text.includes("://")) {
        const e = validateAddress(text);
        if (e) return { destination: null, error: e };
        const h: KnownHost = { id: text.toLowerCase(), address: text, sshUser: "root", transport: "ssh" };
        return { destination: { uri: hostUri(h), label: text, known: null }, error: null };
    }
    const p = parseLibvirtUri(text);
    if (!p) return { destination: null, error: _("Not a libvirt URI, e.g. qemu+ssh://root@host/system") };
    if (p.driver !== "qemu") return { destination: null, error: _("Only qemu:// URIs can be migration destinations") };
    if (p.transport && !["ssh", "tls", "tcp", "unix", "libssh", "libssh2"].includes(p.transport))
        return { destination: null, error: format(_('Unsupported transport "$0"'), p.transport) };
    if (p.path !== "/system" && p.path !== "/session")
        return { destination: null, error: _("The URI must end in /system or /session") };
    if (p.host && validateAddress(p.host) !== null)
        return { destination: null, error: format(_("Not a valid host in the URI: $0"), p.host) };
    if (p.user !== null && !/^[a-z_][a-z0-9_.-]*$/i.test(p.user))
        return { destination: null, error: _("Not a valid user name in the URI") };
    // read as libvirt reads them: split on & and ;, percent-decoded (comm%61nd is command)
    const paramError = uriParamsProblem(parseUriParams(p.query));
    if (paramError) return { destination: null, error: paramError };
    const match = known.find((h) => p.host !== null && h.address.toLowerCase() === p.host.toLowerCase()) ?? null;
    return { destination: { uri: text, label: p.host ?? _("this host"), known: match }, error: null };
}
