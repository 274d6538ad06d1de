// Bench: gzipped bytes of our JS+CSS (dist/, as built by `npm run build`) vs the installed
// cockpit-machines package (Debian `cockpit-machines`), translations (po.*.js) left out on both
// sides. Our files are gzipped here at level 9; cockpit-machines ships only .gz files, counted as is.
// Goal: ≤ 25 %. Usage: node bench/bundle.mjs (no lab, no lock needed: it only reads files)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../scripts/setup.mjs";

export const THEIRS_DIR = "/usr/share/cockpit/machines";
const isCode = (name) => /\.(js|css)$/.test(name) && !/^po\./.test(name);

function walk(dir) {
    return readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** { js, css, files: [{ file, gz }] } of our dist/: every JS and CSS file, gzipped at level 9. */
export function oursBytes(dist = join(ROOT, "dist")) {
    if (!existsSync(join(dist, "index.html"))) throw new Error(`${dist} has no build: run npm run build first`);
    const files = walk(dist)
        .filter((p) => isCode(p.split("/").at(-1)))
        .map((file) => ({ file: file.slice(dist.length + 1), gz: gzipSync(readFileSync(file), { level: 9 }).length }));
    if (!files.some((f) => f.file.endsWith(".js")) || !files.some((f) => f.file.endsWith(".css")))
        throw new Error(`${dist} has no JS or no CSS`);
    const sum = (ext) => files.filter((f) => f.file.endsWith(ext)).reduce((a, f) => a + f.gz, 0);
    return { js: sum(".js"), css: sum(".css"), files };
}

/** The same for the installed cockpit-machines: its shipped .js.gz and .css.gz files. */
export function theirsBytes(dir = THEIRS_DIR) {
    if (!existsSync(dir)) throw new Error(`${dir} is missing: apt-get install cockpit-machines`);
    const files = readdirSync(dir)
        .filter((n) => n.endsWith(".gz") && isCode(n.slice(0, -3)))
        .map((n) => ({ file: n, gz: statSync(join(dir, n)).size }));
    const sum = (ext) => files.filter((f) => f.file.endsWith(`${ext}.gz`)).reduce((a, f) => a + f.gz, 0);
    return { js: sum(".js"), css: sum(".css"), files };
}

/**
 * The files the first screen loads: what index.html references (module script, modulepreload,
 * stylesheets); everything the entry script (the module script) imports, also dynamically: our
 * entry (src/boot.ts) starts the first commands and then imports the page at once; and from each
 * other JS file its static imports, transitively. Lazy chunks (`import("./…")` from the page) are
 * left out.
 */
export function firstScreen(dist = join(ROOT, "dist")) {
    const html = readFileSync(join(dist, "index.html"), "utf8");
    const seen = new Set();
    const queue = [...html.matchAll(/(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    const entry = html.match(/<script type="module"[^>]*src="\.\/([^"]+\.js)"/)?.[1];
    while (queue.length) {
        const file = queue.shift();
        if (seen.has(file)) continue;
        seen.add(file);
        if (!file.endsWith(".js")) continue;
        const code = readFileSync(join(dist, file), "utf8");
        const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
        for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)) queue.push(dir + m[1]);
        if (file !== entry) continue;
        // the entry's dynamic imports and what they preload (Vite's __vite__mapDeps list)
        for (const m of (code.match(/m\.f=\[([^\]]*)\]/)?.[1] ?? "").matchAll(/"\.\/([^"]+)"/g)) queue.push(dir + m[1]);
        for (const m of code.matchAll(/import\("\.\/([^"]+\.js)"\)/g)) queue.push(dir + m[1]);
    }
    return seen;
}

if (import.meta.url === `file://${process.argv[1]}`) {
    const ours = oursBytes(),
        theirs = theirsBytes();
    for (const f of ours.files) console.log(`  ours ${f.file}: ${f.gz} B gz`);
    for (const f of theirs.files) console.log(`  theirs ${f.file}: ${f.gz} B gz`);
    const line = (metric, o, t) =>
        console.log(
            `${metric}: ours ${o} B, theirs ${t} B, ratio ${(o / t).toFixed(3)} (bytes are deterministic: min/median/max = the value)`,
        );
    const firstFiles = firstScreen();
    const first = ours.files.filter((f) => firstFiles.has(f.file)).reduce((a, f) => a + f.gz, 0);
    line("bundle JS gz", ours.js, theirs.js);
    line("bundle CSS gz", ours.css, theirs.css);
    line("bundle JS+CSS gz (goal ratio <= 0.25)", ours.js + ours.css, theirs.js + theirs.css);
    line(`first-screen JS+CSS gz (${[...firstFiles].join(", ")}; lazy chunks left out)`, first, theirs.js + theirs.css);
}
