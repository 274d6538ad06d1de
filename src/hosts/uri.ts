/** Building and reading libvirt connection URIs (https://libvirt.org/uri.html). */
import type { Driver, KnownHost, Transport } from "./types";

const DEFAULT_PORTS: Record<Transport, number> = { ssh: 22, tls: 16514, tcp: 16509 };

/**
 * A bracketed IPv6 literal, or the name/IPv4 as is. A zone id (`fe80::1%eth0`) is written
 * `%25eth0` (RFC 6874): libvirt's URI parser unescapes the host, so a bare `%` would be read as
 * the start of an escape and give another address.
 */
export function uriHost(address: string): string {
    if (!address.includes(":") || address.startsWith("[")) return address;
    return `[${address.replace(/%/g, "%25")}]`;
}

/** Where a host receives migration data: `--migrateuri tcp://ADDR --listen-address ADDR`. */
export interface MigrationTarget {
    migrateUri: string;
    listenAddress: string;
}

/**
 * The migration URI is a URI (an IPv6 address bracketed, as in the connection URI: unbracketed,
 * `tcp://fd00::2` reads as host `fd00` and port `:2`); the listen address is the bare address,
 * which libvirt brackets itself when it hands it to QEMU.
 */
export function migrationTarget(address: string): MigrationTarget {
    return { migrateUri: `tcp://${uriHost(address)}`, listenAddress: address };
}

/** The libvirt URI of a known host, e.g. `qemu+ssh://root@host/system`. */
export function hostUri(host: KnownHost, driver: Driver = "system"): string {
    const port = host.transport === "ssh" ? host.sshPort : host.libvirtPort;
    const portPart = port && port !== DEFAULT_PORTS[host.transport] ? `:${port}` : "";
    const userPart = host.transport === "ssh" ? `${encodeURIComponent(host.sshUser)}@` : "";
    const query = host.transport === "ssh" ? "?no_tty=1" : "";
    return `qemu+${host.transport}://${userPart}${uriHost(host.address)}${portPart}/${driver}${query}`;
}

/** The URI for this host. */
export function localUri(driver: Driver = "system"): string {
    return `qemu:///${driver}`;
}

export interface ParsedUri {
    driver: string; // "qemu"
    transport: string | null; // "ssh" | "tls" | "tcp" | "unix" | …
    user: string | null;
    host: string | null;
    port: number | null;
    path: string; // "/system"
    query: string;
}

/** Parses a libvirt URI; null when it is not one. Does not resolve anything. */
export function parseLibvirtUri(uri: string): ParsedUri | null {
    const m =
        /^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\/(?:([^@/?#\s]*)@)?(\[[0-9a-fA-F:.]+\]|[^:/?#\s@[\]]*)(?::(\d{1,5}))?(\/[^?#\s]*)?(?:\?([^#\s]*))?$/.exec(
            uri,
        );
    if (!m) return null;
    const port = m[5] ? Number(m[5]) : null;
    if (port !== null && (port < 1 || port > 65535)) return null;
    let user: string | null = null;
    if (m[3] !== undefined) {
        try {
            user = decodeURIComponent(m[3]);
        } catch {
            return null;
        }
    }
    return {
        driver: m[1]!,
        transport: m[2] ?? null,
        user,
        host: m[4] ? m[4].replace(/^\[|\]$/g, "") : null,
        port,
        path: m[6] ?? "",
        query: m[7] ?? "",
    };
}

/** One URI query parameter, decoded the way libvirt decodes it. */
export interface UriParam {
    name: string;
    value: string;
}

/**
 * The parameters of a URI query exactly as libvirt reads them (virURIParseParams): the next
 * parameter ends at the next `&` if there is one anywhere further on, otherwise at the next `;`;
 * a section without `=` is a name with the value ""; "=value" is ignored; names and values are
 * percent-decoded like libxml2's xmlURIUnescapeString (a `%` not followed by two hex digits
 * stays as it is). Never throws.
 */
export function parseUriParams(query: string): UriParam[] {
    const params: UriParam[] = [];
    let rest = query;
    while (rest !== "") {
        let end = rest.indexOf("&");
        if (end === -1) end = rest.indexOf(";");
        if (end === -1) end = rest.length;
        const section = rest.slice(0, end);
        const eq = section.indexOf("=");
        if (section !== "" && eq !== 0) {
            params.push(
                eq === -1
                    ? { name: unescapeUri(section), value: "" }
                    : { name: unescapeUri(section.slice(0, eq)), value: unescapeUri(section.slice(eq + 1)) },
            );
        }
        rest = rest.slice(end + 1);
    }
    return params;
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** libxml2's xmlURIUnescapeString: %XX becomes that byte, anything else is kept; bytes as Latin-1 characters. */
export function unescapeUri(s: string): string {
    let out = "";
    for (let i = 0; i < s.length; i++) {
        if (s[i] === "%" && HEX.test(s.slice(i + 1, i + 3))) {
            out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
            i += 2;
        } else out += s[i];
    }
    return out;
}
