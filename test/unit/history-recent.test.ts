import { describe, expect, it } from "vitest";
import { lastMigrations } from "../../src/history/recent";
import type { History, MigrationRecord, RecordedOptions } from "../../src/history/records";
import { ref, uuidOf } from "./refs";

const rec = (id: string, p: Partial<MigrationRecord> = {}): MigrationRecord => ({
    id,
    domain: "vm",
    uuid: uuidOf("vm"),
    source: { hostId: "localhost", label: "this host", uri: "qemu:///system" },
    destination: { hostId: "127.0.0.2", label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" },
    argv: ["virsh"],
    options: {} as RecordedOptions,
    user: "root",
    startedAt: 1,
    jobDir: `/run/cockpit-migrate/jobs/${id}`,
    outcome: "completed",
    ...p,
});
const history = (records: MigrationRecord[]): History => ({ version: 1, records });

describe("a VM's last migrations", () => {
    it("are its own by UUID, in and out of any host, newest first, at most `count`", () => {
        const h = history([
            rec("old", { startedAt: 10 }),
            rec("back", {
                startedAt: 30,
                source: { hostId: "127.0.0.2", label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" },
                destination: { hostId: "localhost", label: "this host", uri: "qemu:///system" },
            }),
            rec("mid", { startedAt: 20 }),
            rec("other", { startedAt: 40, domain: "other", uuid: uuidOf("other") }),
        ]);
        expect(lastMigrations(h, ref("vm")).map((r) => r.id)).toEqual(["back", "mid", "old"]);
        expect(lastMigrations(h, ref("vm"), 2).map((r) => r.id)).toEqual(["back", "mid"]);
        expect(lastMigrations(h, ref("other")).map((r) => r.id)).toEqual(["other"]);
    });

    it("a VM of the same name with another UUID is another VM; records without a UUID go by name", () => {
        const h = history([
            rec("same-name", { uuid: uuidOf("another vm") }),
            rec("legacy", { uuid: undefined, startedAt: 5 }),
        ]);
        delete h.records[1]!.uuid;
        expect(lastMigrations(h, ref("vm")).map((r) => r.id)).toEqual(["legacy"]);
        expect(lastMigrations(history([]), ref("vm"))).toEqual([]);
    });
});
