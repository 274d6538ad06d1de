import { describe, expect, it } from "vitest";
import { errorText } from "../../pkg/lib/error-text";
import { RunError } from "../../pkg/lib/runner";

describe("errorText", () => {
    const run = new RunError(
        "ssh-auth",
        "SSH authentication failed",
        ["virsh"],
        255,
        "Permission denied (publickey).\n",
    );

    it("says an Error's message, a RunError's summary by default", () => {
        expect(errorText(new Error("boom"))).toBe("boom");
        expect(errorText(run)).toBe("SSH authentication failed");
    });

    it("says the command's own output first when asked, trimmed when asked", () => {
        expect(errorText(run, { stderr: true })).toBe("Permission denied (publickey).\n");
        expect(errorText(run, { stderr: true, trim: true })).toBe("Permission denied (publickey).");
        const silent = new RunError("timeout", "The command timed out", ["virsh"], null, "");
        expect(errorText(silent, { stderr: true })).toBe("The command timed out");
    });

    it("reads cockpit's plain error objects and anything else", () => {
        expect(errorText({ problem: "not-found", message: "no such file" })).toBe("no such file");
        expect(errorText({ problem: "change-conflict" })).toBe("change-conflict");
        expect(errorText("text")).toBe("text");
        expect(errorText(42)).toBe("42");
    });
});
