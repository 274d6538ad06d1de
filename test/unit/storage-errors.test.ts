import { afterEach, describe, expect, it, vi } from "vitest";
import { explainMount } from "../../src/storage/errors";
import { RunError, toRunError } from "../../pkg/lib/runner";

/** ROT13 of the letters: another language for the test, with the $0 placeholders intact. */
const rot13 = (s: string) =>
    s.replace(/[a-z]/gi, (c) => {
        const base = c <= "Z" ? 65 : 97;
        return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
    });

describe("explainMount", () => {
    afterEach(() => vi.unstubAllGlobals());
    it("our runner giving up is recognised by its cause, in any language", () => {
        vi.stubGlobal("window", { cockpit: { gettext: rot13, ngettext: (a: string) => rot13(a) } });
        const e = toRunError({ problem: "timeout" }, ["mount", "--", "/mnt"]);
        expect(e.message).toBe(rot13("The command timed out"));
        expect(explainMount("B", e).title).toBe(`B ${rot13("could not reach the NFS server:")} ${e.message}`);
    });
    it("mount's own words still decide", () => {
        const e = new RunError("exit-status", "x", ["mount"], 32, "mount.nfs: Connection timed out");
        expect(explainMount("B", e).title).toBe("B could not reach the NFS server: mount.nfs: Connection timed out");
        const busy = new RunError("exit-status", "x", ["mount"], 32, "mount.nfs: /mnt is busy");
        expect(explainMount("B", busy).title).toMatch(/^The mount point on B is busy/);
    });
});
