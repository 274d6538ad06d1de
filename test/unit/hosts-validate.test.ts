import { describe, expect, it } from "vitest";
import { validateAddress, validateHost } from "../../src/hosts/validate";
import type { KnownHost } from "../../src/hosts/types";
import { HOSTILE } from "./hostile";

const host = (p: Partial<KnownHost>): KnownHost => ({
    id: "",
    address: "h.example.com",
    sshUser: "root",
    transport: "ssh",
    ...p,
});

describe("validation", () => {
    it.each(["h", "h.example.com", "127.0.0.2", "fe80::1", "::1", "a-b.c"])("accepts address %s", (a) =>
        expect(validateAddress(a)).toBeNull(),
    );
    it("rejects every hostile string as an address except plain names", () => {
        for (const s of HOSTILE) {
            const ok = validateAddress(s) === null;
            if (ok) expect(s).toMatch(/^([A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/);
        }
    });
    it("reports each bad field", () => {
        expect(Object.keys(validateHost(host({ address: "-x", sshUser: "a b", sshPort: 0 })))).toEqual([
            "address",
            "sshUser",
            "sshPort",
        ]);
    });
});
