import { describe, expect, it } from "vitest";
import { resolveDestination } from "../../src/hosts/destination";
import type { KnownHost } from "../../src/hosts/types";
import { HOSTILE } from "./hostile";

const known: KnownHost[] = [
    { id: "127.0.0.2", address: "127.0.0.2", sshUser: "root", transport: "ssh" },
    { id: "c.lab", address: "c.lab", sshUser: "admin", transport: "tcp", migrationAddress: "127.0.0.3" },
];

describe("resolveDestination", () => {
    it("a known host by id or address", () => {
        expect(resolveDestination("127.0.0.2", known).destination).toMatchObject({
            uri: "qemu+ssh://root@127.0.0.2/system?no_tty=1",
            known: known[0],
        });
        expect(resolveDestination("C.LAB", known).destination?.uri).toBe("qemu+tcp://c.lab/system");
    });
    it("a host name becomes qemu+ssh as root", () => {
        expect(resolveDestination("other.example", known).destination).toMatchObject({
            uri: "qemu+ssh://root@other.example/system?no_tty=1",
            known: null,
        });
    });
    it.each([
        "qemu+ssh://root@h/system",
        "qemu+tls://h:16514/system",
        "qemu+tcp://127.0.0.3/system",
        "qemu:///session",
        "qemu+ssh://u@h/system?keyfile=/root/.ssh/k&no_tty=1",
    ])("accepts %s", (u) => {
        expect(resolveDestination(u, known)).toMatchObject({ error: null, destination: { uri: u } });
    });
    it("a URI of a known host is matched to it (its migration address applies)", () => {
        expect(resolveDestination("qemu+tcp://c.lab/system", known).destination?.known?.migrationAddress).toBe(
            "127.0.0.3",
        );
    });
    it.each([
        "qemu+ssh://h/system?command=/tmp/x",
        "qemu+ssh://h/system?netcat=sh",
        "qemu+ssh://h/system?no_verify=1",
        "xen+ssh://h/system",
        "qemu+ext://h/system",
        "qemu+ssh://-oProxyCommand=x/system",
        "qemu+ssh://h/other",
        "qemu+ssh://a;b@h/system",
        "",
    ])("refuses %j", (u) => {
        expect(resolveDestination(u, known)).toMatchObject({ destination: null, error: expect.any(String) });
    });
    it("every hostile string is refused or becomes a plain host name", () => {
        for (const s of HOSTILE) {
            const r = resolveDestination(s, known);
            if (r.destination && !["qemu:///system", "qemu+tcp://127.0.0.9/system"].includes(s))
                expect(s.trim()).toMatch(/^([A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/);
        }
    });
});
