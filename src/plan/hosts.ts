/** The hosts a plan can use, apart from the gathering (src/plan/gather.ts), so the page imports only this. */
import type { Host, KnownHost } from "../hosts/types";
import { LOCAL, type RunTarget } from "../../pkg/lib/runner";
import { hostList } from "../hosts/list";
import { targetForUri } from "../hosts/target";

export interface HostRef extends Pick<Host, "id" | "label" | "uri" | "migrationAddress"> {
    target: RunTarget | null;
}

/**
 * The hosts a plan can use: this host and every known host (hostList), each with where its own
 * commands run and the address it receives migrations on.
 */
export function hostRefs(known: KnownHost[]): HostRef[] {
    return hostList(known).map((h) => ({
        id: h.id,
        label: h.label,
        uri: h.uri,
        target: h.known ? targetForUri(h.uri, known) : LOCAL,
        migrationAddress: h.known?.migrationAddress,
    }));
}
