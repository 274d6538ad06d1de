import { test } from "@playwright/test";
import { openPage } from "./page";

test("explore", async ({ page }) => {
    for (const width of [1400, 800, 560]) {
        await page.setViewportSize({ width, height: 900 });
        await openPage(page);
        await page.waitForTimeout(4000);
        const m = await page.evaluate(() => {
            const out: string[] = [];
            const se = document.scrollingElement!;
            out.push(`doc ${se.scrollWidth}/${se.clientWidth} h ${se.scrollHeight}/${se.clientHeight}`);
            for (const el of Array.from(document.querySelectorAll("*"))) {
                const s = getComputedStyle(el);
                if (
                    /(auto|scroll)/.test(s.overflowY + s.overflowX) &&
                    (el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth)
                )
                    out.push(
                        `${el.tagName}.${el.className} ${s.overflowX}/${s.overflowY} w ${el.scrollWidth}/${el.clientWidth} h ${el.scrollHeight}/${el.clientHeight}`,
                    );
            }
            return out;
        });
        console.log(width, m.join("\n"));
        await page.screenshot({ path: `/tmp/h2-explore-${width}.png`, fullPage: true });
    }
});
