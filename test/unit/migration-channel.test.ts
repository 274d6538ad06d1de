import { describe, expect, it } from "vitest";
import { channelErrors, describeChannel, p2pRouteError } from "../../src/migration/channel";
import { defaultOptions, migrateFlags, validateOptions, type MigrationOptions } from "../../src/migration/options";
import { withMigrationAddress } from "../../src/migration/address";

const base = (p: Partial<MigrationOptions> = {}): MigrationOptions => ({ ...defaultOptions("running"), ...p });
const tunnel = (p: Partial<MigrationOptions> = {}) => base({ p2p: true, tunnelled: true, ...p });
const SSH = "qemu+ssh://root@127.0.0.3/system?no_tty=1",
    TCP = "qemu+tcp://127.0.0.3/system",
    TLS = "qemu+tls://c.example/system";

describe("--p2p --tunnelled: flags as chosen, nothing added", () => {
    it("the flags follow the options, after --tls and before the addresses", () => {
        expect(migrateFlags(base({ p2p: true })).join(" ")).toBe("--live --persistent --undefinesource --p2p");
        expect(migrateFlags(tunnel()).join(" ")).toBe("--live --persistent --undefinesource --p2p --tunnelled");
        // tunnelled without p2p is refused by the validation, never repaired silently in the argv
        expect(migrateFlags(base({ tunnelled: true })).join(" ")).toBe(
            "--live --persistent --undefinesource --tunnelled",
        );
        expect(
            validateOptions(base({ tunnelled: true }), { domainState: "running", persistent: true }).errors.tunnelled,
        ).toMatch(/needs peer-to-peer/);
    });
    it("a plain tunnelled live migration is valid", () => {
        expect(validateOptions(tunnel(), { domainState: "running", persistent: true }).errors).toEqual({});
        expect(
            validateOptions(tunnel({ compressed: true, autoConverge: true, bandwidthMiBs: 50 }), {
                domainState: "running",
                persistent: true,
            }).errors,
        ).toEqual({});
    });
});

describe("the combinations libvirt refuses with --tunnelled, each with its reason", () => {
    it.each<[string, Partial<MigrationOptions>, RegExp]>([
        ["without --p2p", { p2p: false }, /needs peer-to-peer/],
        ["offline", { mode: "offline" }, /no memory to tunnel/],
        ["--parallel", { parallelConnections: 2 }, /no parallel connections/],
        ["--postcopy", { postcopy: true }, /post-copy/],
        ["--copy-storage-all", { storage: "copy-all" }, /cannot copy disks through a tunnel/],
        ["--copy-storage-inc", { storage: "copy-inc" }, /cannot copy disks through a tunnel/],
        ["--tls", { tls: true }, /TLS or the tunnel/],
        ["--migrateuri", { migrateUri: "tcp://127.0.0.3" }, /no migration address/],
        ["--listen-address", { listenAddress: "127.0.0.3" }, /no migration address/],
    ])("%s", (_n, p, why) => {
        expect(channelErrors(tunnel(p)).tunnelled).toMatch(why);
        expect(channelErrors(base(p)).tunnelled).toBeUndefined();
    });
    it("--p2p alone refuses nothing", () => {
        expect(channelErrors(base({ p2p: true, parallelConnections: 2, postcopy: true, tls: true }))).toEqual({});
    });
});

describe("a destination's migration address and the tunnel", () => {
    it("a tunnelled migration gets no --migrateuri / --listen-address (libvirt refuses them)", () => {
        expect(withMigrationAddress(tunnel(), "127.0.0.1")).toEqual(tunnel());
        expect(withMigrationAddress(base({ p2p: true }), "127.0.0.1")).toMatchObject({
            migrateUri: "tcp://127.0.0.1",
            listenAddress: "127.0.0.1",
        });
    });
});

describe("peer-to-peer: the source opens the destination URI", () => {
    it("a URI without a host names the source itself when the source is another host", () => {
        expect(p2pRouteError(tunnel(), TCP, "qemu:///system")).toMatch(/where it names the source/);
        expect(p2pRouteError(base({ p2p: true }), SSH, "qemu:///system")).toMatch(/choose one with a host/);
        expect(p2pRouteError(tunnel(), "qemu:///system", TCP)).toBeNull();
        expect(p2pRouteError(tunnel(), TCP, SSH)).toBeNull();
        expect(p2pRouteError(base(), TCP, "qemu:///system")).toBeNull();
    });
});

describe("how the memory travels, and whether it is encrypted", () => {
    it.each<[string, Partial<MigrationOptions>, string, string, boolean]>([
        ["default", {}, SSH, "Plain TCP to ports 49152–49215, whatever the URI's transport", false],
        [
            "p2p alone changes who drives, not the channel",
            { p2p: true },
            SSH,
            "Plain TCP to ports 49152–49215, whatever the URI's transport",
            false,
        ],
        ["--tls", { tls: true }, TCP, "TLS to ports 49152–49215 (certificates in /etc/pki/qemu)", true],
        [
            "tunnelled over ssh",
            { p2p: true, tunnelled: true },
            SSH,
            "In libvirtd's ssh connection, no migration ports",
            true,
        ],
        [
            "tunnelled over tls",
            { p2p: true, tunnelled: true },
            TLS,
            "In libvirtd's tls connection, no migration ports",
            true,
        ],
        // qemu+tcp is libvirt's unencrypted transport: a tunnel through it is not encrypted either
        [
            "tunnelled over tcp",
            { p2p: true, tunnelled: true },
            TCP,
            "In libvirtd's tcp connection, no migration ports",
            false,
        ],
        ["offline", { mode: "offline" }, SSH, "Only the definition moves, over libvirt's connection", false],
    ])("%s", (_n, p, uri, title, encrypted) => {
        expect(describeChannel(base(p), uri)).toEqual({ title, encrypted });
    });
});
