import { describe, expect, it } from "vitest";
import { hostUri, localUri, migrationTarget, parseLibvirtUri } from "../../src/hosts/uri";
import type { KnownHost } from "../../src/hosts/types";

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
