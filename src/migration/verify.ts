/** After a migration: where is the VM now, and is that what was asked (the RHEL procedure's checks)? */
import type { DomainState } from "../domains/types";
import type { MigrationOptions } from "./options";

export interface Presence {
    state: DomainState;
    persistent: boolean;
}

export interface Verification {
    /** Everything is as the chosen options promise. */
    ok: boolean;
    /** Where the VM runs now, in words. */
    where: string;
    /** What is not as it should be. */
    problems: string[];
    runningOn: ("source" | "destination")[];
}

const running = (p: Presence | null) =>
    p !== null && p.state !== "shutoff" && p.state !== "crashed" && p.state !== "nostate";

/** wasPersistent: whether the source had a persistent definition before (records made before it was kept: true). */
export function verifyMigration(
    o: Pick<MigrationOptions, "duration" | "mode"> & { wasPersistent?: boolean },
    source: Presence | null,
    destination: Presence | null,
    names: { source: string; destination: string },
): Verification {
    const problems: string[] = [];
    const runningOn: ("source" | "destination")[] = [];
    if (running(source)) runningOn.push("source");
    if (running(destination)) runningOn.push("destination");
    if (runningOn.length === 2)
        problems.push("The VM runs on both hosts: shut down one of them now, before their disks are corrupted.");

    if (o.mode === "live") {
        if (!running(destination)) problems.push(`Not running on ${names.destination}.`);
        if (running(source)) problems.push(`Still running on ${names.source}.`);
    } else {
        if (!destination) problems.push(`Not defined on ${names.destination}.`);
        else if (destination.state !== "shutoff")
            problems.push(`Expected shut off on ${names.destination}, found ${destination.state}.`);
    }
    if (o.duration === "permanent") {
        if (source) problems.push(`Still defined on ${names.source}.`);
        if (destination && !destination.persistent) problems.push(`Not persistent on ${names.destination}.`);
    } else {
        // a transient VM exists only while it runs: once it runs on the destination, it is gone here
        if (!source && o.wasPersistent !== false) problems.push(`The definition on ${names.source} is gone.`);
        if (destination && destination.persistent)
            problems.push(`Persistent on ${names.destination}, expected a transient copy.`);
    }
    const where =
        runningOn.length === 0
            ? destination
                ? `Shut off on ${names.destination}`
                : source
                  ? `Shut off on ${names.source}`
                  : "Not found on either host"
            : runningOn.map((r) => `running on ${r === "source" ? names.source : names.destination}`).join(" and ");
    return { ok: problems.length === 0, where: where.charAt(0).toUpperCase() + where.slice(1), problems, runningOn };
}

/** When the migration failed: is the VM still running where it was, and only there? */
export function verifyAfterFailure(
    source: Presence | null,
    destination: Presence | null,
    names: { source: string; destination: string },
    wasRunning: boolean,
): Verification {
    const v = verifyMigration({ duration: "temporary", mode: "live" }, source, destination, names);
    const problems: string[] = [];
    if (running(source) && running(destination))
        problems.push("The VM runs on both hosts: shut down one of them now, before their disks are corrupted.");
    if (wasRunning && !running(source) && !running(destination))
        problems.push("The VM runs on neither host: start it on the source.");
    if (!source && !destination) problems.push("The VM is defined on neither host.");
    return { ...v, ok: problems.length === 0, problems };
}
