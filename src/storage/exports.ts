/**
 * /etc/exports (exports(5)): parse, print one entry, and change only this flow's entry, leaving
 * every other byte as it was (comments, blank lines, backslash continuations, other entries).
 */
import { MARKER, dropOurLine, putOurLine, samePath, splitLines, type OurLineChange, type PhysLine } from "./lines";
import { _, format } from "../../pkg/lib/gettext";

export const EXPORTS_PATH = "/etc/exports";

export interface ExportClient {
    /**
     * Host name, wildcard (*.example.com), IP network (IPv4/IPv6), @netgroup, "*"; "" = everyone (a space before "(").
     */
    host: string;
    options: string | null;
}

export interface ExportEntry {
    path: string;
    /** "-opts" after the path: defaults for the clients on this entry. */
    defaultOptions: string | null;
    clients: ExportClient[];
    /** Physical lines (0-based, inclusive) holding the entry, continuation lines included. */
    firstLine: number;
    lastLine: number;
    /** Preceded by this flow's marker comment and on one physical line: ours to change or remove. */
    ours: boolean;
}

export interface ExportsFile {
    lines: PhysLine[];
    entries: ExportEntry[];
}

/** Splits a logical line into words: whitespace separates, double quotes group, "#" outside quotes ends it. */
export function words(text: string): string[] {
    const out: string[] = [];
    let cur = "",
        quoted = false,
        inWord = false;
    for (const ch of text) {
        if (ch === '"') {
            quoted = !quoted;
            inWord = true;
            continue;
        }
        if (!quoted && ch === "#") break;
        if (!quoted && /\s/.test(ch)) {
            if (inWord) out.push(cur);
            cur = "";
            inWord = false;
            continue;
        }
        cur += ch;
        inWord = true;
    }
    if (inWord) out.push(cur);
    return out;
}

/** "\040" style octal escapes (as in /var/lib/nfs/etab and fstab). */
export function unescapeOctal(s: string): string {
    return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * `exportfs -v`: the live export table, as path → client names. A line starts with the path
 * (octal escapes as in etab); its clients `NAME(options)` follow on the same line or, when the
 * path is long, on indented lines after it.
 */
export function parseExportfsVerbose(out: string): Map<string, Set<string>> {
    const table = new Map<string, Set<string>>();
    let path: string | null = null;
    for (const line of out.split("\n")) {
        if (line.trim() === "") continue;
        let rest = line;
        if (!/^\s/.test(line)) {
            const m = /^(\S+)(.*)$/.exec(line)!;
            path = unescapeOctal(m[1]!);
            rest = m[2]!;
        }
        if (path === null) continue;
        const clients = table.get(path) ?? new Set<string>();
        for (const c of rest.matchAll(/(\S+?)\([^()]*\)/g)) clients.add(c[1]!);
        table.set(path, clients);
    }
    return table;
}

export function parseClient(word: string): ExportClient {
    const m = /^([^()]*)\((.*)\)$/.exec(word);
    return m ? { host: m[1]!, options: m[2]! } : { host: word, options: null };
}

export function parseExports(content: string | null): ExportsFile {
    const lines = splitLines(content ?? "");
    const entries: ExportEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
        const first = i;
        let logical = lines[i]!.text;
        while (/\\$/.test(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + " " + lines[++i]!.text;
        const w = words(logical.replace(/\\$/, ""));
        if (w.length === 0) continue;
        const [path, ...rest] = w;
        let defaultOptions: string | null = null;
        if (rest[0]?.startsWith("-")) defaultOptions = rest.shift()!.slice(1);
        const ours = first === i && first > 0 && lines[first - 1]!.text === MARKER;
        entries.push({
            path: unescapeOctal(path!),
            defaultOptions,
            clients: rest.map(parseClient),
            firstLine: first,
            lastLine: i,
            ours,
        });
    }
    return { lines, entries };
}

export class ExportsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ExportsError";
    }
}

export interface ExportSpec {
    path: string;
    clients: { host: string; options: string }[];
}

const PLAIN_PATH = /^[A-Za-z0-9._/+@%,:=~-]+$/;

/** Refuses what cannot be written safely into exports(5) (and says why). */
export function validateExportSpec(spec: ExportSpec): string | null {
    if (!spec.path.startsWith("/")) return _("The export directory must be an absolute path");
    if (/[\0-\x1f\x7f"\\#]/.test(spec.path))
        return _('The export directory must not contain control characters, double quotes, backslashes or "#"');
    if (spec.clients.length === 0) return _("Name at least one client host");
    for (const c of spec.clients) {
        if (!/^[^\s()#"\\,]+$/.test(c.host) || c.host.startsWith("-"))
            return format(_("Not a valid client for /etc/exports: $0"), JSON.stringify(c.host));
        if (!/^[A-Za-z0-9_=:,./@+-]+$/.test(c.options))
            return format(_("Not valid export options for $0: $1"), c.host, JSON.stringify(c.options));
    }
    return null;
}

/** One exports(5) entry: the path (double-quoted when it has spaces), then host(options) per client. */
export function formatExportEntry(spec: ExportSpec): string {
    const problem = validateExportSpec(spec);
    if (problem) throw new ExportsError(problem);
    const path = PLAIN_PATH.test(spec.path) ? spec.path : `"${spec.path}"`;
    return [path, ...spec.clients.map((c) => `${c.host}(${c.options})`)].join(" ");
}

/** "covered": another entry (not ours) already exports the path to every client with these options: nothing to add. */
export type ExportsChange = OurLineChange;

const optionSet = (o: string | null) => (o ?? "").split(",").filter(Boolean).sort().join(",");

function covers(entry: ExportEntry, spec: ExportSpec): boolean {
    return spec.clients.every((want) =>
        entry.clients.some(
            (c) =>
                c.host === want.host &&
                optionSet([entry.defaultOptions, c.options].filter(Boolean).join(",")) === optionSet(want.options),
        ),
    );
}

/** Adds this flow's entry, or updates it in place; never edits an entry the flow did not add. */
export function setOurExport(content: string | null, spec: ExportSpec): ExportsChange {
    const line = formatExportEntry(spec);
    const file = parseExports(content);
    const ours = file.entries.find((e) => e.ours && samePath(e.path, spec.path));
    if (ours) return putOurLine(content, file.lines, ours.firstLine, line);
    const other = file.entries.find((e) => samePath(e.path, spec.path));
    if (other) {
        if (covers(other, spec)) return { kind: "covered", content: content ?? "", lineNumber: other.firstLine + 1 };
        throw new ExportsError(
            format(
                _(
                    "Line $0 of $1 already exports $2 (to $3). That entry was not added by this flow and is left alone: add the clients to it yourself, or choose another export directory.",
                ),
                other.firstLine + 1,
                EXPORTS_PATH,
                other.path,
                other.clients.map((c) => c.host || _("everyone")).join(", ") || _("everyone"),
            ),
        );
    }
    return putOurLine(content, file.lines, null, line);
}

/** Removes this flow's entry (and its marker) for `path`; everything else stays byte-identical. */
export function removeOurExport(content: string | null, path: string): { content: string; removed: boolean } {
    const file = parseExports(content);
    return dropOurLine(
        content,
        file.lines,
        file.entries.find((e) => e.ours && samePath(e.path, path))?.firstLine ?? null,
    );
}
