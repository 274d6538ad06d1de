/**
 * /etc/fstab (fstab(5)): parse, print one NFS entry, and change only this flow's entry, leaving
 * every other byte as it was. Fields are whitespace-separated; spaces inside a field are "\040".
 */
import { MARKER, dropOurLine, putOurLine, samePath, splitLines, type OurLineChange, type PhysLine } from "./lines";
import { unescapeOctal } from "./exports";
import { _, format } from "../../pkg/lib/gettext";

export const FSTAB_PATH = "/etc/fstab";

export interface FstabEntry {
    spec: string;
    file: string;
    vfstype: string;
    mntops: string;
    freq: string;
    passno: string;
    line: number;
    ours: boolean;
}

export interface FstabFile {
    lines: PhysLine[];
    entries: FstabEntry[];
}

export function parseFstab(content: string | null): FstabFile {
    const lines = splitLines(content ?? "");
    const entries: FstabEntry[] = [];
    lines.forEach((l, i) => {
        const t = l.text.trim();
        if (t === "" || t.startsWith("#")) return;
        const f = t.split(/\s+/).map(unescapeOctal);
        entries.push({
            spec: f[0]!,
            file: f[1] ?? "",
            vfstype: f[2] ?? "",
            mntops: f[3] ?? "defaults",
            freq: f[4] ?? "0",
            passno: f[5] ?? "0",
            line: i,
            ours: i > 0 && lines[i - 1]!.text === MARKER,
        });
    });
    return { lines, entries };
}

/** fstab's escaping: space, tab, newline and backslash as octal. */
export function escapeField(s: string): string {
    return s.replace(/[\\ \t\n]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

export interface NfsMountSpec {
    server: string;
    exportPath: string;
    mountPoint: string;
    options: string;
}

export function nfsSource(server: string, exportPath: string): string {
    // an IPv6 server address is bracketed in an NFS source: [2001:db8::1]:/export
    return `${server.includes(":") && !server.startsWith("[") ? `[${server}]` : server}:${exportPath}`;
}

export class FstabError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "FstabError";
    }
}

export function validateMountSpec(m: NfsMountSpec): string | null {
    if (!m.mountPoint.startsWith("/")) return _("The mount point must be an absolute path");
    if (/[\0-\x1f\x7f]/.test(m.mountPoint + m.exportPath + m.server))
        return _("Paths and the server name must not contain control characters");
    if (!/^[A-Za-z0-9_=:,./@+-]+$/.test(m.options))
        return format(_("Not valid mount options: $0"), JSON.stringify(m.options));
    if (!m.server || /[\s/]/.test(m.server) || m.server.startsWith("-"))
        return format(_("Not a valid NFS server address: $0"), JSON.stringify(m.server));
    return null;
}

export function formatFstabEntry(m: NfsMountSpec): string {
    const problem = validateMountSpec(m);
    if (problem) throw new FstabError(problem);
    return [escapeField(nfsSource(m.server, m.exportPath)), escapeField(m.mountPoint), "nfs", m.options, "0", "0"].join(
        " ",
    );
}

export type FstabChange = OurLineChange;

/** Adds or updates this flow's line for the mount point; another line for that mount point is never edited. */
export function setOurMount(content: string | null, m: NfsMountSpec): FstabChange {
    const line = formatFstabEntry(m);
    const file = parseFstab(content);
    const ours = file.entries.find((e) => e.ours && samePath(e.file, m.mountPoint));
    if (ours) return putOurLine(content, file.lines, ours.line, line);
    const other = file.entries.find((e) => samePath(e.file, m.mountPoint));
    if (other) {
        if (other.spec === nfsSource(m.server, m.exportPath) && /^nfs4?$/.test(other.vfstype))
            return { kind: "covered", content: content ?? "", lineNumber: other.line + 1 };
        throw new FstabError(
            format(
                _(
                    "Line $0 of $1 already mounts $2 at $3. That line was not added by this flow and is left alone: remove it yourself, or choose another mount point.",
                ),
                other.line + 1,
                FSTAB_PATH,
                other.spec,
                other.file,
            ),
        );
    }
    return putOurLine(content, file.lines, null, line);
}

export function removeOurMount(content: string | null, mountPoint: string): { content: string; removed: boolean } {
    const file = parseFstab(content);
    return dropOurLine(
        content,
        file.lines,
        file.entries.find((e) => e.ours && samePath(e.file, mountPoint))?.line ?? null,
    );
}
