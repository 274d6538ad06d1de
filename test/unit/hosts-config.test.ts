import { describe, expect, it } from "vitest";
import {
    ConfigError,
    HOSTS_CONFIG_PATH,
    parseHostsConfig,
    removeHost,
    serializeHostsConfig,
    updateHostsConfig,
    upsertHost,
} from "../../src/hosts/config";
import { type FileStore } from "../../pkg/lib/filestore";
import type { KnownHost } from "../../src/hosts/types";

const host = (p: Partial<KnownHost>): KnownHost => ({
    id: "",
    address: "h.example.com",
    sshUser: "root",
    transport: "ssh",
    ...p,
});

describe("hosts config", () => {
    it("round-trips", () => {
        let c = parseHostsConfig(null);
        c = upsertHost(c, host({ address: "b.example" }));
        c = upsertHost(
            c,
            host({ address: "c.example", transport: "tcp", libvirtPort: 16600, migrationAddress: "10.1.1.1" }),
        );
        const again = parseHostsConfig(serializeHostsConfig(c));
        expect(again).toEqual(c);
        expect(again.hosts.map((h) => h.id)).toEqual(["b.example", "c.example"]);
    });
    it("edits in place, renames, refuses duplicates and this host", () => {
        let c = upsertHost(upsertHost(parseHostsConfig(null), host({ address: "a" })), host({ address: "b" }));
        c = upsertHost(c, host({ address: "a2" }), "a");
        expect(c.hosts.map((h) => h.address)).toEqual(["a2", "b"]);
        expect(() => upsertHost(c, host({ address: "B" }), "a2")).toThrow(ConfigError);
        expect(() => upsertHost(c, host({ address: "localhost" }))).toThrow(ConfigError);
        expect(() => upsertHost(c, host({ address: "-oProxyCommand=x" }))).toThrow(ConfigError);
        expect(removeHost(c, "b").hosts.map((h) => h.address)).toEqual(["a2"]);
    });
    it("skips invalid entries of a hand-edited file and explains broken JSON", () => {
        const c = parseHostsConfig(
            JSON.stringify({ hosts: [{ address: "ok" }, { address: "-bad" }, { nope: 1 }, { address: "ok" }] }),
        );
        expect(c.hosts.map((h) => h.address)).toEqual(["ok"]);
        expect(() => parseHostsConfig("{")).toThrow(/not valid JSON/);
        expect(() => parseHostsConfig("{}")).toThrow(/no "hosts" list/);
    });
    it("an edit keeps what this version does not understand: the file's and each host's unknown fields, invalid entries", async () => {
        let content: string | null = JSON.stringify({
            version: 1,
            comment: "managed by hand",
            hosts: [
                { address: "a", sshUser: "admin", note: "rack 4", futureOption: { x: 1 } },
                { address: "q", transport: "quic" },
                { address: "-bad" },
                "junk",
            ],
        });
        const store: FileStore = {
            read: async () => ({ content, tag: "t" }),
            replace: async (_p, c) => {
                content = c;
                return "t2";
            },
        };
        const before = parseHostsConfig(content);
        expect(before.hosts.map((h) => h.address)).toEqual(["a"]);
        expect(before.unread?.hosts).toEqual([{ address: "q", transport: "quic" }, { address: "-bad" }, "junk"]);
        await updateHostsConfig(store, (c) => upsertHost(c, host({ address: "mine" })));
        expect(JSON.parse(content!)).toEqual({
            version: 1,
            comment: "managed by hand",
            hosts: [
                { address: "a", sshUser: "admin", transport: "ssh", note: "rack 4", futureOption: { x: 1 } },
                { address: "mine", sshUser: "root", transport: "ssh" },
                { address: "q", transport: "quic" },
                { address: "-bad" },
                "junk",
            ],
        });
        // edited (renamed, another user) and removed: the host's own unknown fields go with it
        await updateHostsConfig(store, (c) => upsertHost(c, { ...c.hosts[0]!, address: "a2", sshUser: "root" }, "a"));
        expect(JSON.parse(content!).hosts[0]).toEqual({
            address: "a2",
            sshUser: "root",
            transport: "ssh",
            note: "rack 4",
            futureOption: { x: 1 },
        });
        await updateHostsConfig(store, (c) => removeHost(c, "a2"));
        expect(JSON.parse(content!).hosts.map((h: { address?: string }) => h.address ?? h)).toEqual([
            "mine",
            "q",
            "-bad",
            "junk",
        ]);
    });
    it("a file that is not a hosts list is never replaced: refused with where, why and a fix; a copy is kept", async () => {
        const files = new Map<string, string>([[HOSTS_CONFIG_PATH, '{"hosts": [{"address": "a"},']]);
        const store: FileStore = {
            read: async (p) => ({ content: files.get(p) ?? null, tag: files.has(p) ? "t" : null }),
            replace: async (p, c, expected) => {
                if (expected !== (files.has(p) ? "t" : null)) throw { problem: "change-conflict" };
                files.set(p, c);
                return "t";
            },
        };
        const e = await updateHostsConfig(store, (c) => upsertHost(c, host({ address: "b" }))).catch((x: unknown) => x);
        expect(e).toMatchObject({
            name: "UnreadableFileError",
            path: HOSTS_CONFIG_PATH,
            reason: "not-json",
            copy: expect.stringContaining(`${HOSTS_CONFIG_PATH}.unreadable-`),
        });
        expect(files.get(HOSTS_CONFIG_PATH)).toBe('{"hosts": [{"address": "a"},');
        expect(files.get((e as { copy: string }).copy)).toBe('{"hosts": [{"address": "a"},');
    });
    it("updates with the file's tag and retries once on a concurrent change", async () => {
        let content: string | null = null;
        let tag = "t0";
        let conflicts = 1;
        const writes: (string | null)[] = [];
        const store: FileStore = {
            read: async () => ({ content, tag }),
            replace: async (_p, c, expected) => {
                writes.push(expected);
                if (conflicts-- > 0) {
                    content = serializeHostsConfig(upsertHost(parseHostsConfig(content), host({ address: "other" })));
                    tag = "t1";
                    throw { problem: "change-conflict" };
                }
                if (expected !== tag) throw new Error("tag mismatch");
                content = c;
                tag = "t2";
                return tag;
            },
        };
        const result = await updateHostsConfig(store, (c) => upsertHost(c, host({ address: "mine" })));
        expect(result.hosts.map((h) => h.address)).toEqual(["other", "mine"]);
        expect(writes).toEqual(["t0", "t1"]);
    });
});
