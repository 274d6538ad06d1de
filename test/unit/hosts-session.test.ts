import { describe, expect, it } from "vitest";
import { sessionIsOwn } from "../../src/hosts/session";
import { ScriptedRunner } from "./fakes";

describe("the user session", () => {
    it("is the system connection for root (the same VMs), a connection of its own for another user", async () => {
        const root = new ScriptedRunner([[/^id -u$/, "0\n"]]);
        expect(await sessionIsOwn(root)).toBe(false);
        expect(root.ran(/^id -u$/)).toHaveLength(1);
        expect(root.calls[0]!.target).toEqual({ kind: "local" });
        expect(await sessionIsOwn(new ScriptedRunner([[/^id -u$/, "1000\n"]]))).toBe(true);
    });
    it("is listed when who runs the commands cannot be read", async () => {
        expect(await sessionIsOwn(new ScriptedRunner([], { unknown: "run-error" }))).toBe(true);
    });
});
