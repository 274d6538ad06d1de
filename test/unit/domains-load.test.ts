import { describe, expect, it } from "vitest";
import { loadDomains, loadDomainsArgvs } from "../../src/domains/load";
import type { Runner } from "../../pkg/lib/runner";
import { uuidOf } from "./refs";
import { DOMSTATS } from "./domains-fixtures";

describe("domain parsing", () => {
    const odd = uuidOf(`it's "odd"`),
        tiny = uuidOf("lab-tiny");
    const LIST = `${tiny} lab-tiny\n${odd} it's "odd"\n\n`;

    it("loads with four bulk calls on the URI, not one per domain", async () => {
        const calls: string[][] = [];
        const runner: Runner = {
            run: async (_t, argv) => {
                calls.push([...argv]);
                return argv.includes("domstats")
                    ? DOMSTATS
                    : argv.includes("--persistent")
                      ? `${tiny}\n`
                      : argv.includes("--name")
                        ? LIST
                        : "";
            },
        };
        const d = await loadDomains(runner, "qemu+tcp://127.0.0.2/system");
        expect(d.map((x) => x.name)).toEqual([`it's "odd"`, "lab-tiny"]);
        expect(calls).toEqual(loadDomainsArgvs("qemu+tcp://127.0.0.2/system"));
        expect(calls.every((c) => c[0] === "virsh" && c[1] === "-c" && c[2] === "qemu+tcp://127.0.0.2/system")).toBe(
            true,
        );
    });
});
