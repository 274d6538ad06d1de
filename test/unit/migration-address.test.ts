import { describe, expect, it } from "vitest";
import { withMigrationAddress } from "../../src/migration/address";
import { defaultOptions, migrateArgv } from "../../src/migration/options";
import { uuidOf } from "./refs";
import { moveOptions } from "../../src/plan/run";
import type { Domain } from "../../src/domains/types";

describe("withMigrationAddress", () => {
    const live = defaultOptions("running");
    it("adds --migrateuri tcp://ADDR --listen-address ADDR (IPv6 bracketed in the URI only)", () => {
        expect(withMigrationAddress(live, "10.0.0.2")).toEqual({
            ...live,
            migrateUri: "tcp://10.0.0.2",
            listenAddress: "10.0.0.2",
        });
        const argv = migrateArgv(
            "qemu:///system",
            uuidOf("vm"),
            "qemu+ssh://root@b/system",
            withMigrationAddress(live, "fd00::2"),
        );
        expect(argv.slice(argv.indexOf("--migrateuri"), argv.indexOf("--listen-address") + 2)).toEqual([
            "--migrateuri",
            "tcp://[fd00::2]",
            "--listen-address",
            "fd00::2",
        ]);
    });
    it("leaves the options as they are without an address, or when they name their own migration URI", () => {
        expect(withMigrationAddress(live, undefined)).toBe(live);
        expect(withMigrationAddress(live, "")).toBe(live);
        const own = { ...live, migrateUri: "tcp://192.0.2.1" };
        expect(withMigrationAddress(own, "10.0.0.2")).toBe(own);
    });
});

/**
 * An offline migration starts no QEMU on the destination (libvirt's qemuMigrationDstPrepareFresh
 * skips the incoming side, the source skips the Perform phase): --listen-address is never used.
 * The migration URI is still read by the destination's Prepare, and with one given libvirt does
 * not build its own from the destination's host name (which it refuses when that is "localhost…",
 * the error a migration address fixes): an offline migration keeps --migrateuri. Dialog and plan
 * follow the same rule.
 */
describe("the migration address of an offline migration", () => {
    const offline = defaultOptions("shutoff");
    const dest = { id: "b", label: "B", uri: "qemu+ssh://root@b/system", target: null, migrationAddress: "10.0.0.2" };
    const vm: Domain = {
        name: "vm",
        uuid: uuidOf("vm"),
        state: "shutoff",
        memoryKiB: 1,
        maxMemoryKiB: 1,
        vcpus: 1,
        persistent: true,
        autostart: false,
    };
    it("--migrateuri tcp://ADDR without --listen-address (no QEMU listens)", () => {
        expect(withMigrationAddress(offline, "10.0.0.2")).toEqual({ ...offline, migrateUri: "tcp://10.0.0.2" });
        const argv = migrateArgv("qemu:///system", uuidOf("vm"), dest.uri, withMigrationAddress(offline, "fd00::2"));
        expect(argv).toContain("--offline");
        expect(argv[argv.indexOf("--migrateuri") + 1]).toBe("tcp://[fd00::2]");
        expect(argv).not.toContain("--listen-address");
    });
    it("a plan's offline move gets the same options as the dialog's", () => {
        const planned = moveOptions(vm, dest, []);
        expect(planned.mode).toBe("offline");
        expect(planned.migrateUri).toBe("tcp://10.0.0.2");
        expect(planned.listenAddress).toBeUndefined();
        expect(withMigrationAddress(defaultOptions("shutoff"), dest.migrationAddress)).toMatchObject({
            migrateUri: planned.migrateUri,
        });
        const live = moveOptions({ ...vm, state: "running" }, dest, []);
        expect(live).toMatchObject({ mode: "live", migrateUri: "tcp://10.0.0.2", listenAddress: "10.0.0.2" });
    });
});
