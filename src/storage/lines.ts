/**
 * Line-exact editing of system configuration files: a file is a list of physical lines, each with
 * its own terminator ("\n", "\r\n", or "" for a last line without one), so that printing the list
 * gives back every byte that was read, and an edit touches only the lines it means to.
 */
export interface PhysLine { text: string; eol: string }

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
    return lines.map(l => l.text + l.eol).join("");
}

/** The comment line that marks the entry below it as added by this flow (and removed by its Undo). */
export const MARKER = "# cockpit-migrate: NFS shared storage for VM disk images (remove with Undo in the Shared storage flow)";

/** Appends new lines, keeping the file's own line ending style and its missing final newline, if any. */
export function appendLines(lines: readonly PhysLine[], texts: readonly string[]): PhysLine[] {
    const out = lines.map(l => ({ ...l }));
    const eol = out.find(l => l.eol)?.eol ?? "\n";
    const last = out[out.length - 1];
    const noFinalNewline = last !== undefined && last.eol === "";
    if (last && noFinalNewline) last.eol = eol;
    texts.forEach((text, i) => out.push({ text, eol: noFinalNewline && i === texts.length - 1 ? "" : eol }));
    return out;
}

/** Removes lines [first, last]; when they ended the file without a final newline, so does the result. */
export function removeLines(lines: readonly PhysLine[], first: number, last: number): PhysLine[] {
    const out = lines.map(l => ({ ...l }));
    const endedBare = last === out.length - 1 && out[last]!.eol === "";
    out.splice(first, last - first + 1);
    if (endedBare && first > 0) out[first - 1]!.eol = "";
    return out;
}

/** Normalises a directory path for comparison: no trailing slashes, no repeated slashes. */
export function samePath(a: string, b: string): boolean {
    const n = (p: string) => p.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
    return n(a) === n(b);
}
