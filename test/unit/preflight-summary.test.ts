import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startPreflight, type PendingCheck } from "../../src/preflight/checks";
import { CHECK_IDS, blockingNames, checkName, checkOf, orderChecks, summaryLine } from "../../src/preflight/summary";
import { migrateGate } from "../../src/preflight/gate";
import type { CheckResult, Severity } from "../../src/preflight/types";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";

const r = (id: string, severity: Severity, extra: Partial<CheckResult> = {}): CheckResult => ({
    id,
    severity,
    title: `${id} says ${severity}`,
    commands: [],
    ...extra,
});

/** Every order of a few results (enough to show the arrival order does not matter). */
function permutations<T>(xs: T[]): T[][] {
    if (xs.length <= 1) return [xs];
    return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe("the checks the summary knows are the checks startPreflight runs", () => {
    it("a cold move (offline, copy disks) adds the disks to carry after the storage, and measures no dirty rate", async () => {
        let first: PendingCheck[] | null = null;
        const h = startPreflight(
            { runner: { run: () => new Promise<string>(() => undefined) } },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: { ...defaultOptions("shutoff"), storage: "copy-all" },
                live: false,
            },
            undefined,
            (p) => (first ??= p),
        );
        h.cancel();
        await h.done;
        // no --p2p here: the peer-to-peer check runs only for a --p2p migration (below)
        expect(first!.map((p) => p.id)).toEqual(CHECK_IDS.filter((id) => id !== "dirtyrate" && id !== "peer-to-peer"));
        expect(checkName({ id: "cold-move:/a.qcow2", title: "?" })).toBe("Disks to carry");
    });
    it("same ids, same order, same names as their titles", async () => {
        let first: PendingCheck[] | null = null;
        const h = startPreflight(
            { runner: { run: () => new Promise<string>(() => undefined) } },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                // every check: the peer-to-peer one runs only for a --p2p migration
                options: { ...defaultOptions("running"), p2p: true },
                live: true,
            },
            undefined,
            (p) => (first ??= p),
        );
        h.cancel();
        await h.done;
        // the disks to carry are checked only for a cold move (below)
        expect(first!.map((p) => p.id)).toEqual(CHECK_IDS.filter((id) => id !== "cold-move"));
        for (const p of first!) {
            const name = checkName({ id: p.id, title: "?" });
            if (p.id === "dirtyrate") expect(p.title.startsWith(name)).toBe(true);
            else expect(name).toBe(p.title);
        }
    });
    it("every result id written in src/preflight belongs to one of them", () => {
        const dir = join(__dirname, "../../src/preflight");
        const ids = new Set<string>();
        for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            const text = readFileSync(join(dir, f), "utf8");
            for (const m of text.matchAll(/\bid(?:: | = )["`]([a-z-]+)(?::\$\{)?/g)) ids.add(m[1]!);
            for (const m of text.matchAll(/\bcannot\(\s*"([a-z-]+)"/g)) ids.add(m[1]!);
        }
        expect(ids.size).toBeGreaterThan(15);
        for (const id of ids) expect(checkOf(id), id).not.toBeNull();
        expect(checkOf("storage:vda")).toBe("storage");
        expect(checkOf("network:default")).toBe("networks");
        expect(checkOf("bridge:br0")).toBe("networks");
        expect(checkOf("capacity-cpu")).toBe("capacity");
        expect(checkOf("firewall")).toBe("ports");
        expect(checkOf("tpm")).toBe("firmware");
        expect(checkOf("something-new")).toBeNull();
    });
});

describe("orderChecks: a fixed order, whatever order the checks answer in", () => {
    const results = [
        r("dirtyrate", "pass"),
        r("storage:vda", "error"),
        r("reachable", "pass"),
        r("capacity", "warning"),
        r("cpu", "error"),
        r("firewall", "info"),
        r("same-host", "warning", { unchecked: true }),
    ];
    it("blocking first, then warnings, notes and passes, each in the order the checks are started", () => {
        // a spread of the 5040 orders (every 37th), the first and the last among them
        for (const p of permutations(results).filter((_p, i) => i % 37 === 0 || i === 5039)) {
            const o = orderChecks(p);
            expect(o.blocking.map((x) => x.id)).toEqual(["cpu", "storage:vda"]);
            expect(o.warnings.map((x) => x.id)).toEqual(["same-host", "capacity"]);
            expect(o.info.map((x) => x.id)).toEqual(["firewall"]);
            expect(o.passed.map((x) => x.id)).toEqual(["reachable", "dirtyrate"]);
        }
    });
    it("one check's results keep the order it gave them; results of unknown checks come last", () => {
        const o = orderChecks([
            r("x-new", "pass"),
            r("storage:vdb", "pass"),
            r("storage:vda", "pass"),
            r("cpu", "pass"),
        ]);
        expect(o.passed.map((x) => x.id)).toEqual(["cpu", "storage:vdb", "storage:vda", "x-new"]);
    });
    it("names each blocking check once, by its short name", () => {
        expect(blockingNames([r("storage:vdb", "error"), r("cpu", "error"), r("storage:vda", "error")])).toBe(
            "CPU compatibility, Storage",
        );
        expect(checkName(r("x-new", "error"))).toBe("x-new says error");
    });
});

describe("summaryLine", () => {
    const passes = (n: number) => CHECK_IDS.slice(0, n).map((id) => r(id, "pass"));
    it("when done: how many passed, and what blocks by name", () => {
        expect(
            summaryLine({ results: [...passes(13), r("cpu", "error")], complete: true, total: 13, pending: 0 }),
        ).toBe("13 passed · 1 blocking: CPU compatibility");
        expect(summaryLine({ results: passes(1), complete: true, total: null, pending: null })).toBe("1 passed");
    });
    it("counts warnings, notes and checks that could not answer apart, with plurals", () => {
        const results = [
            ...passes(9),
            r("capacity", "warning"),
            r("numa", "warning"),
            r("firewall", "info"),
            r("host-versions", "info", { unchecked: true }),
            r("dirtyrate", "warning", { unchecked: true }),
            r("storage:vda", "error"),
            r("storage:vdb", "error"),
        ];
        expect(summaryLine({ results, complete: true, total: 13, pending: 0 })).toBe(
            "9 passed · 2 warnings · 1 note · 2 not checked · 2 blocking: Storage",
        );
        expect(summaryLine({ results: [r("numa", "warning")], complete: true, total: 1, pending: 0 })).toBe(
            "1 warning",
        );
    });
    it("while checks run: how many have answered, and what already blocks", () => {
        expect(summaryLine({ results: passes(9), complete: false, total: 14, pending: 5 })).toBe(
            "Checking… 9 of 14 answered",
        );
        expect(
            summaryLine({
                results: [...passes(3), r("same-host", "error")],
                complete: false,
                total: 13,
                pending: 9,
            }),
        ).toBe("Checking… 4 of 13 answered · 1 blocking: Not the same host");
        expect(summaryLine({ results: [], complete: false, total: null, pending: null })).toBe("Checking…");
    });
});

describe("the reason beside a held Migrate button, in a few words", () => {
    const base = {
        commandReady: true,
        optionErrors: 0,
        busy: false,
        checksExpected: true,
        override: false,
        withoutWaiting: false,
    };
    it("names the blocking checks, or how many checks it waits for", () => {
        const failed = [r("reachable", "pass"), r("cpu", "error"), r("devices", "error")];
        expect(migrateGate({ ...base, checks: { results: failed, complete: false, total: 13, pending: 4 } }).why).toBe(
            "Blocked: CPU compatibility, Devices",
        );
        expect(
            migrateGate({ ...base, checks: { results: passes(), complete: false, total: 13, pending: 3 } }).why,
        ).toBe("Waiting for 3 checks");
        expect(
            migrateGate({ ...base, checks: { results: passes(), complete: false, total: 13, pending: 1 } }).why,
        ).toBe("Waiting for 1 check");
        expect(migrateGate({ ...base, checks: null }).why).toBe("Waiting for the pre-flight checks");
        // overriding the failed ones: it waits for the rest
        expect(
            migrateGate({
                ...base,
                override: true,
                checks: { results: failed, complete: false, total: 13, pending: 2 },
            }).why,
        ).toBe("Waiting for 2 checks");
    });
    function passes() {
        return [r("reachable", "pass")];
    }
});
