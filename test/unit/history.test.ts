import { describe, expect, it } from "vitest";
import { activeMigration, addRecord, HistoryConflictError, newRecordId, parseHistory, readHistory, updateRecord, type MigrationRecord } from "../../src/history/records";
import type { FileStore } from "../../src/hosts/config";
import { ref, uuidOf } from "./refs";

function memoryStore(): FileStore & { content: string | null } {
    let n = 0;
    const s = {
        content: null as string | null,
        tag: "-" as string,
        read: async () => ({ content: s.content, tag: s.content === null ? null : s.tag }),
        replace: async (_p: string, c: string, expected: string | null) => {
            if ((expected ?? "-") !== (s.content === null ? "-" : s.tag)) throw { problem: "change-conflict" };
            s.content = c; s.tag = `t${++n}`; return s.tag;
        },
    };
    return s;
}

const rec = (p: Partial<MigrationRecord> = {}): MigrationRecord => ({
    id: "r1", domain: "vm", uuid: uuidOf("vm"), source: { hostId: "localhost", label: "this host", uri: "qemu:///system" },
    destination: { hostId: "127.0.0.2", label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" },
    argv: ["virsh"], options: {}, user: "root", startedAt: 1, jobDir: "/run/cockpit-migrate/jobs/r1", outcome: "running", ...p,
});

describe("migration history", () => {
    it("adds, finds the running one, updates, and keeps records across reads", async () => {
        const store = memoryStore();
        await addRecord(store, rec());
        expect(activeMigration(await readHistory(store), "qemu:///system", ref("vm"))?.id).toBe("r1");
        expect(activeMigration(await readHistory(store), "qemu+tcp://x/system", ref("vm"))).toBeNull();
        await updateRecord(store, "r1", { outcome: "completed", endedAt: 5 });
        const h = await readHistory(store);
        expect(h.records).toHaveLength(1);
        expect(h.records[0]).toMatchObject({ outcome: "completed", endedAt: 5 });
        expect(activeMigration(h, "qemu:///system", ref("vm"))).toBeNull();
    });
    it("refuses a second migration of the same domain from the same source", async () => {
        const store = memoryStore();
        await addRecord(store, rec());
        await expect(addRecord(store, rec({ id: "r2" }))).rejects.toBeInstanceOf(HistoryConflictError);
        // the same VM renamed is still the same VM; another VM that took its name is not
        await expect(addRecord(store, rec({ id: "r2", domain: "renamed" }))).rejects.toBeInstanceOf(HistoryConflictError);
        await addRecord(store, rec({ id: "r3", domain: "other", uuid: uuidOf("other") }));
        await addRecord(store, rec({ id: "r4", domain: "vm", uuid: uuidOf("another vm named vm") }));
        expect((await readHistory(store)).records.map(r => r.id)).toEqual(["r1", "r3", "r4"]);
    });
    it("two tabs racing: the tag check makes the second see the first", async () => {
        const store = memoryStore();
        const results = await Promise.allSettled([addRecord(store, rec({ id: "a" })), addRecord(store, rec({ id: "b" }))]);
        expect(results.filter(r => r.status === "fulfilled")).toHaveLength(1);
        expect(results.filter(r => r.status === "rejected").map(r => (r as PromiseRejectedResult).reason)).toEqual([expect.any(HistoryConflictError)]);
    });
    it("ignores broken files and broken records", () => {
        expect(parseHistory("{").records).toEqual([]);
        expect(parseHistory(JSON.stringify({ records: [rec(), { id: 1 }] })).records).toHaveLength(1);
    });
    it("record ids are unique-ish and sortable by time", () => {
        expect(newRecordId(1000, () => 0.5)).toMatch(/^0000000rs-[0-9a-z]{6}$/);
        expect(newRecordId(1000, () => 0.1) < newRecordId(2000, () => 0.1)).toBe(true);
    });
});
