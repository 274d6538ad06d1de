import { describe, expect, it } from "vitest";
import { PrefetchRunner } from "../../pkg/lib/prefetch";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { loadDomains, loadDomainsArgvs } from "../../src/domains/load";
import { uuidOf } from "./refs";

const LOCAL = { kind: "local" } as const;

function counting(answer: (argv: readonly string[]) => string): Runner & { calls: string[] } {
    const calls: string[] = [];
    return {
        calls,
        run: async (_t, argv) => {
            calls.push(argv.join(" "));
            return answer(argv);
        },
    };
}

describe("PrefetchRunner: commands started before the page loaded", () => {
    it("the first identical call takes the early answer; the next one runs again", async () => {
        let n = 0;
        const inner = counting(() => `answer ${++n}`);
        const r = new PrefetchRunner(inner);
        r.start(LOCAL, ["virsh", "list"]);
        expect(inner.calls).toEqual(["virsh list"]);
        await expect(r.run(LOCAL, ["virsh", "list"])).resolves.toBe("answer 1");
        await expect(r.run(LOCAL, ["virsh", "list"])).resolves.toBe("answer 2");
        expect(inner.calls).toHaveLength(2);
    });
    it("another argv or another host is never answered from it", async () => {
        const inner = counting((argv) => argv.join(" "));
        const r = new PrefetchRunner(inner);
        r.start(LOCAL, ["virsh", "list"]);
        await expect(r.run({ kind: "ssh", address: "b", user: "root" }, ["virsh", "list"])).resolves.toBe("virsh list");
        await expect(r.run(LOCAL, ["virsh", "list", "--all"])).resolves.toBe("virsh list --all");
        expect(inner.calls).toHaveLength(3);
    });
    it("an answer older than maxAge is not used", async () => {
        let t = 0,
            n = 0;
        const r = new PrefetchRunner(
            counting(() => `answer ${++n}`),
            1000,
            () => t,
        );
        r.start(LOCAL, ["virsh", "list"]);
        t = 1001;
        await expect(r.run(LOCAL, ["virsh", "list"])).resolves.toBe("answer 2");
    });
    it("an early failure goes to whoever takes it, and is never an unhandled rejection", async () => {
        const r = new PrefetchRunner({
            run: async () => {
                throw new RunError("access-denied", "not allowed", []);
            },
        });
        r.start(LOCAL, ["virsh", "list"]);
        await new Promise((res) => setTimeout(res, 5));
        await expect(r.run(LOCAL, ["virsh", "list"])).rejects.toThrow(/not allowed/);
    });
    it("what boot.ts starts is exactly what the VM list asks for", async () => {
        const inner = counting((argv) =>
            argv.includes("domstats")
                ? "Domain: 'vm'\n  state.state=5\n"
                : argv.includes("--name")
                  ? `${uuidOf("vm")} ${"vm".padEnd(30)}\n`
                  : `${uuidOf("vm")}\n`,
        );
        const r = new PrefetchRunner(inner);
        for (const argv of loadDomainsArgvs("qemu:///system")) r.start(LOCAL, argv, { timeoutMs: 60_000 });
        const domains = await loadDomains(r, "qemu:///system");
        expect(domains.map((d) => d.name)).toEqual(["vm"]);
        expect(inner.calls).toHaveLength(4);
    });
});
