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
});
