import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
// @ts-expect-error: a plain ES module of ours, without type declarations
import * as po from "../../scripts/po.mjs";

type Po = { header: Record<string, string>; messages: Map<string, string | string[]> };
const { extract, parsePo, poJs, pot } = po as {
    extract(): Map<string, { refs: string[]; plural?: string }>;
    parsePo(t: string): Po;
    poJs(l: string, p: Po): string;
    pot(m: Map<string, unknown>): string;
};

describe("translations", () => {
    it("po/cockpit-migrate.pot is current (run npm run po:extract after changing strings)", () => {
        const current = parsePo(
            readFileSync(new URL("../../po/cockpit-migrate.pot", import.meta.url), "utf8")
                .replace(/msgstr ""/g, 'msgstr "x"')
                .replace(/msgstr\[\d\] ""/g, 'msgstr[0] "x"'),
        );
        expect([...current.messages.keys()].sort()).toEqual([...extract().keys()].sort());
    });
    it("every German msgid exists in the sources", () => {
        const de = parsePo(readFileSync(new URL("../../po/de.po", import.meta.url), "utf8"));
        const ids = extract();
        expect(de.messages.size).toBeGreaterThanOrEqual(10);
        for (const id of de.messages.keys()) expect(ids.has(id), id).toBe(true);
    });
    it("reads multi-line strings, escapes and plurals; writes cockpit.locale", () => {
        const p = parsePo(
            'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n#: a.ts:1\nmsgid "a \\"q\\"\\n"\n"b"\nmsgstr "A"\n\nmsgid "$0 VM"\nmsgid_plural "$0 VMs"\nmsgstr[0] "$0 VM"\nmsgstr[1] "$0 VMs!"\n\nmsgid "untranslated"\nmsgstr ""\n',
        );
        expect([...p.messages]).toEqual([
            ['a "q"\nb', "A"],
            ["$0 VM", ["$0 VM", "$0 VMs!"]],
        ]);
        const js = poJs("xx", p);
        const seen: unknown[] = [];
        new Function("cockpit", js)({ locale: (x: unknown) => seen.push(x) });
        const loc = seen[0] as Record<string, unknown> & { "": { "plural-forms": (n: number) => boolean } };
        expect(loc['a "q"\nb']).toEqual([null, "A"]);
        expect(loc[""]["plural-forms"](2)).toBe(true);
        expect(() =>
            poJs("xx", { header: { "Plural-Forms": "nplurals=2; plural=alert(1);" }, messages: new Map() }),
        ).toThrow(/Plural-Forms/);
        expect(pot(new Map([["x", { refs: ["a.ts:1"] }]]))).toContain('#: a.ts:1\nmsgid "x"');
    });
});
