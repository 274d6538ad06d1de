/**
 * A state file we cannot parse (a hand edit, a disk that filled up mid-write of another tool) is
 * never read as empty and never overwritten: the caller gets this error, and before a write was
 * refused a copy of the content is kept next to the file, so the admin's fix loses nothing.
 */
import type { FileStore } from "./filestore";
import { _, format } from "./gettext";

export type UnreadableCause = "not-json" | "wrong-shape";

export class UnreadableFileError extends Error {
    readonly path: string;
    readonly reason: UnreadableCause;
    /** What is wrong, in words (the JSON parser's message, or the missing part). */
    readonly detail: string;
    readonly fix: string;
    /** Where the content was copied, once a write was refused. */
    readonly copy: string | null;

    constructor(path: string, reason: UnreadableCause, detail: string, copy: string | null = null) {
        const fix = copy
            ? format(
                  _(
                      "Repair $0, or move it away to start a new one; its content is kept in $1. Nothing is written to it until then.",
                  ),
                  path,
                  copy,
              )
            : format(_("Repair $0, or move it away to start a new one. Nothing is written to it until then."), path);
        super(format(_("$0 cannot be read ($1). $2"), path, detail, fix));
        this.name = "UnreadableFileError";
        this.path = path;
        this.reason = reason;
        this.detail = detail;
        this.fix = fix;
        this.copy = copy;
    }

    withCopy(copy: string): UnreadableFileError {
        return new UnreadableFileError(this.path, this.reason, this.detail, copy);
    }
}

export function isUnreadable(e: unknown): e is UnreadableFileError {
    return e instanceof UnreadableFileError;
}

/**
 * Copies `content` to `PATH.unreadable-HASH` (atomic, refused if that file exists). Named by the
 * content's hash, not the time: every refused write of the same broken file names the same copy
 * instead of leaving one more each time.
 */
export async function keepCopy(store: FileStore, path: string, content: string): Promise<string> {
    const copy = `${path}.unreadable-${fnv1a(content)}`;
    try {
        await store.replace(copy, content, null);
    } catch (e) {
        // the same content is already kept
        if (!((await store.read(copy).catch(() => null))?.content === content)) throw e;
    }
    return copy;
}

function fnv1a(s: string): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16).padStart(8, "0");
}
