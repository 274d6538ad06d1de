import { afterEach, describe, expect, it, vi } from "vitest";
import { explainConnectionError } from "../../src/hosts/errors";
import { toRunError } from "../../pkg/lib/runner";
import { errorText } from "../../pkg/lib/error-text";
import { runPreflight } from "../../src/preflight/checks";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";

const reversed = (s: string) => [...s].reverse().join("");

/** A translation in effect: every message comes back changed, as in another language. */
function translated() {
    vi.stubGlobal("window", {
        cockpit: {
            gettext: (s: string) => reversed(s),
            ngettext: (a: string, b: string, n: number) => reversed(n === 1 ? a : b),
        },
    });
}

describe("explainConnectionError recognises our own failures by their cause, not their (translated) text", () => {
    afterEach(() => vi.unstubAllGlobals());
    it("no administrative access: the RunError's cause, whatever its summary says", () => {
        translated();
        const e = toRunError({ problem: "access-denied" }, ["virsh", "-c", "qemu:///system", "list"]);
        expect(e.message).toBe("deriuqer si ssecca evitartsinimdA");
        const c = explainConnectionError("this host", errorText(e, { stderr: true }), e.cause);
        expect(c.problem).toBe("access-denied");
    });
    it("virsh missing: the cause", () => {
        translated();
        const e = toRunError({ problem: "not-found" }, ["virsh", "list"]);
        expect(explainConnectionError("B", errorText(e, { stderr: true }), e.cause).problem).toBe("no-virsh");
    });
    it("libvirt's own words are still read from the message", () => {
        expect(explainConnectionError("B", "error: authentication unavailable: no polkit agent").problem).toBe(
            "access-denied",
        );
        expect(explainConnectionError("B", "Connection refused").problem).toBe("refused");
    });
    it("the pre-flight reachability check passes the cause too", async () => {
        translated();
        const results = await runPreflight(
            {
                runner: {
                    run: async (_t, argv) => {
                        throw toRunError({ problem: "not-found" }, argv);
                    },
                },
            },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
            },
        );
        expect(results.find((r) => r.id === "reachable")).toMatchObject({
            severity: "error",
            title: reversed("virsh is not installed"),
        });
    });
});
