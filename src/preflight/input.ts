/**
 * The pre-flight's input, built in one place for the Migrate dialog, the readiness dialog and a
 * plan: they check the same VM the same way, and in particular agree on whether it moves live.
 */
import type { RunTarget } from "../../pkg/lib/runner";
import { isActive, type Domain } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import { targetForUri } from "../hosts/target";
import type { MigrationOptions } from "../migration/options";
import type { PreflightInput } from "./checks";

/** Where the VM goes from and to, and where each host's own commands run (null: no way to). */
export interface PreflightRoute {
    sourceUri: string;
    destinationUri: string;
    destinationLabel: string;
    sourceTarget: RunTarget | null;
    destinationTarget: RunTarget | null;
}

/** What only some callers set: a plan skips the dirty rate; a dialog sets its period; the admin's policy. */
export type PreflightExtras = Pick<PreflightInput, "measureDirtyRate" | "dirtyRateSeconds" | "policy">;

/**
 * Live exactly when libvirt migrates it live: a domain with a QEMU process (running, paused,
 * blocked, pmsuspended, shutting down); a shut-off or crashed one moves offline. The same rule as
 * the options' default mode and their validation (isActive).
 */
export function preflightInput(
    domain: Pick<Domain, "uuid" | "name" | "state">,
    route: PreflightRoute,
    options: MigrationOptions,
    extras: PreflightExtras = {},
): PreflightInput {
    return {
        domain: domain.name,
        uuid: domain.uuid,
        ...route,
        options,
        live: isActive(domain.state),
        ...extras,
    };
}

/** A route between two URIs, each host's commands run as its known-host entry says (targetForUri). */
export function routeBetween(
    sourceUri: string,
    destination: { uri: string; label: string },
    known: KnownHost[],
): PreflightRoute {
    return {
        sourceUri,
        destinationUri: destination.uri,
        destinationLabel: destination.label,
        sourceTarget: targetForUri(sourceUri, known),
        destinationTarget: targetForUri(destination.uri, known),
    };
}
