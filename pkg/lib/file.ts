/** Files through cockpit.file: reads return a tag; replaces are atomic and refuse on a changed tag. */
import type { Cockpit } from "./cockpit";

export interface TaggedContent {
    content: string | null;
    tag: string | null;
}

export class CockpitFileStore {
    private readonly cockpit: Cockpit;
    constructor(cockpit: Cockpit) {
        this.cockpit = cockpit;
    }

    read(path: string): Promise<TaggedContent> {
        const handle = this.cockpit.file(path, { superuser: "try" });
        return new Promise((resolve, reject) => {
            // cockpit's own promise passes (content, tag) to then(); a native await would drop the tag.
            (
                handle.read() as unknown as {
                    then(ok: (c: string | null, t: string) => void, err: (e: unknown) => void): void;
                }
            ).then(
                (content, tag) => {
                    handle.close();
                    resolve({ content, tag: tag === "-" ? null : tag });
                },
                (e) => {
                    handle.close();
                    reject(e);
                },
            );
        });
    }

    /** Writes atomically (Cockpit renames a temporary file over the target); `expectedTag` null = must not exist. */
    async replace(path: string, content: string, expectedTag: string | null): Promise<string> {
        if (expectedTag === null) await this.ensureDirectory(path);
        const handle = this.cockpit.file(path, { superuser: "try" });
        try {
            return await handle.replace(content, expectedTag ?? "-");
        } finally {
            handle.close();
        }
    }

    /** A new file's directory must exist for the atomic rename. */
    private ensureDirectory(path: string): Promise<unknown> {
        const dir = path.slice(0, path.lastIndexOf("/")) || "/";
        return this.cockpit.spawn(["mkdir", "-p", "--", dir], { superuser: "try", err: "message" });
    }
}
