import { describe, expect, it } from "vitest";
import { hostUri, localUri, migrationTarget, parseLibvirtUri } from "../../src/hosts/uri";
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
import { validateAddress, validateHost } from "../../src/hosts/validate";
import type { KnownHost } from "../../src/hosts/types";
import { HOSTILE } from "./hostile";

const host = (p: Partial<KnownHost>): KnownHost => ({
    id: "",
    address: "h.example.com",
    sshUser: "root",
    transport: "ssh",
    ...p,
});

describe("hostUri", () => {
    it.each([
        [host({}), "qemu+ssh://root@h.example.com/system?no_tty=1"],
        [host({ sshUser: "admin", sshPort: 2222 }), "qemu+ssh://admin@h.example.com:2222/system?no_tty=1"],
        [host({ sshPort: 22 }), "qemu+ssh://root@h.example.com/system?no_tty=1"],
        [host({ transport: "tcp" }), "qemu+tcp://h.example.com/system"],
        [host({ transport: "tcp", libvirtPort: 16600 }), "qemu+tcp://h.example.com:16600/system"],
        [host({ transport: "tls", libvirtPort: 16514 }), "qemu+tls://h.example.com/system"],
        [host({ address: "fe80::1", transport: "tls" }), "qemu+tls://[fe80::1]/system"],
        [host({ address: "127.0.0.2" }), "qemu+ssh://root@127.0.0.2/system?no_tty=1"],
    ])("%j -> %s", (h, uri) => expect(hostUri(h)).toBe(uri));
    it("session driver", () =>
        expect(hostUri(host({ transport: "tcp" }), "session")).toBe("qemu+tcp://h.example.com/session"));
    it("local", () => {
        expect(localUri()).toBe("qemu:///system");
        expect(localUri("session")).toBe("qemu:///session");
    });
    it("round-trips through parseLibvirtUri", () => {
        const p = parseLibvirtUri(hostUri(host({ sshUser: "admin", sshPort: 2222 })));
        expect(p).toMatchObject({
            driver: "qemu",
            transport: "ssh",
            user: "admin",
            host: "h.example.com",
            port: 2222,
            path: "/system",
            query: "no_tty=1",
        });
    });
});

describe("migrationTarget (issue 17 item 8)", () => {
    it.each([
        ["10.0.0.2", "tcp://10.0.0.2", "10.0.0.2"],
        ["b.example.com", "tcp://b.example.com", "b.example.com"],
        // unbracketed, libvirt reads tcp://fd00::2 as host "fd00" and port ":2"
        ["fd00::2", "tcp://[fd00::2]", "fd00::2"],
        // the zone id's "%" escaped in the URI, the listen address left as getaddrinfo reads it
        ["fe80::1%eth0", "tcp://[fe80::1%25eth0]", "fe80::1%eth0"],
    ])("%s -> --migrateuri %s --listen-address %s", (address, migrateUri, listenAddress) =>
        expect(migrationTarget(address)).toEqual({ migrateUri, listenAddress }),
    );
    it("brackets the connection URI the same way", () =>
        expect(hostUri(host({ address: "fe80::1%eth0", transport: "tcp" }))).toBe(
            "qemu+tcp://[fe80::1%25eth0]/system",
        ));
});

describe("parseLibvirtUri", () => {
    it.each(["qemu:///system", "qemu+tcp://[::1]:16509/system", "qemu+ssh://u@h/session"])("accepts %s", (u) =>
        expect(parseLibvirtUri(u)).not.toBeNull(),
    );
    it.each(["", "system", "qemu://h:99999/system", "qemu+ssh://a b/system", "-c qemu:///system"])("rejects %j", (u) =>
        expect(parseLibvirtUri(u)).toBeNull(),
    );
});

describe("validation", () => {
    it.each(["h", "h.example.com", "127.0.0.2", "fe80::1", "::1", "a-b.c"])("accepts address %s", (a) =>
        expect(validateAddress(a)).toBeNull(),
    );
    it("rejects every hostile string as an address except plain names", () => {
        for (const s of HOSTILE) {
            const ok = validateAddress(s) === null;
            if (ok) expect(s).toMatch(/^([A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/);
        }
    });
    it("reports each bad field", () => {
        expect(Object.keys(validateHost(host({ address: "-x", sshUser: "a b", sshPort: 0 })))).toEqual([
            "address",
            "sshUser",
            "sshPort",
        ]);
    });
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

describe("trustHostKeys", () => {
    it("appends only the new key lines to known_hosts, keeping everything already there", async () => {
        const { trustHostKeys } = await import("../../src/hosts/hostkeys");
        let content: string | null = "old.example ssh-ed25519 AAAA1";
        const writes: string[] = [];
        const store: FileStore = {
            read: async () => ({ content, tag: "t" }),
            replace: async (p, c) => {
                writes.push(p);
                content = c;
                return "t2";
            },
        };
        const runner = {
            run: async (_t: unknown, argv: readonly string[]) => (argv[0] === "printenv" ? "/root\n" : ""),
        };
        const keys = [
            { line: "old.example ssh-ed25519 AAAA1", type: "ED25519", fingerprint: "x" },
            { line: "127.0.0.3 ssh-ed25519 BBBB", type: "ED25519", fingerprint: "y" },
        ];
        await trustHostKeys(runner, store, keys);
        expect(writes).toEqual(["/root/.ssh/known_hosts"]);
        expect(content).toBe("old.example ssh-ed25519 AAAA1\n127.0.0.3 ssh-ed25519 BBBB\n");
    });
});
