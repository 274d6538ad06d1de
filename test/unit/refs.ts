/** Domain references for unit tests: a fixed UUID per test VM name, and back. */
import { createHash } from "node:crypto";
import { domainUuid, type DomainUuid } from "../../src/virsh/argv";
import type { DomainRef } from "../../src/domains/types";

const names = new Map<string, string>();

/** A stable UUID for a test VM name (the same name, the same UUID). */
export function uuidOf(name: string): DomainUuid {
    const h = createHash("sha256").update(name).digest("hex");
    const u = domainUuid(
        `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
    );
    names.set(u, name);
    return u;
}

/** The test VM name a UUID was made for (undefined for any other string). */
export function nameOf(uuid: string | undefined): string | undefined {
    return uuid === undefined ? undefined : names.get(uuid);
}

export function ref(name: string): DomainRef {
    return { uuid: uuidOf(name), name };
}
