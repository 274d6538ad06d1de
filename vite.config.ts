import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
// @ts-expect-error: a plain ES module of ours, without type declarations
import { buildTranslations } from "./scripts/po.mjs";
// @ts-expect-error: a plain ES module of ours, without type declarations
import { slimCss } from "./scripts/slim-css.mjs";

/** PatternFly CSS without the themes we never set and the custom properties nothing reads (scripts/slim-css.mjs). */
function slimPatternFly(): Plugin {
    return {
        name: "slim-patternfly-css",
        apply: "build",
        generateBundle(_options, bundle) {
            const css: Record<string, string> = {},
                js: string[] = [];
            for (const [name, item] of Object.entries(bundle)) {
                if (item.type === "chunk") js.push(item.code);
                else if (name.endsWith(".css"))
                    css[name] = typeof item.source === "string" ? item.source : new TextDecoder().decode(item.source);
            }
            const slim = (slimCss as (css: Record<string, string>, js: string[]) => { css: Record<string, string> })(
                css,
                js,
            ).css;
            for (const name of Object.keys(css)) {
                const item = bundle[name];
                if (item && item.type === "asset") item.source = slim[name]!;
            }
        },
    };
}

/** Cockpit serves `<file>.gz` when it exists; ship gzip alongside every asset, as Cockpit packages do. */
function cockpitPackage(): Plugin {
    let outDir = "dist";
    return {
        name: "cockpit-package",
        apply: "build",
        configResolved(config) {
            outDir = config.build.outDir;
        },
        closeBundle() {
            copyFileSync("manifest.json", join(outDir, "manifest.json"));
            // po/LANG.po → po.LANG.js: Cockpit serves it as the package's po.js for the user's language
            (buildTranslations as (dir: string) => string[])(outDir);
            const walk = (dir: string): string[] =>
                readdirSync(dir).flatMap((name) => {
                    const p = join(dir, name);
                    return statSync(p).isDirectory() ? walk(p) : [p];
                });
            for (const file of walk(outDir)) {
                if (!/\.(js|css|html|svg|json|map)$/.test(file) || file.endsWith("manifest.json")) continue;
                writeFileSync(file + ".gz", gzipSync(readFileSync(file), { level: 9 }));
            }
        },
    };
}

export default defineConfig({
    base: "./",
    plugins: [react(), slimPatternFly(), cockpitPackage()],
    build: {
        outDir: "dist",
        emptyOutDir: true,
        target: "es2022",
        sourcemap: false,
        chunkSizeWarningLimit: 2000,
        rollupOptions: {
            // cockpit.js is provided by Cockpit at ../base1/cockpit.js, loaded by index.html
            external: [],
        },
    },
    test: {
        include: ["test/unit/**/*.test.ts"],
        environment: "node",
    },
});
