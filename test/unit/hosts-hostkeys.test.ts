import { describe, expect, it } from "vitest";
import type { FileStore } from "../../pkg/lib/filestore";

describe("trustHostKeys", () => {
    it("appends only the new key lines to known_hosts, keeping everything already there", async () => {
        const { trustHostKeys } = await import("../../src/hosts/hostkeys");
        let content: string | null = "old.example ssh-ed25519 AAAA1";
        const writes: string[] = [];
        const store: FileStore = {
            read: async () => ({ content, tag: "t" }),
            replace: async (p, c) => {
                writes.push(p);
                content = c;
                return "t2";
            },
        };
        const runner = {
            run: async (_t: unknown, argv: readonly string[]) => (argv[0] === "printenv" ? "/root\n" : ""),
        };
        const keys = [
            { line: "old.example ssh-ed25519 AAAA1", type: "ED25519", fingerprint: "x" },
            { line: "127.0.0.3 ssh-ed25519 BBBB", type: "ED25519", fingerprint: "y" },
        ];
        await trustHostKeys(runner, store, keys);
        expect(writes).toEqual(["/root/.ssh/known_hosts"]);
        expect(content).toBe("old.example ssh-ed25519 AAAA1\n127.0.0.3 ssh-ed25519 BBBB\n");
    });
});
