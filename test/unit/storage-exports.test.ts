import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
    ExportsError,
    formatExportEntry,
    parseExports,
    removeOurExport,
    setOurExport,
    validateExportSpec,
    words,
} from "../../src/storage/exports";
import { MARKER, joinLines, splitLines } from "../../src/storage/lines";
import { HOSTILE } from "./hostile";

const DIR = join(__dirname, "fixtures/storage");
const fixture = (name: string) => readFileSync(join(DIR, name), "utf8");
const EXPORT_FIXTURES = readdirSync(DIR).filter((f) => f.startsWith("exports."));
const SPEC = {
    path: "/var/lib/libvirt/shared-images",
    clients: [
        { host: "127.0.0.1", options: "rw,no_root_squash" },
        { host: "lab-c.example.com", options: "rw,no_root_squash" },
    ],
};

describe("lines", () => {
    it("split + join gives back every byte (LF, CRLF, no final newline, empty)", () => {
        for (const s of ["", "a", "a\n", "a\r\nb", "\n\n", "x\r\n\r\n", "a\\\n b\n"])
            expect(joinLines(splitLines(s))).toBe(s);
        for (const f of readdirSync(DIR)) expect(joinLines(splitLines(fixture(f)))).toBe(fixture(f));
    });
});

describe("parseExports", () => {
    const f = parseExports(fixture("exports.server"));
    const byPath = (p: string) => f.entries.find((e) => e.path === p)!;
    it("skips comments and blank lines; the Debian default file has no entries", () => {
        expect(parseExports(fixture("exports.debian-default")).entries).toEqual([]);
        expect(parseExports(null).entries).toEqual([]);
    });
    it("reads wildcards, networks, gss and per-client options", () => {
        expect(byPath("/srv/nfs4").clients).toEqual([
            { host: "gss/krb5i", options: "rw,sync,fsid=0,crossmnt,no_subtree_check" },
        ]);
        expect(byPath("/export/home").clients).toEqual([
            { host: "*.lab.example.com", options: "rw,sync" },
            { host: "192.168.10.0/24", options: "ro,all_squash,anonuid=150,anongid=100" },
        ]);
    });
    it("reads IPv6 networks and scoped addresses", () => {
        expect(byPath("/export/ipv6").clients.map((c) => c.host)).toEqual(["2001:db8:9:e54::/64", "fe80::1%eth0"]);
    });
    it("reads netgroups", () => {
        expect(byPath("/export/netgroup").clients).toEqual([
            { host: "@trusted", options: "rw,sync" },
            { host: "@untrusted", options: "ro" },
        ]);
    });
    it("reads a double-quoted path with a space, and an octal-escaped one", () => {
        expect(byPath("/srv/media library").clients.map((c) => c.host)).toEqual([
            "desktop?.lab.example.com",
            "[a-c]host.example.com",
        ]);
        expect(byPath("/srv/octal space").clients[0]).toEqual({ host: "10.0.0.1", options: "rw" });
    });
    it("joins backslash continuation lines into one entry and drops the trailing comment", () => {
        const e = byPath("/srv/data");
        expect(e.lastLine - e.firstLine).toBe(2);
        expect(e.clients).toEqual([
            { host: "client1", options: "rw,sync,no_subtree_check" },
            { host: "client2", options: "ro,sync,no_subtree_check" },
        ]);
    });
    it("reads default options (-opts) and the space-before-parenthesis trap (everyone)", () => {
        expect(byPath("/srv/defaults")).toMatchObject({
            defaultOptions: "rw,sync",
            clients: [
                { host: "alpha", options: null },
                { host: "beta", options: "ro" },
            ],
        });
        expect(byPath("/srv/world").clients).toEqual([{ host: "", options: "rw" }]);
    });
    it("a path is one word even with tabs around it", () => {
        expect(byPath("/srv/tabbed")).toBeTruthy();
        expect(words('"/a b" c(rw) # x "y"')).toEqual(["/a b", "c(rw)"]);
    });
});

describe("setOurExport / removeOurExport on every fixture", () => {
    for (const name of EXPORT_FIXTURES.filter((n) => n !== "exports.admin-already")) {
        it(`${name}: adds two lines at the end, undo gives back the same bytes`, () => {
            const before = fixture(name);
            const added = setOurExport(before, SPEC);
            expect(added.kind).toBe("added");
            expect(
                added.content.startsWith(before.endsWith("\n") || before === "" ? before : before.replace(/$/, "")),
            ).toBe(true);
            const eol = before.includes("\r\n") ? "\r\n" : "\n";
            const tail = `${MARKER}${eol}/var/lib/libvirt/shared-images 127.0.0.1(rw,no_root_squash) lab-c.example.com(rw,no_root_squash)`;
            expect(added.content.endsWith(before === "" || /\n$/.test(before) ? tail + eol : tail)).toBe(true);
            // every entry the admin had is still read the same
            expect(
                parseExports(added.content)
                    .entries.filter((e) => !e.ours)
                    .map((e) => [e.path, e.clients]),
            ).toEqual(parseExports(before).entries.map((e) => [e.path, e.clients]));
            expect(setOurExport(added.content, SPEC).kind).toBe("unchanged");
            const removed = removeOurExport(added.content, SPEC.path);
            expect(removed).toEqual({ content: before, removed: true });
        });
        it(`${name}: an update rewrites only our line`, () => {
            const before = fixture(name);
            const added = setOurExport(before, SPEC).content;
            const updated = setOurExport(added, { ...SPEC, clients: [{ host: "10.1.1.1", options: "rw,sync" }] });
            expect(updated.kind).toBe("updated");
            const a = splitLines(added),
                u = splitLines(updated.content);
            expect(u.length).toBe(a.length);
            expect(u.filter((l, k) => l.text !== a[k]!.text).map((l) => l.text)).toEqual([
                "/var/lib/libvirt/shared-images 10.1.1.1(rw,sync)",
            ]);
            expect(removeOurExport(updated.content, SPEC.path + "/").content).toBe(before);
        });
    }
    it("a new file (no /etc/exports yet)", () => {
        expect(setOurExport(null, SPEC).content).toBe(`${MARKER}\n${formatExportEntry(SPEC)}\n`);
    });
    it("never edits an admin's entry for the same path: covered when it already has every client, refused otherwise", () => {
        const admin = fixture("exports.admin-already");
        const covered = setOurExport(admin, {
            path: SPEC.path,
            clients: [{ host: "src.example.com", options: "no_root_squash,rw" }],
        });
        expect(covered).toEqual({ kind: "covered", content: admin, lineNumber: 1 });
        expect(() => setOurExport(admin, SPEC)).toThrow(ExportsError);
        expect(() => setOurExport(admin, SPEC)).toThrow(/Line 1 of \/etc\/exports already exports .* left alone/);
        expect(removeOurExport(admin, SPEC.path)).toEqual({ content: admin, removed: false });
    });
    it("an unmarked line equal to ours is the admin's, and an entry spread over continuation lines is never taken as ours", () => {
        const text = `${MARKER}\n/var/lib/libvirt/shared-images \\\n  a(rw)\n`;
        expect(parseExports(text).entries[0]!.ours).toBe(false);
    });
});

describe("formatting and validation", () => {
    it("double-quotes a path with spaces; the real parser reads it back", () => {
        const line = formatExportEntry({
            path: "/srv/vm images",
            clients: [
                { host: "[2001:db8::1]", options: "rw" },
                { host: "@hosts", options: "ro" },
            ],
        });
        expect(line).toBe('"/srv/vm images" [2001:db8::1](rw) @hosts(ro)');
        expect(parseExports(line).entries[0]).toMatchObject({
            path: "/srv/vm images",
            clients: [
                { host: "[2001:db8::1]", options: "rw" },
                { host: "@hosts", options: "ro" },
            ],
        });
    });
    it("hostile paths, hosts and options are refused or round-trip exactly", () => {
        for (const h of HOSTILE) {
            for (const spec of [
                { path: "/srv/" + h, clients: [{ host: "a", options: "rw" }] },
                { path: "/srv", clients: [{ host: h, options: "rw" }] },
                { path: "/srv", clients: [{ host: "a", options: h }] },
            ]) {
                if (validateExportSpec(spec) !== null) {
                    expect(() => formatExportEntry(spec)).toThrow(ExportsError);
                    continue;
                }
                const e = parseExports(formatExportEntry(spec)).entries;
                expect(e).toHaveLength(1);
                expect(e[0]).toMatchObject({ path: spec.path, clients: spec.clients });
            }
        }
    });
    it("refuses relative paths, no clients, options with spaces", () => {
        expect(validateExportSpec({ path: "srv", clients: [{ host: "a", options: "rw" }] })).toMatch(/absolute/);
        expect(validateExportSpec({ path: "/srv", clients: [] })).toMatch(/at least one/);
        expect(validateExportSpec({ path: "/srv", clients: [{ host: "a", options: "rw sync" }] })).toMatch(/options/);
    });
});
