import { describe, expect, it } from "vitest";
import {
    DEFAULT_POLICY,
    parsePolicy,
    serializePolicy,
    validatePolicy,
    writePolicy,
    POLICY_PATH,
} from "../../src/preflight/policy";
import { MemoryFiles } from "./fakes";

describe("overcommit policy", () => {
    it("defaults when there is no file; missing fields take defaults", () => {
        expect(parsePolicy(null)).toEqual(DEFAULT_POLICY);
        expect(parsePolicy('{"memoryCommitPercent": 150}')).toEqual({ ...DEFAULT_POLICY, memoryCommitPercent: 150 });
    });
    it("a damaged file is an error, never silently replaced by defaults", () => {
        expect(() => parsePolicy("{")).toThrow(/not valid JSON/);
        expect(() => parsePolicy("[]")).toThrow(/policy object/);
        expect(() => parsePolicy('{"cpuCommitPercent": -5}')).toThrow(/cpuCommitPercent/);
    });
    it("validates every field", () => {
        expect(validatePolicy(DEFAULT_POLICY)).toEqual({});
        expect(
            Object.keys(validatePolicy({ memoryCommitPercent: 0, cpuCommitPercent: 1.5, hostReserveMiB: -1 })).sort(),
        ).toEqual(["cpuCommitPercent", "hostReserveMiB", "memoryCommitPercent"]);
    });
    it("is written with the file's tag and reads back", async () => {
        const store = new MemoryFiles();
        const files = store.files;
        await writePolicy(store, { memoryCommitPercent: 80, cpuCommitPercent: 200, hostReserveMiB: 1024 });
        expect(parsePolicy(files.get(POLICY_PATH)!.content)).toEqual({
            memoryCommitPercent: 80,
            cpuCommitPercent: 200,
            hostReserveMiB: 1024,
        });
        expect(serializePolicy(DEFAULT_POLICY)).toContain('"version": 1');
        await expect(writePolicy(store, { ...DEFAULT_POLICY, memoryCommitPercent: 0 })).rejects.toThrow(/invalid/);
    });
});
