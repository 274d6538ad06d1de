import { describe, expect, it } from "vitest";
import {
    activeMigration,
    addRecord,
    HISTORY_PATH,
    HistoryConflictError,
    newRecordId,
    parseHistory,
    readHistory,
    updateRecord,
    type MigrationRecord,
    type RecordedOptions,
} from "../../src/history/records";
import { ref, uuidOf } from "./refs";
import { MemoryFiles } from "./fakes";
import { UnreadableFileError } from "../../pkg/lib/unreadable";

const memoryStore = () => new MemoryFiles();

const rec = (p: Partial<MigrationRecord> = {}): MigrationRecord => ({
    id: "r1",
    domain: "vm",
    uuid: uuidOf("vm"),
    source: { hostId: "localhost", label: "this host", uri: "qemu:///system" },
    destination: { hostId: "127.0.0.2", label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" },
    argv: ["virsh"],
    options: {} as RecordedOptions,
    user: "root",
    startedAt: 1,
    jobDir: "/run/cockpit-migrate/jobs/r1",
    outcome: "running",
    ...p,
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
        await expect(addRecord(store, rec({ id: "r2", domain: "renamed" }))).rejects.toBeInstanceOf(
            HistoryConflictError,
        );
        await addRecord(store, rec({ id: "r3", domain: "other", uuid: uuidOf("other") }));
        await addRecord(store, rec({ id: "r4", domain: "vm", uuid: uuidOf("another vm named vm") }));
        expect((await readHistory(store)).records.map((r) => r.id)).toEqual(["r1", "r3", "r4"]);
    });
    it("two tabs racing: the tag check makes the second see the first", async () => {
        const store = memoryStore();
        const results = await Promise.allSettled([
            addRecord(store, rec({ id: "a" })),
            addRecord(store, rec({ id: "b" })),
        ]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
            expect.any(HistoryConflictError),
        ]);
    });
    it("does not show records it cannot read, and writes them back unchanged", async () => {
        expect(parseHistory(JSON.stringify({ records: [rec(), { id: 1 }] })).records).toHaveLength(1);
        const store = memoryStore();
        store.touch(HISTORY_PATH, JSON.stringify({ version: 1, records: [{ id: 1, later: "version" }, rec()] }));
        await updateRecord(store, "r1", { outcome: "completed" });
        expect(JSON.parse(store.get(HISTORY_PATH)!).records).toEqual([
            { id: 1, later: "version" },
            { ...rec(), outcome: "completed" },
        ]);
    });
    it("an unparsable file is never read as empty nor overwritten: refused with where, why and a fix; a copy is kept", async () => {
        const store = new MemoryFiles();
        const broken = '{"version": 1, "records": [' + JSON.stringify(rec()) + ', {"id": ';
        store.touch(HISTORY_PATH, broken);
        await expect(readHistory(store)).rejects.toMatchObject({ path: HISTORY_PATH, reason: "not-json" });
        const refused = await addRecord(store, rec({ id: "r2", domain: "vm" })).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(UnreadableFileError);
        const err = refused as UnreadableFileError;
        expect(err).toMatchObject({
            path: HISTORY_PATH,
            reason: "not-json",
            copy: expect.stringMatching(/^\/var\/lib\/cockpit-migrate\/history\.json\.unreadable-[0-9a-f]{8}$/),
        });
        expect(err.message).toContain(HISTORY_PATH);
        expect(err.fix).toContain(err.copy);
        expect(store.get(HISTORY_PATH)).toBe(broken);
        expect(store.get(err.copy!)).toBe(broken);
        // the same broken file refused again names the same copy, rather than leaving one more
        const again = await updateRecord(store, "r1", { outcome: "failed" }).catch((e: unknown) => e);
        expect(again).toMatchObject({ copy: err.copy });
        expect([...store.files.keys()]).toEqual([HISTORY_PATH, err.copy]);
        // JSON that is not a history
        store.touch(HISTORY_PATH, '{"records": "none"}');
        await expect(addRecord(store, rec())).rejects.toMatchObject({ reason: "wrong-shape" });
        expect(store.get(HISTORY_PATH)).toBe('{"records": "none"}');
    });
    it("record ids are unique-ish and sortable by time", () => {
        expect(newRecordId(1000, () => 0.5)).toMatch(/^0000000rs-[0-9a-z]{6}$/);
        expect(newRecordId(1000, () => 0.1) < newRecordId(2000, () => 0.1)).toBe(true);
    });
});
