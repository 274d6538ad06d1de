/** After a migration: where is the VM now, and is that what was asked (the RHEL procedure's checks)? */
import type { DomainState } from "../domains/types";
import type { MigrationOptions } from "./options";
import { _, format } from "../../pkg/lib/gettext";

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
        problems.push(_("The VM runs on both hosts: shut down one of them now, before their disks are corrupted."));

    if (o.mode === "live") {
        if (!running(destination)) problems.push(format(_("Not running on $0."), names.destination));
        if (running(source)) problems.push(format(_("Still running on $0."), names.source));
    } else {
        if (!destination) problems.push(format(_("Not defined on $0."), names.destination));
        else if (destination.state !== "shutoff")
            problems.push(format(_("Expected shut off on $0, found $1."), names.destination, destination.state));
    }
    if (o.duration === "permanent") {
        if (source) problems.push(format(_("Still defined on $0."), names.source));
        if (destination && !destination.persistent)
            problems.push(format(_("Not persistent on $0."), names.destination));
    } else {
        // a transient VM exists only while it runs: once it runs on the destination, it is gone here
        if (!source && o.wasPersistent !== false)
            problems.push(format(_("The definition on $0 is gone."), names.source));
        if (destination && destination.persistent)
            problems.push(format(_("Persistent on $0, expected a transient copy."), names.destination));
    }
    const where =
        runningOn.length === 0
            ? destination
                ? format(_("Shut off on $0"), names.destination)
                : source
                  ? format(_("Shut off on $0"), names.source)
                  : _("Not found on either host")
            : runningOn
                  .map((r) => format(_("running on $0"), r === "source" ? names.source : names.destination))
                  .join(_(" and "));
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
        problems.push(_("The VM runs on both hosts: shut down one of them now, before their disks are corrupted."));
    if (wasRunning && !running(source) && !running(destination))
        problems.push(_("The VM runs on neither host: start it on the source."));
    if (!source && !destination) problems.push(_("The VM is defined on neither host."));
    return { ...v, ok: problems.length === 0, problems };
}
