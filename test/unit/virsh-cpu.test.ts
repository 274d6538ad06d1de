import { describe, expect, it } from "vitest";
import { backupPath } from "../../src/cpu/apply";
import * as c from "../../src/virsh/cpu";
import { HOSTILE } from "./hostile";
import { uuidOf } from "./refs";
import type { DomainUuid } from "../../src/virsh/argv";

describe("argv", () => {
    it("documents travel on standard input; names are option values", () => {
        expect(
            c.hypervisorCpuBaseline("qemu:///system", { virttype: "qemu", features: true, migratable: true }),
        ).toEqual([
            "virsh",
            "-c",
            "qemu:///system",
            "hypervisor-cpu-baseline",
            "--virttype",
            "qemu",
            "--features",
            "--migratable",
            "--file",
            "/dev/stdin",
        ]);
        expect(c.cpuCompare("u", "kvm")).toEqual([
            "virsh",
            "-c",
            "u",
            "hypervisor-cpu-compare",
            "--virttype",
            "kvm",
            "--error",
            "--file",
            "/dev/stdin",
        ]);
        const vm = uuidOf("vm");
        expect(c.start("u", vm).slice(-2)).toEqual(["--domain", vm]);
        expect(c.shutdown("u", vm).slice(-2)).toEqual(["--domain", vm]);
        // a name never reaches --domain, whatever it is: only a UUID does
        for (const s of HOSTILE)
            expect(() => c.start("u", s as DomainUuid), JSON.stringify(s)).toThrow(/Not a domain UUID/);
        expect(() => c.destroy("u", "a\0b" as DomainUuid)).toThrow();
    });
    it("backup file names encode the domain name: never a path", () => {
        for (const s of HOSTILE.filter((h) => h !== "")) {
            const p = backupPath(s, uuidOf("vm"), 0);
            expect(p.startsWith("/var/lib/cockpit-migrate/cpu-backups/")).toBe(true);
            expect(p.slice("/var/lib/cockpit-migrate/cpu-backups/".length)).not.toMatch(/\/|^\.\.?-/);
        }
    });
    it("two VMs of one name (on two hosts) backed up in the same millisecond get two files", () => {
        expect(backupPath("web", uuidOf("a"), 5)).not.toBe(backupPath("web", uuidOf("b"), 5));
    });
});
