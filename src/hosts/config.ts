/**
 * The known-hosts configuration file: JSON, no secrets, read and written through a FileStore
 * (cockpit.file with tags in the app) so that concurrent edits are detected, not clobbered.
 */
import type { HostsConfig, KnownHost } from "./types";
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";
import { UnreadableFileError } from "../../pkg/lib/unreadable";
import { hasErrors, validateHost } from "./validate";
import { _, format } from "../../pkg/lib/gettext";

export const HOSTS_CONFIG_PATH = "/etc/cockpit-migrate/hosts.json";

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** The stable id of a host: its address (lower-cased), which is unique in the list. */
export function hostId(address: string): string {
    return address.trim().toLowerCase();
}

/**
 * The known hosts in the file. Content that is not a hosts list throws an UnreadableFileError (an
 * edit then refuses to replace it). What this version does not understand is kept for the rewrite:
 * unknown fields of the file and of each host, and entries that are not valid hosts (those are not
 * listed, and `unread.hosts` tells the page so).
 */
export function parseHostsConfig(text: string | null): HostsConfig {
    if (text === null || text.trim() === "") return { version: 1, hosts: [] };
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new UnreadableFileError(
            HOSTS_CONFIG_PATH,
            "not-json",
            format(_("not valid JSON: $0"), (e as Error).message),
        );
    }
    if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { hosts?: unknown }).hosts))
        throw new UnreadableFileError(HOSTS_CONFIG_PATH, "wrong-shape", _('no "hosts" list'));
    const { hosts: items, version: _version, ...fields } = raw as { hosts: unknown[]; version?: unknown };
    const hosts: KnownHost[] = [];
    const invalid: unknown[] = [];
    for (const item of items) {
        const h = normaliseHost(item);
        if (h && !hasErrors(validateHost(h)) && !hosts.some((x) => x.id === h.id)) hosts.push(h);
        else invalid.push(item);
    }
    return {
        version: 1,
        hosts,
        ...(invalid.length || Object.keys(fields).length ? { unread: { fields, hosts: invalid } } : {}),
    };
}

const HOST_FIELDS = new Set(["address", "sshUser", "sshPort", "transport", "libvirtPort", "migrationAddress"]);

/** A host entry, or null when a field we know holds a value we cannot take (read otherwise, a
 * transport of a later version would silently become SSH, and be written back as SSH). */
function normaliseHost(item: unknown): KnownHost | null {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
    const o = item as Record<string, unknown>;
    const optional = (v: unknown, type: "string" | "number") => v === undefined || typeof v === type;
    if (
        typeof o.address !== "string" ||
        !optional(o.sshUser, "string") ||
        !optional(o.sshPort, "number") ||
        !optional(o.libvirtPort, "number") ||
        !optional(o.migrationAddress, "string") ||
        !(o.transport === undefined || o.transport === "ssh" || o.transport === "tls" || o.transport === "tcp")
    )
        return null;
    const host: KnownHost = {
        id: hostId(o.address),
        address: o.address,
        sshUser: typeof o.sshUser === "string" ? o.sshUser : "root",
        transport: o.transport ?? "ssh",
    };
    if (typeof o.sshPort === "number") host.sshPort = o.sshPort;
    if (typeof o.libvirtPort === "number") host.libvirtPort = o.libvirtPort;
    if (typeof o.migrationAddress === "string" && o.migrationAddress) host.migrationAddress = o.migrationAddress;
    // fields of a later version (or an admin's own notes) stay in the file through our edits
    const kept = Object.fromEntries(Object.entries(o).filter(([k]) => !HOST_FIELDS.has(k)));
    if (Object.keys(kept).length) host.kept = kept;
    return host;
}

export function serializeHostsConfig(config: HostsConfig): string {
    const hosts = [
        ...config.hosts.map(({ id: _id, kept, ...ours }) => ({ ...kept, ...ours })),
        ...(config.unread?.hosts ?? []),
    ];
    return JSON.stringify({ ...config.unread?.fields, version: 1, hosts }, null, 2) + "\n";
}

/** Adds or replaces (by id) a host; `previousId` renames. Refuses invalid hosts and duplicates. */
export function upsertHost(config: HostsConfig, host: KnownHost, previousId?: string): HostsConfig {
    const errors = validateHost(host);
    if (hasErrors(errors)) throw new ConfigError(Object.values(errors).join("; "));
    const h = { ...host, id: hostId(host.address) };
    if (h.id === "localhost") throw new ConfigError(_("This host is always listed; add other hosts"));
    const others = config.hosts.filter((x) => x.id !== (previousId ?? h.id));
    if (others.some((x) => x.id === h.id)) throw new ConfigError(format(_("$0 is already in the list"), h.address));
    const index = config.hosts.findIndex((x) => x.id === (previousId ?? h.id));
    const hosts = [...others];
    hosts.splice(index < 0 ? hosts.length : index, 0, h);
    return { ...config, hosts };
}

export function removeHost(config: HostsConfig, id: string): HostsConfig {
    return { ...config, hosts: config.hosts.filter((h) => h.id !== id) };
}

export async function updateHostsConfig(
    store: FileStore,
    change: (c: HostsConfig) => HostsConfig,
): Promise<HostsConfig> {
    let result: HostsConfig = { version: 1, hosts: [] };
    await modifyFile(store, HOSTS_CONFIG_PATH, (content) => {
        const before = parseHostsConfig(content);
        result = change(before);
        return serializeHostsConfig({ ...result, unread: result.unread ?? before.unread });
    });
    return result;
}
