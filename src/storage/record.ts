/** The flow's record (inputs, step states, what it added) on this host, so a reload can resume or undo. */
import { modifyFile, type FileStore } from "../hosts/config";
import { emptyAdded, type FlowRecord, type NfsInputs } from "./types";

export const RECORD_PATH = "/var/lib/cockpit-migrate/nfs-shared-storage.json";

export function newRecord(inputs: NfsInputs, selinuxHosts: string[]): FlowRecord {
    return { version: 1, inputs, steps: {}, added: emptyAdded(), checksums: {}, selinuxHosts };
}

export function parseRecord(text: string | null): FlowRecord | null {
    if (!text) return null;
    try {
        const r = JSON.parse(text) as FlowRecord;
        return r && r.version === 1 && r.inputs && r.added ? r : null;
    } catch { return null }
}

export async function loadRecord(files: FileStore): Promise<FlowRecord | null> {
    return parseRecord((await files.read(RECORD_PATH)).content);
}

export function saveRecord(files: FileStore, r: FlowRecord | null): Promise<void> {
    return modifyFile(files, RECORD_PATH, () => r ? JSON.stringify(r, null, 1) + "\n" : "");
}

/** Something still needs Undo. */
export function hasAdditions(r: FlowRecord): boolean {
    const a = r.added;
    return a.exports !== null || a.fstab.length > 0 || a.mounts.length > 0 || a.pools.length > 0 || a.repointed.length > 0;
}
