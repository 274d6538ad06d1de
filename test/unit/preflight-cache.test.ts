import { describe, expect, it } from "vitest";
import { PreflightCache, preflightKey } from "../../src/preflight/cache";
import { uuidOf } from "./refs";

describe("pre-flight cache", () => {
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: {
            duration: "permanent",
            mode: "live",
            storage: "shared",
            postcopy: false,
            autoConverge: false,
            tls: false,
            compressed: false,
            abortOnError: false,
        } as const,
        live: true,
    };
    it("keys on what changes the outcome, and expires", () => {
        let t = 0;
        const cache = new PreflightCache(1000, () => t);
        const k = preflightKey(input);
        expect(preflightKey({ ...input, destinationLabel: "other label" })).toBe(k);
        expect(preflightKey({ ...input, options: { ...input.options, bandwidthMiBs: 10 } })).not.toBe(k);
        expect(preflightKey({ ...input, dirtyRateSeconds: 30 })).not.toBe(k);
        // peer-to-peer adds a check from the source; a tunnel needs no migration ports
        const p2p = preflightKey({ ...input, options: { ...input.options, p2p: true } });
        expect(p2p).not.toBe(k);
        expect(preflightKey({ ...input, options: { ...input.options, p2p: true, tunnelled: true } })).not.toBe(p2p);
        cache.set(k, [{ id: "x", severity: "pass", title: "ok", commands: [] }]);
        t = 999;
        expect(cache.get(k)?.at).toBe(0);
        t = 1001;
        expect(cache.get(k)).toBeNull();
    });
    it("never keeps a run with cancelled checks", () => {
        const cache = new PreflightCache();
        cache.set("k", [
            {
                id: "dirtyrate",
                severity: "warning",
                title: "Dirty rate: not checked (cancelled)",
                commands: [],
                unchecked: true,
            },
        ]);
        expect(cache.get("k")).toBeNull();
    });
});
