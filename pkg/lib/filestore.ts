/**
 * Files read and written with a tag identifying the version read (cockpit.file in the app, a map in
 * the tests), so that concurrent edits are detected, not clobbered.
 */
import { isUnreadable, keepCopy } from "./unreadable";

export interface FileStore {
    /** Content and a tag identifying that version; null content when the file does not exist. */
    read(path: string): Promise<{ content: string | null; tag: string | null }>;
    /** Atomic replace; rejects if the file's tag is no longer `expectedTag` (someone else changed it). */
    replace(path: string, content: string, expectedTag: string | null): Promise<string>;
}

/**
 * Read-modify-write of a file with conflict detection: the write names the tag that was read, so
 * a concurrent change is never overwritten; the change is then re-applied to the new content.
 */
export async function modifyFile(
    store: FileStore,
    path: string,
    change: (content: string | null) => string,
    retries = 1,
): Promise<void> {
    for (let attempt = 0; ; attempt++) {
        const { content, tag } = await store.read(path);
        let next: string;
        try {
            next = change(content);
        } catch (e) {
            // content the change cannot parse is not replaced: a copy is kept and the error names it
            if (isUnreadable(e) && content !== null) throw e.withCopy(await keepCopy(store, path, content));
            throw e;
        }
        try {
            await store.replace(path, next, tag);
            return;
        } catch (e) {
            if (attempt >= retries || !isTagConflict(e)) throw e;
        }
    }
}

export function isTagConflict(e: unknown): boolean {
    return typeof e === "object" && e !== null && (e as { problem?: string }).problem === "change-conflict";
}
