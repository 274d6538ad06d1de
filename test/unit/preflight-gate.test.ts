import { describe, expect, it } from "vitest";
import { migrateGate, type GateInput } from "../../src/preflight/gate";
import type { CheckResult } from "../../src/preflight/types";

const pass: CheckResult = { id: "reachable", severity: "pass", title: "ok", commands: [] };
const fail: CheckResult = { id: "same-host", severity: "error", title: "same host", commands: [] };
const base: GateInput = {
    commandReady: true,
    optionErrors: 0,
    busy: false,
    checksExpected: true,
    checks: null,
    override: false,
    withoutWaiting: false,
};

describe("the Migrate button", () => {
    it("waits while checks run (also before the first result), unless the admin chose not to wait", () => {
        expect(migrateGate(base)).toMatchObject({
            canMigrate: false,
            waiting: true,
            why: expect.stringMatching(/Waiting/),
        });
        expect(migrateGate({ ...base, checks: { results: [pass], complete: false } })).toMatchObject({
            canMigrate: false,
            waiting: true,
        });
        expect(
            migrateGate({ ...base, checks: { results: [pass], complete: false }, withoutWaiting: true }).canMigrate,
        ).toBe(true);
        expect(migrateGate({ ...base, checks: { results: [pass], complete: true } })).toMatchObject({
            canMigrate: true,
            waiting: false,
            why: null,
        });
    });
    it("an error holds it the moment it shows, while other checks still run, even when the admin chose not to wait", () => {
        const early = { ...base, checks: { results: [pass, fail], complete: false }, withoutWaiting: true };
        expect(migrateGate(early)).toMatchObject({
            canMigrate: false,
            waiting: false,
            failed: [fail],
            why: "Blocked: Not the same host",
        });
        // overriding the failed check still waits for the rest, unless not waiting was chosen too
        expect(migrateGate({ ...early, withoutWaiting: false, override: true }).canMigrate).toBe(false);
        expect(migrateGate({ ...early, override: true }).canMigrate).toBe(true);
        expect(migrateGate({ ...base, checks: { results: [fail], complete: true } }).canMigrate).toBe(false);
        expect(migrateGate({ ...base, checks: { results: [fail], complete: true }, override: true }).canMigrate).toBe(
            true,
        );
    });
    it("no command, invalid options or a start in progress hold it whatever the checks say", () => {
        const done = { ...base, checks: { results: [pass], complete: true } };
        expect(migrateGate({ ...done, commandReady: false }).canMigrate).toBe(false);
        expect(migrateGate({ ...done, optionErrors: 1 }).canMigrate).toBe(false);
        expect(migrateGate({ ...done, busy: true }).canMigrate).toBe(false);
        expect(migrateGate({ ...done, checksExpected: false, checks: null }).canMigrate).toBe(true);
    });
});
