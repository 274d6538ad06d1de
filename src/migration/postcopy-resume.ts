/**
 * Resuming a migration whose post-copy phase failed (./postcopy-failure.ts): once the hosts reach
 * each other again, the recorded `virsh migrate ... --postcopy-resume` runs as a migration job of
 * its own (detached, followed and verified like the first), so the page can be closed meanwhile.
 * Seen on the lab (libvirt 9.0, QEMU 7.2): the migration stream cut after the switch leaves the
 * source "paused (post-copy failed)" and the destination "running (post-copy failed)"; the resume
 * then finishes it and the source is "shut off (migrated)".
 */
import { recordUuid, type MigrationRecord } from "../history/records";
import { startMigration, type Deps } from "./job";
import { _ } from "../../pkg/lib/gettext";

export async function resumePostcopy(
    deps: Deps,
    record: MigrationRecord,
    user: string | null,
): Promise<MigrationRecord> {
    if (!record.postcopyResume) throw new Error(_("This migration has no post-copy phase to resume."));
    const { wasRunning: _r, wasPersistent, wasAutostart, sourceAutostartDisabled, ...options } = record.options;
    return startMigration(deps, {
        domain: { uuid: recordUuid(record), name: record.domain },
        source: record.source,
        destination: record.destination,
        // the maximum downtime was for the pre-copy phase, which is over; autostart was dealt with by
        // the first run (turned off on the source for a Temporary move: nothing is left to turn off)
        options: { ...options, maxDowntimeMs: undefined, disableSourceAutostart: false },
        argv: record.postcopyResume,
        wasRunning: true,
        wasPersistent: wasPersistent ?? true,
        wasAutostart: (wasAutostart ?? false) && !sourceAutostartDisabled,
        user,
    });
}
