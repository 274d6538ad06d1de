/** A VM's own migrations, newest first: what its detail row lists. */
import type { DomainRef } from "../domains/types";
import type { History, MigrationRecord } from "./records";

/**
 * The last `count` migrations of `domain`, wherever it ran: by UUID, or by name for records of
 * older versions, which have no UUID. Newest first (by start time).
 */
export function lastMigrations(history: History, domain: DomainRef, count = 5): MigrationRecord[] {
    return history.records
        .filter((r) => (r.uuid !== undefined ? r.uuid === domain.uuid : r.domain === domain.name))
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, count);
}
