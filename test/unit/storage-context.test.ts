import { describe, expect, it } from "vitest";
import { nfsHosts } from "../../src/storage/context";
import type { KnownHost } from "../../src/hosts/types";

const known: KnownHost[] = [
    { id: "b", address: "b.lab", sshUser: "root", transport: "ssh" },
    { id: "c", address: "c.lab", sshUser: "admin", sshPort: 2222, transport: "tcp" },
];

describe("nfsHosts", () => {
    it("is this host (by the address the others reach it on), then the known hosts by SSH", () => {
        // JSON, not toEqual: the hosts are recorded in the flow's state file, so the key order stays too
        expect(JSON.stringify(nfsHosts("10.0.0.1", known))).toBe(
            JSON.stringify([
                {
                    id: "localhost",
                    label: "This host",
                    target: { kind: "local" },
                    uri: "qemu:///system",
                    address: "10.0.0.1",
                },
                {
                    id: "b",
                    label: "b.lab",
                    uri: "qemu+ssh://root@b.lab/system?no_tty=1",
                    address: "b.lab",
                    target: { kind: "ssh", address: "b.lab", user: "root" },
                },
                {
                    id: "c",
                    label: "c.lab",
                    uri: "qemu+tcp://c.lab/system",
                    address: "c.lab",
                    target: { kind: "ssh", address: "c.lab", user: "admin", port: 2222 },
                },
            ]),
        );
    });

    it("offers each machine once: the known host that is this machine is This host, run here", () => {
        const self: KnownHost = { id: "127.0.0.1", address: "127.0.0.1", sshUser: "root", transport: "ssh" };
        const A = "761a9c68-4309-48f8-bb21-fbaaca6aee70 vm";
        const ids = { "qemu:///system": A, "qemu+ssh://root@127.0.0.1/system?no_tty=1": A };
        const hosts = nfsHosts("10.0.0.1", [self, ...known], ids);
        expect(hosts.map((h) => [h.id, h.label, h.target.kind, h.address])).toEqual([
            ["localhost", "This host", "local", "10.0.0.1"],
            ["b", "b.lab", "ssh", "b.lab"],
            ["c", "c.lab", "ssh", "c.lab"],
        ]);
        // before the machines are read, every entry is listed as the admin wrote it
        expect(nfsHosts("10.0.0.1", [self, ...known]).map((h) => h.label)).toEqual([
            "This host",
            "127.0.0.1",
            "b.lab",
            "c.lab",
        ]);
    });
});
