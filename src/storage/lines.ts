/**
 * Line-exact editing of system configuration files: a file is a list of physical lines, each with
 * its own terminator ("\n", "\r\n", or "" for a last line without one), so that printing the list
 * gives back every byte that was read, and an edit touches only the lines it means to.
 */
export interface PhysLine {
    text: string;
    eol: string;
}

export function splitLines(content: string): PhysLine[] {
    const lines: PhysLine[] = [];
    const re = /\r?\n/g;
    let start = 0;
    for (let m = re.exec(content); m; m = re.exec(content)) {
        lines.push({ text: content.slice(start, m.index), eol: m[0] });
        start = m.index + m[0].length;
    }
    if (start < content.length) lines.push({ text: content.slice(start), eol: "" });
    return lines;
}

export function joinLines(lines: readonly PhysLine[]): string {
    return lines.map((l) => l.text + l.eol).join("");
}

/** The comment line that marks the entry below it as added by this flow (and removed by its Undo). */
export const MARKER =
    "# cockpit-migrate: NFS shared storage for VM disk images (remove with Undo in the Shared storage flow)";

/** Appends new lines, keeping the file's own line ending style and its missing final newline, if any. */
export function appendLines(lines: readonly PhysLine[], texts: readonly string[]): PhysLine[] {
    const out = lines.map((l) => ({ ...l }));
    const eol = out.find((l) => l.eol)?.eol ?? "\n";
    const last = out[out.length - 1];
    const noFinalNewline = last !== undefined && last.eol === "";
    if (last && noFinalNewline) last.eol = eol;
    texts.forEach((text, i) => out.push({ text, eol: noFinalNewline && i === texts.length - 1 ? "" : eol }));
    return out;
}

/** Removes lines [first, last]; when they ended the file without a final newline, so does the result. */
export function removeLines(lines: readonly PhysLine[], first: number, last: number): PhysLine[] {
    const out = lines.map((l) => ({ ...l }));
    const endedBare = last === out.length - 1 && out[last]!.eol === "";
    out.splice(first, last - first + 1);
    if (endedBare && first > 0) out[first - 1]!.eol = "";
    return out;
}

/** What putting this flow's line into a file did; "covered": another entry already does what ours would. */
export type OurLineChange =
    | { kind: "added" | "updated" | "unchanged"; content: string; line: string }
    | { kind: "covered"; content: string; lineNumber: number };

/**
 * Puts this flow's `line` into a file: in place of our entry's line at index `ours` (null: the flow
 * has no entry there yet), or appended below its marker. Nothing else changes.
 */
export function putOurLine(
    content: string | null,
    lines: readonly PhysLine[],
    ours: number | null,
    line: string,
): OurLineChange {
    if (ours === null) return { kind: "added", content: joinLines(appendLines(lines, [MARKER, line])), line };
    if (lines[ours]!.text === line) return { kind: "unchanged", content: content ?? "", line };
    const out = lines.map((l) => ({ ...l }));
    out[ours]!.text = line;
    return { kind: "updated", content: joinLines(out), line };
}

/** Removes our entry's line at index `ours` and its marker above it (null: nothing of ours is there). */
export function dropOurLine(
    content: string | null,
    lines: readonly PhysLine[],
    ours: number | null,
): { content: string; removed: boolean } {
    if (ours === null) return { content: content ?? "", removed: false };
    return { content: joinLines(removeLines(lines, ours - 1, ours)), removed: true };
}

/** Normalises a directory path for comparison: no trailing slashes, no repeated slashes. */
export function samePath(a: string, b: string): boolean {
    const n = (p: string) => p.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
    return n(a) === n(b);
}
