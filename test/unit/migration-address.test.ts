import { describe, expect, it } from "vitest";
import { withMigrationAddress } from "../../src/migration/address";
import { defaultOptions, migrateArgv } from "../../src/migration/options";
import { uuidOf } from "./refs";

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
