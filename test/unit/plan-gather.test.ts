import { describe, expect, it } from "vitest";
import { hostRefs } from "../../src/plan/gather";
import type { KnownHost } from "../../src/hosts/types";

describe("hostRefs", () => {
    it("this host runs its commands here; a known host over SSH as its user, with its migration address", () => {
        const known: KnownHost[] = [
            {
                id: "b",
                address: "b.lab",
                sshUser: "admin",
                sshPort: 2222,
                transport: "ssh",
                migrationAddress: "fd00::2",
            },
        ];
        expect(hostRefs(known)).toEqual([
            { id: "localhost", label: "This host", uri: "qemu:///system", target: { kind: "local" } },
            {
                id: "b",
                label: "b.lab",
                uri: "qemu+ssh://admin@b.lab:2222/system?no_tty=1",
                target: { kind: "ssh", address: "b.lab", user: "admin", port: 2222 },
                migrationAddress: "fd00::2",
            },
        ]);
    });
});
