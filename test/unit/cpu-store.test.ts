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
    it("recorded per host and VM, replaced on a new apply, forgotten on restore", async () => {
        const { store, files } = memoryFiles();
        await recordApplied(store, "qemu:///system", ["a", "b"], { baseline: null, model: "EPYC" }, 1);
        await recordApplied(store, "qemu:///system", ["b"], { baseline: "cluster-2026", model: "EPYC" }, 2);
        await recordApplied(store, "qemu+tcp://h/system", ["a"], { baseline: null, model: "IvyBridge" }, 3);
        expect([...appliedLabels(await readApplied(store), "qemu:///system")]).toEqual([
            ["a", "CPU baseline EPYC"],
            ["b", "CPU baseline cluster-2026"],
        ]);
        await recordApplied(store, "qemu:///system", ["a"], null);
        expect([...appliedLabels(await readApplied(store), "qemu:///system")]).toEqual([
            ["b", "CPU baseline cluster-2026"],
        ]);
        expect(parseApplied(files.get(APPLIED_PATH)!.content)).toHaveLength(2);
        expect(() => parseApplied("{")).toThrow(/not valid JSON/);
    });
});
