import { describe, expect, it } from "vitest";
import { verifyAfterFailure, verifyMigration, type Presence } from "../../src/migration/verify";

const names = { source: "A", destination: "B" };
const run: Presence = { state: "running", persistent: true };
const off: Presence = { state: "shutoff", persistent: true };
const transient: Presence = { state: "running", persistent: false };

describe("verifyMigration (RHEL procedure)", () => {
    it("live permanent: running on destination, gone from source", () => {
        expect(verifyMigration({ duration: "permanent", mode: "live" }, null, run, names)).toMatchObject({
            ok: true,
            where: "Running on B",
        });
        expect(verifyMigration({ duration: "permanent", mode: "live" }, off, run, names).problems).toEqual([
            "Still defined on A.",
        ]);
    });
    it("temporary: transient on destination, definition kept on source", () => {
        expect(verifyMigration({ duration: "temporary", mode: "live" }, off, transient, names).ok).toBe(true);
        expect(verifyMigration({ duration: "temporary", mode: "live" }, null, transient, names).problems).toContain(
            "The definition on A is gone.",
        );
    });
    it("offline: defined and shut off on destination", () => {
        expect(verifyMigration({ duration: "permanent", mode: "offline" }, null, off, names)).toMatchObject({
            ok: true,
            where: "Shut off on B",
        });
        expect(verifyMigration({ duration: "permanent", mode: "offline" }, null, null, names).ok).toBe(false);
    });
    it("running on both hosts is always a problem", () => {
        expect(verifyMigration({ duration: "temporary", mode: "live" }, run, transient, names).problems.join()).toMatch(
            /both hosts/,
        );
        expect(verifyAfterFailure(run, run, names, true).problems.join()).toMatch(/both hosts/);
    });
    it("after a failure: fine when it still runs on the source only", () => {
        expect(verifyAfterFailure(run, null, names, true)).toMatchObject({ ok: true, where: "Running on A" });
        expect(verifyAfterFailure(off, null, names, true).ok).toBe(false);
        expect(verifyAfterFailure(off, null, names, false).ok).toBe(true);
    });
});
