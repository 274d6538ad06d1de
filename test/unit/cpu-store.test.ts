import { describe, expect, it } from "vitest";
import {
    appliedLabels,
    parseApplied,
    parseBaselines,
    readApplied,
    recordApplied,
    saveBaseline,
    validateBaselineName,
    APPLIED_PATH,
    BASELINES_PATH,
} from "../../src/cpu/store";
import { MemoryFiles } from "./fakes";

function memoryFiles() {
    const store = new MemoryFiles();
    return { files: store.files, store };
}

describe("saved baselines", () => {
    it("named, replaced by name, tag-checked; a damaged file is an error", async () => {
        const { store, files } = memoryFiles();
        await saveBaseline(store, {
            name: "cluster-2026",
            hosts: ["a", "b"],
            xml: "<cpu/>",
            model: "EPYC",
            savedAt: 1,
        });
        await saveBaseline(store, {
            name: "cluster-2026",
            hosts: ["a", "b", "c"],
            xml: "<cpu/>",
            model: "EPYC",
            savedAt: 2,
        });
        expect(parseBaselines(files.get(BASELINES_PATH)!.content)).toEqual([
            { name: "cluster-2026", hosts: ["a", "b", "c"], xml: "<cpu/>", model: "EPYC", savedAt: 2 },
        ]);
        expect(() => parseBaselines("{")).toThrow(/not valid JSON/);
        expect(validateBaselineName("../x")).not.toBeNull();
        expect(validateBaselineName("cluster 2026")).toBeNull();
        await expect(
            saveBaseline(store, { name: "-x", hosts: [], xml: "", model: null, savedAt: 0 }),
        ).rejects.toThrow();
    });
});

describe("which VMs use which baseline", () => {
    const a = { uuid: "11111111-1111-4111-8111-111111111111", name: "a" };
    const b = { uuid: "22222222-2222-4222-8222-222222222222", name: "b" };
    it("recorded per VM UUID, replaced on a new apply, forgotten on restore", async () => {
        const { store, files } = memoryFiles();
        await recordApplied(store, "qemu:///system", [a, b], { baseline: null, model: "EPYC" }, 1);
        await recordApplied(store, "qemu:///system", [b], { baseline: "cluster-2026", model: "EPYC" }, 2);
        expect([...appliedLabels(await readApplied(store))]).toEqual([
            [a.uuid, "CPU baseline EPYC"],
            [b.uuid, "CPU baseline cluster-2026"],
        ]);
        await recordApplied(store, "qemu:///system", [a], null);
        expect([...appliedLabels(await readApplied(store))]).toEqual([[b.uuid, "CPU baseline cluster-2026"]]);
        expect(parseApplied(files.get(APPLIED_PATH)!.content)).toHaveLength(1);
        expect(() => parseApplied("{")).toThrow(/not valid JSON/);
    });
    it("another VM of the same name (on another host, or after a move) does not get the label; the VM keeps it", async () => {
        const { store } = memoryFiles();
        await recordApplied(store, "qemu+tcp://h/system", [a], { baseline: null, model: "IvyBridge" }, 3);
        const labels = appliedLabels(await readApplied(store));
        expect(labels.get(a.uuid)).toBe("CPU baseline IvyBridge");
        // "a" on this host is another VM: not labelled by its name
        expect(labels.get("a")).toBeUndefined();
        expect(labels.get("33333333-3333-4333-8333-333333333333")).toBeUndefined();
    });
    it("entries of the older file without a UUID name no VM reliably: left out", () => {
        const old = JSON.stringify({
            version: 1,
            applied: [{ uri: "qemu:///system", domain: "a", baseline: null, model: "EPYC", at: 1 }],
        });
        expect(parseApplied(old)).toEqual([]);
    });
});
