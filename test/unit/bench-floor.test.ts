import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDomainsArgvs } from "../../src/domains/argvs";
import { localUri } from "../../src/hosts/uri";

// bench/floor is the page our first VM list is measured against: it must run what ours runs first
describe("the floor page of bench/floor.mjs", () => {
    it("spawns our page's first list command, with the superuser mode src/boot.ts uses", () => {
        const js = readFileSync(new URL("../../bench/floor/floor.js", import.meta.url), "utf8");
        const argv = JSON.parse(/const argv = (\[.*?\]);/.exec(js)![1]!) as string[];
        expect(argv).toEqual(loadDomainsArgvs(localUri("system"))[0]);
        expect(js).toMatch(/superuser: "require"/);
        expect(readFileSync(new URL("../../src/boot.ts", import.meta.url), "utf8")).toMatch(/superuser: "require"/);
    });
});
