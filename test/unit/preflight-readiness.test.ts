import { describe, expect, it } from "vitest";
import { readiness, readinessOptions } from "../../src/preflight/readiness";
import type { CheckResult, Severity } from "../../src/preflight/types";

const r = (id: string, severity: Severity): CheckResult => ({ id, severity, title: `${id} title`, commands: [] });

describe("a host's readiness", () => {
    it("names the error checks as the reason it is blocked, and lists errors first in a fixed order", () => {
        const got = readiness([
            r("reachable", "pass"),
            r("ports", "warning"),
            r("storage:vda", "error"),
            r("cpu", "info"),
            r("machine", "pass"),
            r("same-host", "error"),
        ]);
        expect(got.severity).toBe("error");
        expect(got.canMigrate).toBe(false);
        expect(got.blocking.map((c) => c.title)).toEqual(["storage:vda title", "same-host title"]);
        expect(got.warnings.map((c) => c.id)).toEqual(["ports"]);
        expect(got.sorted.map((c) => c.id)).toEqual([
            "storage:vda",
            "same-host",
            "ports",
            "cpu",
            "reachable",
            "machine",
        ]);
    });

    it("lets the admin migrate with warnings, and says nothing blocks", () => {
        const got = readiness([r("reachable", "pass"), r("ports", "warning")]);
        expect(got).toMatchObject({ severity: "warning", canMigrate: true, blocking: [] });
        expect(readiness([r("reachable", "pass")])).toMatchObject({ severity: "pass", canMigrate: true });
    });
});

describe("the options a readiness run checks with", () => {
    it("are the Migrate dialog's defaults with the chosen storage mode", () => {
        expect(readinessOptions("running", "copy-all")).toMatchObject({ mode: "live", storage: "copy-all" });
        expect(readinessOptions("paused", "copy-inc")).toMatchObject({ mode: "live", storage: "copy-inc" });
        expect(readinessOptions("running", "shared")).toMatchObject({ storage: "shared" });
    });

    it("check a shut-off VM with shared storage: an offline migration does not copy disks", () => {
        expect(readinessOptions("shutoff", "copy-all")).toMatchObject({ mode: "offline", storage: "shared" });
    });
});
