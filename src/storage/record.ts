/** The flow's record (inputs, step states, what it added) on this host, so a reload can resume or undo. */
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";
import { emptyAdded, type FlowRecord, type NfsInputs } from "./types";
import { _ } from "../../pkg/lib/gettext";

export const RECORD_PATH = "/var/lib/cockpit-migrate/nfs-shared-storage.json";

export function newRecord(
    inputs: NfsInputs,
    selinuxHosts: string[],
    id = `${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 6).toString(36)}`,
): FlowRecord {
    return { version: 1, id, inputs, steps: {}, added: emptyAdded(), checksums: {}, selinuxHosts };
}

export function parseRecord(text: string | null): FlowRecord | null {
    if (!text) return null;
    try {
        const r = JSON.parse(text) as FlowRecord;
        return r && r.version === 1 && r.inputs && r.added ? r : null;
    } catch {
        return null;
    }
}

export async function loadRecord(files: FileStore): Promise<FlowRecord | null> {
    return parseRecord((await files.read(RECORD_PATH)).content);
}

/** The record changed under a piece of work (started over, or another flow): that work is not merged in. */
export class StaleRecordError extends Error {
    readonly fix: string;
    constructor(message: string, fix: string) {
        super(message);
        this.name = "StaleRecordError";
        this.fix = fix;
    }
}

const serialize = (r: FlowRecord | null) => (r ? JSON.stringify(r, null, 1) + "\n" : "");
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sameFlow = (a: FlowRecord, b: FlowRecord) => (a.id ?? null) === (b.id ?? null) && same(a.inputs, b.inputs);

/**
 * Writes what a piece of work changed from `before` to `after` (step states, additions, checksums)
 * into the record as it is in the file at the write, not `after` as a whole: a step that ends in a
 * dialog closed long ago must not write its stale copy over newer state (Undo would forget an
 * /etc/exports line another run added). Returns the record as written.
 */
export async function saveChange(files: FileStore, before: FlowRecord, after: FlowRecord): Promise<FlowRecord> {
    let written = after;
    await modifyFile(
        files,
        RECORD_PATH,
        (content) => {
            const stored = parseRecord(content);
            if (!stored || !sameFlow(stored, before))
                throw new StaleRecordError(
                    _("The shared-storage flow was started over while this step ran; its result was not recorded"),
                    _("Check what the step changed (its output) before running the new flow."),
                );
            written = mergeChange(stored, before, after);
            return serialize(written);
        },
        3,
    );
    return written;
}

export function mergeChange(stored: FlowRecord, before: FlowRecord, after: FlowRecord): FlowRecord {
    const r: FlowRecord = structuredClone(stored);
    for (const [id, state] of Object.entries(after.steps)) if (!same(state, before.steps[id])) r.steps[id] = state;
    for (const [path, sum] of Object.entries(after.checksums))
        if (before.checksums[path] !== sum) r.checksums[path] = sum;
    if (!same(before.added.exports, after.added.exports)) r.added.exports = after.added.exports;
    const lists = ["fstab", "mounts", "pools", "repointed"] as const;
    for (const k of lists) {
        const list = r.added[k] as unknown[];
        const had = (x: unknown, xs: unknown[]) => xs.some((y) => same(x, y));
        const added = (after.added[k] as unknown[]).filter((x) => !had(x, before.added[k]));
        const removed = (before.added[k] as unknown[]).filter((x) => !had(x, after.added[k]));
        (r.added[k] as unknown[]) = [...list.filter((x) => !had(x, removed)), ...added.filter((x) => !had(x, list))];
    }
    return r;
}

/**
 * Replaces the whole record (a new flow; null: start over), only when the file still holds
 * `expected`'s flow: never a flow another dialog prepared meanwhile, never one with additions.
 */
export async function replaceRecord(
    files: FileStore,
    expected: FlowRecord | null,
    next: FlowRecord | null,
): Promise<void> {
    await modifyFile(files, RECORD_PATH, (content) => {
        const stored = parseRecord(content);
        if (stored && !(expected && sameFlow(stored, expected)))
            throw new StaleRecordError(
                _("Another shared-storage flow was prepared meanwhile"),
                _("Close and open the dialog again to see it."),
            );
        if (stored && hasAdditions(stored))
            throw new StaleRecordError(
                _("The flow has additions to undo (made meanwhile)"),
                _("Undo them first, or run the remaining steps."),
            );
        return serialize(next);
    });
}

/** Something still needs Undo. */
export function hasAdditions(r: FlowRecord): boolean {
    const a = r.added;
    return (
        a.exports !== null || a.fstab.length > 0 || a.mounts.length > 0 || a.pools.length > 0 || a.repointed.length > 0
    );
}
