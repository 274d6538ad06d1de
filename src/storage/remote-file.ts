/**
 * A FileStore for a host reached through the Runner (e.g. over SSH), with the same contract as
 * Cockpit's files: read gives content and a tag (the SHA-256 of the file, taken before the
 * content is read), replace writes atomically (temporary file + rename, mode and owner kept) and
 * refuses with problem "change-conflict" when the file's SHA-256 is no longer the tag.
 */
import type { FileStore } from "../../pkg/lib/filestore";
import { isRunError, type RunTarget, type Runner } from "../../pkg/lib/runner";
import { _, format } from "../../pkg/lib/gettext";

const READ =
    'if [ -e "$1" ]; then sha256sum -- "$1" | cut -d" " -f1; printf "\\036"; cat -- "$1"; else echo absent; fi';
const REPLACE = [
    "p=$1; want=$2",
    'if [ -e "$p" ]; then have=$(sha256sum -- "$p" | cut -d" " -f1) || exit 1; else have=-; fi',
    // on a conflict the new content is still read (and dropped): a writer must not see a broken pipe instead of the
    // conflict
    '[ "$have" = "$want" ] || { cat > /dev/null; echo "change-conflict: $p changed since it was read" >&2; exit 3; }',
    't=$(mktemp -- "$p.XXXXXX") || exit 1',
    'cat > "$t" || { rm -f -- "$t"; exit 1; }',
    'if [ -e "$p" ]; then chmod --reference="$p" -- "$t" && chown --reference="$p" -- "$t"; else chmod 644 -- "$t"; fi || { rm -f -- "$t"; exit 1; }',
    'mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }',
    'sha256sum -- "$p" | cut -d" " -f1',
].join("\n");

export const readFileArgv = (path: string) => ["sh", "-c", READ, "read-file", path];
export const replaceFileArgv = (path: string, expectedTag: string | null) => [
    "sh",
    "-c",
    REPLACE,
    "replace-file",
    path,
    expectedTag ?? "-",
];

export class RunnerFileStore implements FileStore {
    constructor(
        private readonly runner: Runner,
        private readonly target: RunTarget,
    ) {}

    async read(path: string): Promise<{ content: string | null; tag: string | null }> {
        const out = await this.runner.run(this.target, readFileArgv(path), { superuser: "try" });
        if (out.startsWith("absent")) return { content: null, tag: null };
        const sep = out.indexOf("\x1e");
        if (sep < 0) throw new Error(format(_("Could not read $0"), path));
        return { tag: out.slice(0, sep).trim(), content: out.slice(sep + 1) };
    }

    async replace(path: string, content: string, expectedTag: string | null): Promise<string> {
        try {
            return (
                await this.runner.run(this.target, replaceFileArgv(path, expectedTag), {
                    input: content,
                    superuser: "try",
                })
            ).trim();
        } catch (e) {
            if (isRunError(e) && e.exitStatus === 3)
                throw Object.assign(new Error(e.stderr || format(_("$0 changed since it was read"), path)), {
                    problem: "change-conflict",
                });
            throw e;
        }
    }
}
