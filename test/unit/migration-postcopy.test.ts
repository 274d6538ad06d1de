import { describe, expect, it } from "vitest";
import { switchToPostcopy } from "../../src/migration/postcopy";
import type { MigrationRecord, RecordedOptions } from "../../src/history/records";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { uuidOf } from "./refs";

const record = {
    id: "r1",
    domain: "vm",
    uuid: uuidOf("vm"),
    source: { hostId: "localhost", label: "A", uri: "qemu:///system" },
    destination: { hostId: "b", label: "B", uri: "qemu+tcp://b/system" },
    argv: [],
    // only what these tests read: a record of an older version may hold no more
    options: { postcopy: true } as RecordedOptions,
    user: null,
    startedAt: 1,
    jobDir: "/run/cockpit-migrate/jobs/r1",
    outcome: "running",
} satisfies MigrationRecord;

/** A runner whose migrate-postcopy exits with `stderr` (or succeeds when null); records the argv. */
function virshSays(
    stderr: string | null,
    cause: "exit-status" | "timeout" = "exit-status",
): Runner & { calls: string[][] } {
    const calls: string[][] = [];
    return {
        calls,
        run: async (_t, argv) => {
            calls.push([...argv]);
            if (stderr === null) return "";
            throw new RunError(cause, stderr, argv, cause === "exit-status" ? 1 : null, stderr);
        },
    };
}

describe("switch to post-copy", () => {
    it("libvirt accepted: ok, with virsh migrate-postcopy on the source", async () => {
        const runner = virshSays(null);
        expect(await switchToPostcopy(runner, record)).toEqual({ ok: true });
        expect(runner.calls).toEqual([["virsh", "-c", "qemu:///system", "migrate-postcopy", "--domain", uuidOf("vm")]]);
    });
    it("a refusal is a value with the cause, a fix and libvirt's message (the page no longer shows post-copy)", async () => {
        const notEnabled =
            "error: Requested operation is not valid: switching to post-copy requires migration to be started with VIR_MIGRATE_POSTCOPY flag";
        expect(await switchToPostcopy(virshSays(notEnabled), record)).toEqual({
            ok: false,
            refusal: {
                cause: "not-enabled",
                title: expect.stringMatching(/not started with post-copy/),
                fix: expect.stringMatching(/Allow post-copy/),
                message:
                    "Requested operation is not valid: switching to post-copy requires migration to be started with VIR_MIGRATE_POSTCOPY flag",
            },
        });
        const cases: [string, string][] = [
            [
                "error: Requested operation is not valid: post-copy can only be started while outgoing migration is in progress",
                "not-migrating",
            ],
            ["error: Requested operation is not valid: no job is active on the domain", "not-migrating"],
            ["error: Requested operation is not valid: post-copy migration already started", "already-postcopy"],
            [
                "error: internal error: unable to execute QEMU command 'migrate-start-postcopy': Postcopy is not supported",
                "unsupported",
            ],
            ["error: internal error: something new", "refused"],
        ];
        for (const [stderr, cause] of cases) {
            const r = await switchToPostcopy(virshSays(stderr), record);
            expect(r.ok ? null : r.refusal.cause, stderr).toBe(cause);
            if (!r.ok) expect(r.refusal.fix).not.toBe("");
        }
    });
    it("no answer (timeout): not confirmed, never reported as switched", async () => {
        const r = await switchToPostcopy(virshSays("The command timed out", "timeout"), record);
        expect(r).toMatchObject({ ok: false, refusal: { cause: "unconfirmed" } });
    });
});
