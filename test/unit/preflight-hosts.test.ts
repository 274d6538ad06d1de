import { describe, expect, it } from "vitest";
import { machineFamily, parseOsRelease, supportedPath } from "../../src/preflight/hostversions";
import { targetForUri } from "../../src/hosts/target";

const os = (id: string, v: string) =>
    parseOsRelease(`NAME="X"\nID=${id}\nVERSION_ID="${v}"\nPRETTY_NAME="${id} ${v}"\n`);

describe("supported-migration table (RHEL procedure 10.8)", () => {
    it.each<[string, string, string, string, string | null, string]>([
        ["rhel", "7.9", "rhel", "8.1", "pc-i440fx-rhel7.6.0", "pass"],
        ["rhel", "7.5", "rhel", "8.1", "pc-i440fx-rhel7.5.0", "warning"],
        ["rhel", "8.1", "rhel", "7.6", "pc-q35-rhel7.6.0", "pass"],
        ["rhel", "8.1", "rhel", "7.4", "pc-q35-rhel7.6.0", "warning"],
        ["rhel", "8.0.1", "rhel", "8.2", "pc-q35-rhel8.0.0", "pass"],
        ["rhel", "8.1", "rhel", "8.4", "pc-i440fx-rhel7.6.0", "warning"],
        ["rhel", "8.4", "rhel", "8.4", "pc-i440fx-rhel7.6.0", "pass"],
        ["rhel", "9.2", "rhel", "9.4", "pc-q35-rhel9.2.0", "info"],
        ["debian", "12", "debian", "12", "pc-i440fx-7.2", "pass"],
        ["debian", "12", "fedora", "40", "pc-q35-7.2", "info"],
    ])("%s %s -> %s %s (%s): %s", (a, av, b, bv, machine, severity) => {
        expect(supportedPath(os(a, av), os(b, bv), machine, []).severity).toBe(severity);
    });
    it("reads os-release with and without quotes", () => {
        expect(parseOsRelease('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toEqual({
            id: "debian",
            versionId: "12",
            pretty: "Debian GNU/Linux 12 (bookworm)",
        });
    });
    it("machine families", () => {
        expect(machineFamily("pc-q35-rhel8.2.0")).toBe("q35");
        expect(machineFamily("pc")).toBe("i440fx");
        expect(machineFamily("pc-i440fx-7.2")).toBe("i440fx");
        expect(machineFamily("microvm")).toBe("other");
    });
});

describe("targetForUri", () => {
    const known = [{ id: "b", address: "b", sshUser: "admin", sshPort: 2222, transport: "tcp" as const }];
    it.each([
        ["qemu:///system", { kind: "local" }],
        ["qemu+ssh://root@h:2200/system?no_tty=1", { kind: "ssh", address: "h", user: "root", port: 2200 }],
        ["qemu+ssh://h/system", { kind: "ssh", address: "h", user: "root" }],
        ["qemu+tcp://b/system", { kind: "ssh", address: "b", user: "admin", port: 2222 }],
    ])("%s", (uri, target) => expect(targetForUri(uri, known)).toEqual(target));
    it("not a URI", () => expect(targetForUri("nope", known)).toBeNull());
});
