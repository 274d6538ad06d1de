/**
 * The known-hosts configuration file: JSON, no secrets, read and written through a FileStore
 * (cockpit.file with tags in the app) so that concurrent edits are detected, not clobbered.
 */
import type { HostsConfig, KnownHost } from "./types";
import { hasErrors, validateHost } from "./validate";

export const HOSTS_CONFIG_PATH = "/etc/cockpit-migrate/hosts.json";

export interface FileStore {
    /** Content and a tag identifying that version; null content when the file does not exist. */
    read(path: string): Promise<{ content: string | null; tag: string | null }>;
    /** Atomic replace; rejects if the file's tag is no longer `expectedTag` (someone else changed it). */
    replace(path: string, content: string, expectedTag: string | null): Promise<string>;
}

export class ConfigError extends Error {
    constructor(message: string) { super(message); this.name = "ConfigError" }
}

/** The stable id of a host: its address (lower-cased), which is unique in the list. */
export function hostId(address: string): string {
    return address.trim().toLowerCase();
}

export function parseHostsConfig(text: string | null): HostsConfig {
    if (text === null || text.trim() === "") return { version: 1, hosts: [] };
    let raw: unknown;
    try { raw = JSON.parse(text) } catch (e) {
        throw new ConfigError(`${HOSTS_CONFIG_PATH} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { hosts?: unknown }).hosts))
        throw new ConfigError(`${HOSTS_CONFIG_PATH} has no "hosts" list`);
    const hosts: KnownHost[] = [];
    for (const item of (raw as { hosts: unknown[] }).hosts) {
        const h = normaliseHost(item);
        if (h && !hasErrors(validateHost(h)) && !hosts.some(x => x.id === h.id)) hosts.push(h);
    }
    return { version: 1, hosts };
}

function normaliseHost(item: unknown): KnownHost | null {
    if (typeof item !== "object" || item === null) return null;
    const o = item as Record<string, unknown>;
    if (typeof o.address !== "string") return null;
    const num = (v: unknown) => typeof v === "number" ? v : undefined;
    const host: KnownHost = {
        id: hostId(o.address),
        address: o.address,
        sshUser: typeof o.sshUser === "string" ? o.sshUser : "root",
        transport: o.transport === "tls" || o.transport === "tcp" ? o.transport : "ssh",
    };
    const sshPort = num(o.sshPort); if (sshPort !== undefined) host.sshPort = sshPort;
    const libvirtPort = num(o.libvirtPort); if (libvirtPort !== undefined) host.libvirtPort = libvirtPort;
    if (typeof o.migrationAddress === "string" && o.migrationAddress) host.migrationAddress = o.migrationAddress;
    return host;
}

export function serializeHostsConfig(config: HostsConfig): string {
    return JSON.stringify({ version: 1, hosts: config.hosts.map(({ id: _id, ...rest }) => rest) }, null, 2) + "\n";
}

/** Adds or replaces (by id) a host; `previousId` renames. Refuses invalid hosts and duplicates. */
export function upsertHost(config: HostsConfig, host: KnownHost, previousId?: string): HostsConfig {
    const errors = validateHost(host);
    if (hasErrors(errors)) throw new ConfigError(Object.values(errors).join("; "));
    const h = { ...host, id: hostId(host.address) };
    if (h.id === "localhost") throw new ConfigError("This host is always listed; add other hosts");
    const others = config.hosts.filter(x => x.id !== (previousId ?? h.id));
    if (others.some(x => x.id === h.id)) throw new ConfigError(`${h.address} is already in the list`);
    const index = config.hosts.findIndex(x => x.id === (previousId ?? h.id));
    const hosts = [...others];
    hosts.splice(index < 0 ? hosts.length : index, 0, h);
    return { version: 1, hosts };
}

export function removeHost(config: HostsConfig, id: string): HostsConfig {
    return { version: 1, hosts: config.hosts.filter(h => h.id !== id) };
}

/**
 * Read-modify-write of a file with conflict detection: the write names the tag that was read, so
 * a concurrent change is never overwritten; the change is then re-applied to the new content.
 */
export async function modifyFile(store: FileStore, path: string, change: (content: string | null) => string, retries = 1): Promise<void> {
    for (let attempt = 0; ; attempt++) {
        const { content, tag } = await store.read(path);
        const next = change(content);
        try {
            await store.replace(path, next, tag);
            return;
        } catch (e) {
            if (attempt >= retries || !isTagConflict(e)) throw e;
        }
    }
}

export async function updateHostsConfig(store: FileStore, change: (c: HostsConfig) => HostsConfig): Promise<HostsConfig> {
    let result: HostsConfig = { version: 1, hosts: [] };
    await modifyFile(store, HOSTS_CONFIG_PATH, content => serializeHostsConfig(result = change(parseHostsConfig(content))));
    return result;
}

export function isTagConflict(e: unknown): boolean {
    return typeof e === "object" && e !== null && (e as { problem?: string }).problem === "change-conflict";
}
