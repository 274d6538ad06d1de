import { describe, expect, it } from "vitest";
import {
    addRecord,
    dismissers,
    dismissRecord,
    readHistory,
    updateRecord,
    type MigrationRecord,
    type RecordedOptions,
} from "../../src/history/records";
import { needsAction, visibleResults } from "../../src/history/results";
import { uuidOf } from "./refs";
import { MemoryFiles } from "./fakes";

const A = { hostId: "localhost", label: "127.0.0.1", uri: "qemu:///system" };
const B = { hostId: "127.0.0.2", label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" };

const rec = (p: Partial<MigrationRecord> & { id: string }): MigrationRecord => ({
    domain: "vm",
    uuid: uuidOf("vm"),
    source: A,
    destination: B,
    argv: ["virsh"],
    options: {} as RecordedOptions,
    user: "root",
    startedAt: 1000,
    endedAt: 2000,
    jobDir: `/run/cockpit-migrate/jobs/${p.id}`,
    outcome: "completed",
    verification: { ok: true, where: "Running on 127.0.0.2", problems: [] },
    ...p,
});
const ids = (rs: MigrationRecord[]) => rs.map((r) => r.id);
const view = (records: MigrationRecord[], followed: string[] = [], dismissed: string[] = [], uri = A.uri) =>
    visibleResults({
        records,
        viewed: { uri },
        identities: {},
        followed: new Set(followed),
        user: "root",
        dismissed: new Set(dismissed),
    });

describe("results that do not pile up (issue 21 item 5)", () => {
    it("a result from before this page load is in the history only, not shown again", () => {
        expect(view([rec({ id: "old" })])).toEqual({ toasts: [], pinned: [] });
    });
    it("a migration this page followed to its end is a toast", () => {
        expect(ids(view([rec({ id: "r1" })], ["r1"]).toasts)).toEqual(["r1"]);
    });
    it("another admin's old result is not shown either; one this page watched end is", () => {
        const other = rec({ id: "o1", user: "alice" });
        expect(view([other]).toasts).toEqual([]);
        expect(ids(view([other], ["o1"]).toasts)).toEqual(["o1"]);
    });
    it("a dismissed result is not shown", () => {
        expect(view([rec({ id: "r1" })], ["r1"], ["r1"]).toasts).toEqual([]);
    });
    it("a newer migration of the same VM replaces the older result: A -> B then back B -> A", () => {
        const there = rec({ id: "r1", startedAt: 1000, endedAt: 2000 });
        const back = rec({ id: "r2", source: B, destination: A, startedAt: 3000, endedAt: 4000 });
        // one result, the way back, whichever host is viewed
        expect(ids(view([there, back], ["r1", "r2"]).toasts)).toEqual(["r2"]);
        expect(ids(view([there, back], ["r1", "r2"], [], B.uri).toasts)).toEqual(["r2"]);
        // A -> B twice (B -> A done by hand in between): one result, the newer
        const again = rec({ id: "r3", startedAt: 5000, endedAt: 6000 });
        expect(ids(view([there, again], ["r1", "r3"]).toasts)).toEqual(["r3"]);
    });
    it("nothing while the VM is being migrated again", () => {
        const running = rec({ id: "r2", startedAt: 3000, outcome: "running", endedAt: undefined });
        expect(view([rec({ id: "r1" }), running], ["r1", "r2"])).toEqual({ toasts: [], pinned: [] });
    });
    it("other VMs' results stand side by side, newest first", () => {
        const other = rec({ id: "w1", domain: "web", uuid: uuidOf("web"), endedAt: 5000 });
        expect(ids(view([rec({ id: "r1" }), other], ["r1", "w1"]).toasts)).toEqual(["w1", "r1"]);
    });
    it("a result that needs action stays, from any earlier load and any admin, until dismissed or superseded", () => {
        const split = rec({
            id: "pc",
            user: "alice",
            outcome: "failed",
            postcopyResume: ["virsh", "migrate", "--postcopy-resume"],
            verification: { ok: false, where: "Split between both hosts", problems: [] },
        });
        expect(needsAction(split)).toBe(true);
        expect(view([split])).toEqual({ toasts: [], pinned: [split] });
        expect(view([split], ["pc"])).toEqual({ toasts: [], pinned: [split] });
        // on the source's page, not on the other hosts'
        expect(view([split], [], [], B.uri).pinned).toEqual([]);
        expect(view([split], [], ["pc"]).pinned).toEqual([]);
        // the resume is a newer migration of the same VM: it replaces the failure
        // on the source's machine however it is viewed: this host as the known host 127.0.0.1 is the same host
        const knownA = { uri: "qemu+ssh://root@127.0.0.1/system", id: "127.0.0.1" };
        const same = { [A.uri]: "u-a lab-a", [knownA.uri]: "u-a lab-a", [B.uri]: "u-b lab-b" };
        const at = (viewed: { uri: string }) =>
            visibleResults({
                records: [split],
                viewed,
                identities: same,
                followed: new Set(),
                user: "root",
                dismissed: new Set(),
            });
        expect(at(knownA).pinned).toEqual([split]);
        expect(at(B).pinned).toEqual([]);
        const resumed = rec({ id: "rs", startedAt: 3000, endedAt: 4000 });
        expect(view([split, resumed], ["rs"])).toEqual({ toasts: [resumed], pinned: [] });
        // a VM found somewhere it should not be needs action too; a failure with the VM back on its source does not
        const nowhere = rec({
            id: "nw",
            outcome: "failed",
            verification: { ok: false, where: "Nowhere", problems: [] },
        });
        expect(needsAction(nowhere)).toBe(true);
        expect(needsAction(rec({ id: "f", outcome: "failed" }))).toBe(false);
    });
});

describe("dismissals, kept per user in the record", () => {
    it("stick after a reload (a new read of the history), per user; two at once are both kept", async () => {
        const files = new MemoryFiles();
        await addRecord(files, rec({ id: "r1", outcome: "running" }));
        await updateRecord(files, "r1", { outcome: "completed", endedAt: 2000 });
        await Promise.all([dismissRecord(files, "r1", "root"), dismissRecord(files, "r1", "alice")]);
        await dismissRecord(files, "r1", "root");
        const [stored] = (await readHistory(files)).records;
        expect(dismissers(stored!).sort()).toEqual(["alice", "root"]);
        // after a reload nothing is dismissed on the page yet: the record says it
        const seen = (user: string) =>
            visibleResults({
                records: [stored!],
                viewed: A,
                identities: {},
                followed: new Set(["r1"]),
                user,
                dismissed: new Set(),
            });
        expect(seen("root").toasts).toEqual([]);
        expect(seen("bob").toasts).toHaveLength(1);
        // an unknown login is "", not everybody
        await dismissRecord(files, "r1", null);
        expect(dismissers((await readHistory(files)).records[0]!)).toContain("");
    });
    it("a field of another shape (a hand edit) dismisses nothing", () => {
        expect(dismissers({ ...rec({ id: "x" }), dismissedBy: "root" as unknown as string[] })).toEqual([]);
        expect(dismissers({ ...rec({ id: "x" }), dismissedBy: ["root", 3 as unknown as string] })).toEqual(["root"]);
    });
});
