import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/storage/plan";
import type { FlowContext } from "../../src/storage/run";
import { runRecordedStep, undoRecorded } from "../../src/storage/flow";
import { loadRecord, newRecord, RECORD_PATH, replaceRecord } from "../../src/storage/record";
import { EXPORTS_PATH } from "../../src/storage/exports";
import type { FlowRecord, NfsHost, Step } from "../../src/storage/types";
import { MemoryFiles, ScriptedRunner, failure, type Reply } from "./fakes";
import { inputs } from "./storage-helpers";

const VERBOSE =
    "/var/lib/libvirt/shared-images\n\t\t10.0.0.1(sync,wdelay,rw,no_root_squash)\n/var/lib/libvirt/shared-images\n\t\t10.0.0.2(sync,rw,no_root_squash)\n";
const SUM = "a".repeat(64);
/** The detached job reader's answer (pkg/lib/detach.ts: head, notes, stdout, stderr). */
const job = (head: string) => `${head}\n\x1e\x1e\x1e`;

/** A copy (stat, test, rm, setsid, the job reader, sha256sum, mv) and an export step, scripted. */
function rules(readJob: (argv: readonly string[]) => string): [RegExp, Reply][] {
    return [
        [/^stat --printf/, "5"],
        [/^test -e /, failure("", 1)],
        [/^rm -f -- /, ""],
        [/^setsid /, ""],
        [/^rm -rf -- /, ""],
        [/^sh -c dir=\$1/, (argv) => readJob(argv)],
        [/^sha256sum /, `${SUM}  x\n`],
        [/^mv -n -- /, ""],
        [/^exportfs -a$/, ""],
        [/^exportfs -v$/, VERBOSE],
        [/^exportfs -r$/, ""],
    ];
}

function setup(
    readJob: (argv: readonly string[]) => string,
    sleep: (ms: number) => Promise<void> = async () => undefined,
) {
    const runner = new ScriptedRunner(rules(readJob));
    const stores = new Map<string, MemoryFiles>();
    const files = (h: NfsHost) => {
        if (!stores.has(h.id)) stores.set(h.id, new MemoryFiles({ [EXPORTS_PATH]: "" }));
        return stores.get(h.id)!;
    };
    const ctx: FlowContext = { runner, files, jobDir: (id) => `/run/test/${id}-new`, sleep };
    const record = newRecord(inputs(), [], "flow-1");
    const plan = buildPlan(record.inputs, record.selinuxHosts);
    const step = (kind: string) => plan.find((s) => s.kind === kind) as Step;
    const flowFiles = new MemoryFiles({ [RECORD_PATH]: JSON.stringify(record) });
    return { runner, ctx, record, step, flowFiles, stored: async () => (await loadRecord(flowFiles))! };
}

/** A copy step started from the loaded record and held running (its job reads "running") until `release()`. */
async function heldCopy() {
    let release!: () => void;
    const held = new Promise<void>((r) => {
        release = r;
    });
    let reads = 0;
    const a = setup(
        () => job(reads++ === 0 ? "running" : "status 0"),
        async () => {
            if (reads === 0) await held;
        },
    );
    const copying = runRecordedStep(a.ctx, a.flowFiles, a.record, a.step("copy"), () => undefined);
    for (let i = 0; i < 50 && (await a.stored()).steps["copy-0"]?.job === undefined; i++)
        await new Promise((r) => setTimeout(r, 5));
    return { a, release, copying };
}

describe("the NFS flow's record: merged as read, never overwritten by stale work", () => {
    it("a copy that ends in a closed dialog keeps the /etc/exports line another dialog recorded meanwhile (Undo still removes it)", async () => {
        // dialog A starts the copy from the record it loaded, and is closed while the copy runs
        const { a, release, copying } = await heldCopy();
        // dialog B, opened later, exports the directory
        const seenByB = await a.stored();
        expect(seenByB.steps["copy-0"]).toMatchObject({ status: "running", job: "/run/test/copy-0-new" });
        const b = await runRecordedStep(a.ctx, a.flowFiles, seenByB, a.step("export"), () => undefined);
        expect(b.ok).toBe(true);
        release();
        const done = await copying;
        expect(done.ok).toBe(true);
        const r = await a.stored();
        expect(r.added.exports).toEqual({ hostId: "storage", path: "/var/lib/libvirt/shared-images" });
        expect(r.steps["export"]?.status).toBe("done");
        expect(r.steps["copy-0"]?.status).toBe("done");
        expect(r.checksums).toEqual({ "/var/lib/libvirt/images/vm1.qcow2": SUM });
        // and Undo from dialog A's stale view still removes the export line
        const undone = await undoRecorded(a.ctx, a.flowFiles, done.record, () => undefined);
        expect(undone.error).toBeUndefined();
        expect((await a.stored()).added.exports).toBeNull();
        expect(a.runner.ran(/^exportfs -r$/)).toHaveLength(1);
    });
    it("running a copy again while its job runs follows that job: no second pipeline over its .part file", async () => {
        let reads = 0;
        const a = setup((argv) => {
            expect(argv.at(-1)).toBe("/run/test/earlier");
            return job(reads++ < 2 ? "running" : "status 0");
        });
        const record: FlowRecord = {
            ...a.record,
            steps: { "copy-0": { status: "running", output: "", job: "/run/test/earlier" } },
        };
        await a.flowFiles.replace(RECORD_PATH, JSON.stringify(record), "1");
        const r = await runRecordedStep(a.ctx, a.flowFiles, record, a.step("copy"), () => undefined);
        expect(r.ok).toBe(true);
        expect(a.runner.ran(/^setsid /)).toHaveLength(0);
        expect(a.runner.ran(/^rm -f -- .*cockpit-migrate-part$/)).toHaveLength(0);
        expect(a.runner.ran(/^mv -n -- /)).toHaveLength(1);
        expect((await a.stored()).steps["copy-0"]).toMatchObject({ status: "done" });
    });
    it("a lost earlier copy job is started again", async () => {
        const a = setup((argv) => job(argv.at(-1) === "/run/test/earlier" ? "lost" : "status 0"));
        const record: FlowRecord = {
            ...a.record,
            steps: { "copy-0": { status: "running", output: "", job: "/run/test/earlier" } },
        };
        await a.flowFiles.replace(RECORD_PATH, JSON.stringify(record), "1");
        expect((await runRecordedStep(a.ctx, a.flowFiles, record, a.step("copy"), () => undefined)).ok).toBe(true);
        expect(a.runner.ran(/^setsid /).map((c) => c.argv.slice(0, 6))).toEqual([
            ["setsid", "--fork", "sh", "-c", expect.any(String), "sh"],
        ]);
        expect(a.runner.ran(/^setsid /)[0]!.argv).toContain("/run/test/copy-0-new");
    });
    it("work on a flow that was started over is not merged into the new one; a flow is replaced only from the one shown", async () => {
        const { a, release, copying } = await heldCopy();
        const other = newRecord(inputs({ exportDir: "/srv/other" }), [], "flow-2");
        // a dialog that shows no flow cannot replace the one in the file
        await expect(replaceRecord(a.flowFiles, null, other)).rejects.toThrow(/Another shared-storage flow/);
        await replaceRecord(a.flowFiles, await a.stored(), null);
        await replaceRecord(a.flowFiles, null, other);
        release();
        const done = await copying;
        expect(done).toMatchObject({ ok: false, error: { message: expect.stringMatching(/started over/) } });
        expect(await a.stored()).toEqual(other);
    });
});
