import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postcss from "postcss";
// @ts-expect-error: a plain ES module of ours, without type declarations
import { needsUnusedTheme, slimCss, splitSelectors } from "../../scripts/slim-css.mjs";

type Slim = (
    css: Record<string, string>,
    js?: string[],
) => { css: Record<string, string>; removed: { rules: number; declarations: number } };
const slim = slimCss as Slim;
const split = splitSelectors as (s: string) => string[];
const needs = needsUnusedTheme as (s: string) => boolean;

describe("theme rules", () => {
    it("a selector that needs high contrast, felt or glass cannot match here; :not() and light/dark are kept", () => {
        expect(needs(":root:where(.pf-v6-theme-high-contrast)")).toBe(true);
        expect(needs(":where(.pf-v6-theme-glass) .pf-v6-c-card.pf-m-glass")).toBe(true);
        expect(needs(":root:where(.pf-v6-theme-dark.pf-v6-theme-felt)")).toBe(true);
        expect(needs(":where(:root:not(.pf-v6-theme-glass)) .pf-v6-c-page__main-subnav.pf-m-plain")).toBe(false);
        expect(needs(":root:where(.pf-v6-theme-dark)")).toBe(false);
        expect(needs(".pf-v6-theme-glassy")).toBe(false);
    });
    it("splits selector lists at top-level commas only", () => {
        expect(split(':is(.a, .b) .c, .d[x="1,2"],  .e')).toEqual([":is(.a, .b) .c", '.d[x="1,2"]', ".e"]);
    });
    it("drops whole rules and single selectors of a list; empty @media blocks go too", () => {
        const out = slim({
            "a.css":
                ":root:where(.pf-v6-theme-felt){color:red}.x,:where(.pf-v6-theme-glass) .y{color:blue}@media (min-width:1px){:where(.pf-v6-theme-high-contrast) .z{color:green}}.w{color:black}",
        }).css["a.css"]!;
        expect(out).toBe(".x{color:blue}.w{color:black}");
    });
});

describe("custom properties nothing reads", () => {
    it("removed, also transitively; read in another file or named in JS: kept", () => {
        const css = {
            "a.css":
                ":root{--unused:1px;--chain:var(--leaf);--leaf:2px;--other-file:3px;--from-js:4px;--read:5px}.a{width:var(--read)}",
            "b.css": ".b{height:var(--other-file)}",
        };
        const r = slim(css, ['e.style.setProperty("--from-js","1px")']);
        expect(r.css["a.css"]).toBe(":root{--other-file:3px;--from-js:4px;--read:5px}.a{width:var(--read)}");
        expect(r.css["b.css"]).toBe(".b{height:var(--other-file)}");
        expect(r.removed.declarations).toBe(3);
    });
    it("a fallback counts as a read", () => {
        expect(slim({ "a.css": ":root{--a:1px;--b:2px}.x{width:var(--nope,var(--b))}" }).css["a.css"]).toBe(
            ":root{--b:2px}.x{width:var(--nope,var(--b))}",
        );
    });
});

describe("on PatternFly's own CSS", () => {
    const dir = join(import.meta.dirname, "..", "..", "node_modules", "@patternfly");
    const files = {
        "base.css": readFileSync(join(dir, "react-core", "dist", "styles", "base.css"), "utf8"),
        "table.css": readFileSync(join(dir, "react-styles", "css", "components", "Table", "table.css"), "utf8"),
        "button.css": readFileSync(join(dir, "react-styles", "css", "components", "Button", "button.css"), "utf8"),
    };
    const declared = (texts: string[]) => {
        const s = new Set<string>();
        for (const t of texts)
            postcss.parse(t).walkDecls((d) => {
                if (d.prop.startsWith("--")) s.add(d.prop);
            });
        return s;
    };
    const readNames = (texts: string[]) =>
        new Set(texts.flatMap((t) => [...t.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1]!)));
    const r = slim(files);
    const before = Object.values(files),
        after = Object.values(r.css);
    it("every property still read was declared before and is declared after: nothing that is used goes", () => {
        const was = declared(before),
            is = declared(after);
        const lost = [...readNames(after)].filter((n) => was.has(n) && !is.has(n));
        expect(lost).toEqual([]);
        expect(r.removed.declarations).toBeGreaterThan(100);
    });
    it("no rule of the unused themes is left; the dark theme is all there", () => {
        const joined = after.join("\n");
        expect(joined).not.toMatch(/:root:where\(\.pf-v6-theme-(high-contrast|felt|glass)/);
        const darkBefore = (before.join("\n").match(/:root:where\(\.pf-v6-theme-dark\)\s*\{/g) ?? []).length;
        expect(darkBefore).toBeGreaterThan(0);
        expect((joined.match(/:root:where\(\.pf-v6-theme-dark\)\s*\{/g) ?? []).length).toBe(darkBefore);
        expect(joined.length).toBeLessThan(before.join("\n").length * 0.9);
    });
});
