import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain ES module of ours, without type declarations
import { oursBytes } from "../../bench/bundle.mjs";

// cockpit-machines 288 (Debian): index.js.gz 714,805 B + index.css.gz 149,616 B (/work/shared/anchors.md,
// and what bench/bundle.mjs measures from the installed package). The goal of issue #7 is a quarter
// of that (216,105 B) and is NOT met (about 320 KB, mostly React DOM and PatternFly and its CSS):
// this test is the regression budget that keeps the bundle from growing while that work is open —
// the measured size (320,316 B on 2026-11-25, after scripts/slim-css.mjs, PageFrame and FilterInput) plus 5 %.
// Raised on 2026-12-01 from 336,000 to 348,000 for issue #21 (344,919 B measured): the toolbar's menus and the
// rows' kebabs are PatternFly's Dropdown (Menu + Popper, ~3.2 KB with their CSS, which the page did not load
// before), toasts, code blocks with Copy, the readiness and progress views; bench/bundle.mjs keeps the figure.
// Raised on 2026-12-01 (session 5) from 348,000 to 366,000 for four features (364,823 B measured after merging
// them, 346,815 B before; each measured on its own branch, plus about what it added): trust onboarding items
// 1-2, Set up access and Trust between hosts (+3.9 KB); items 3-4, the channel row, peer-to-peer check and
// firewall open/close (+1.8 KB, texts cut first); the cold move with disks (+6.9 KB); the convergence view,
// policies and autopilot (+5.6 KB). No dependency was added; the chart is our own SVG. Said in the closing note.
const THEIRS_JS_CSS_GZ = 714_805 + 149_616;
const GOAL = Math.floor(THEIRS_JS_CSS_GZ / 4);
const BUDGET = 366_000;
const DIST = join(import.meta.dirname, "..", "..", "dist");
type Bytes = { js: number; css: number; files: { file: string; gz: number }[] };

describe("bundle budget (npm test builds dist/ before the unit tests)", () => {
    it("dist/ holds a build to measure", () => {
        expect(existsSync(join(DIST, "index.html")), `${DIST}/index.html missing: run npm run build`).toBe(true);
    });

    it(`gzipped JS+CSS of dist/ is at most ${BUDGET} B (regression budget; the goal is ${GOAL} B, 25 % of cockpit-machines' ${THEIRS_JS_CSS_GZ} B)`, () => {
        const bytes = oursBytes(DIST) as Bytes; // throws when dist/ is missing or has no JS/CSS
        expect(bytes.js).toBeGreaterThan(10_000); // a real build, not an empty directory
        expect(bytes.css).toBeGreaterThan(1_000);
        const detail = bytes.files.map((f) => `${f.file} ${f.gz}`).join(", ");
        expect(bytes.js + bytes.css, detail).toBeLessThanOrEqual(BUDGET);
    });
});
