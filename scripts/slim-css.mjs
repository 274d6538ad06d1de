// Build step: take out of PatternFly's CSS what this page can never use, and nothing else.
// 1. Rules that apply only under the theme classes we never set (high contrast, felt, glass):
//    a selector that requires `.pf-v6-theme-high-contrast` etc. outside `:not()` cannot match.
//    Light and dark stay (the page follows Cockpit's light/dark style).
// 2. Custom-property declarations that nothing reads: no `var(--name…)` in any CSS file of the
//    build and the name not mentioned in any JS file (JS may set or read a property by name),
//    repeated until nothing more goes (a token read only by removed tokens goes too).
// The CSS is parsed with PostCSS; values and selectors are never edited, only whole declarations,
// selectors of a list, and rules left empty are removed.
import postcss from "postcss";

export const UNUSED_THEMES = ["high-contrast", "felt", "glass"];
const THEME = new RegExp(`\\.pf-v6-theme-(${UNUSED_THEMES.join("|")})(?![\\w-])`);

/** Splits a selector list at top-level commas (not inside parentheses or brackets). */
export function splitSelectors(list) {
    const out = [];
    let depth = 0,
        start = 0,
        quote = null;
    for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (quote) {
            if (c === "\\") i++;
            else if (c === quote) quote = null;
            continue;
        }
        if (c === '"' || c === "'") quote = c;
        else if (c === "(" || c === "[") depth++;
        else if (c === ")" || c === "]") depth--;
        else if (c === "," && depth === 0) {
            out.push(list.slice(start, i));
            start = i + 1;
        }
    }
    out.push(list.slice(start));
    return out.map((s) => s.trim()).filter(Boolean);
}

/** The selector without its `:not(…)` parts: what an element must have for it to match. */
function required(selector) {
    let out = "";
    for (let i = 0; i < selector.length; i++) {
        if (selector.startsWith(":not(", i)) {
            let depth = 1,
                j = i + 5;
            for (; j < selector.length && depth > 0; j++) {
                if (selector[j] === "(") depth++;
                else if (selector[j] === ")") depth--;
            }
            i = j - 1;
            continue;
        }
        out += selector[i];
    }
    return out;
}

/** Whether a selector can only match under a theme class we never set. */
export const needsUnusedTheme = (selector) => THEME.test(required(selector));

const VAR = /var\(\s*(--[\w-]+)/g;
const NAME = /--[A-Za-z_][\w-]*/g;

/**
 * Slims a set of CSS files of one build. `css`: { name: text }; `js`: the JS texts of the build.
 * Returns { name: slimmed text } and what was removed.
 */
export function slimCss(css, js = []) {
    const roots = Object.fromEntries(
        Object.entries(css).map(([name, text]) => [name, postcss.parse(text, { from: name })]),
    );
    let rules = 0,
        declarations = 0;
    const dropEmpty = (node) => {
        while (node && node.type !== "root" && (!node.nodes || node.nodes.length === 0)) {
            const parent = node.parent;
            node.remove();
            node = parent;
        }
    };
    for (const root of Object.values(roots)) {
        root.walkRules((rule) => {
            const all = splitSelectors(rule.selector);
            const keep = all.filter((s) => !needsUnusedTheme(s));
            if (keep.length === 0) {
                const parent = rule.parent;
                rule.remove();
                rules++;
                dropEmpty(parent);
            } else if (keep.length !== all.length) rule.selector = keep.join(",");
        });
    }
    const mentionedInJs = new Set(js.flatMap((text) => text.match(NAME) ?? []));
    for (;;) {
        const read = new Set(mentionedInJs);
        for (const root of Object.values(roots))
            root.walkDecls((d) => {
                for (const m of d.value.matchAll(VAR)) read.add(m[1]);
            });
        let removed = 0;
        for (const root of Object.values(roots)) {
            root.walkDecls((d) => {
                if (!d.prop.startsWith("--") || read.has(d.prop) || d.prop.startsWith("--lightningcss")) return;
                const parent = d.parent;
                d.remove();
                removed++;
                dropEmpty(parent);
            });
        }
        declarations += removed;
        if (removed === 0) break;
    }
    const out = Object.fromEntries(
        Object.entries(roots).map(([name, root]) => [name, root.toResult({ map: false }).css]),
    );
    return { css: out, removed: { rules, declarations } };
}
