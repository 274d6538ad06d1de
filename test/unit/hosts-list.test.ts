import { describe, expect, it } from "vitest";
import { hostList } from "../../src/hosts/list";
import type { KnownHost } from "../../src/hosts/types";

const known: KnownHost[] = [
    { id: "b", address: "b.lab", sshUser: "root", transport: "ssh" },
    { id: "c", address: "c.lab", sshUser: "admin", transport: "tcp", migrationAddress: "10.0.0.3" },
];

describe("hostList", () => {
    it("is this host first, then the known hosts in the admin's order, each by its URI", () => {
        expect(hostList(known)).toEqual([
            { id: "localhost", label: "This host", uri: "qemu:///system", known: null },
            { id: "b", label: "b.lab", uri: "qemu+ssh://root@b.lab/system?no_tty=1", known: known[0] },
            { id: "c", label: "c.lab", uri: "qemu+tcp://c.lab/system", known: known[1] },
        ]);
    });
    it("always has this host, even with no known host", () => {
        expect(hostList([]).map((h) => h.id)).toEqual(["localhost"]);
    });
});
