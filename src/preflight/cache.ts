/** Pre-flight results kept for a short time per VM + destination + the options that change them. */
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";

export const CACHE_TTL_MS = 60_000;

/** What a check's outcome depends on: the same key means the same checks would run. */
export function preflightKey(i: PreflightInput): string {
    const o = i.options;
    return JSON.stringify([
        i.uuid,
        i.sourceUri,
        i.destinationUri,
        i.live,
        o.storage,
        o.migrateDisks ?? null,
        o.bandwidthMiBs ?? null,
        o.maxDowntimeMs ?? null,
        o.parallelConnections ?? null,
        o.postcopy,
        o.autoConverge,
        o.p2p === true,
        o.tunnelled === true,
        i.dirtyRateSeconds ?? null,
        i.dirtyRateMode ?? null,
        i.policy ?? null,
        i.measureDirtyRate !== false,
    ]);
}

export interface CachedPreflight {
    results: CheckResult[];
    at: number;
}

export class PreflightCache {
    private readonly entries = new Map<string, CachedPreflight>();
    constructor(
        private readonly ttlMs = CACHE_TTL_MS,
        private readonly now: () => number = Date.now,
    ) {}

    get(key: string): CachedPreflight | null {
        const e = this.entries.get(key);
        if (!e) return null;
        if (this.now() - e.at > this.ttlMs) {
            this.entries.delete(key);
            return null;
        }
        return e;
    }

    /**
     * Only complete runs are kept; a run with a check that could not answer (failed to run, timed out, cancelled) is
     * not.
     */
    set(key: string, results: CheckResult[]): void {
        if (results.some((r) => r.unchecked)) return;
        this.entries.set(key, { results, at: this.now() });
    }

    forget(key: string): void {
        this.entries.delete(key);
    }
}
