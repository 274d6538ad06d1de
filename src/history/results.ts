/**
 * Which finished migrations the page shows as results, and the results each user has dismissed.
 *
 * The record of every migration lives in the history; a result is only a notice on top of it. A
 * result is shown as a toast when this page followed the migration to its end (it saw it running:
 * started here, or running when the page loaded), so results from before the page load do not
 * come back on every load. A result that needs action (post-copy failed and can be resumed, or the
 * VM was not found where it should be) is different: it stays on the page, on every load and for
 * every admin, until it is handled (a newer migration of the VM, such as the resume) or dismissed.
 * Either way only the newest record of a VM counts: the result of A -> B is gone once the VM has
 * been migrated again (back to A, or on to C), and nothing is shown while it is being migrated.
 * A dismissal is kept in the record itself, per Cockpit login (`dismissedBy`, ./records.ts), so a
 * dismissed result stays dismissed after a reload and in other browsers, and goes with the record.
 */
import { dismissers, type MigrationRecord } from "./records";
import { sameHost, type Identities, type Nameable } from "../hosts/names";

/** A result that stays until it is handled: the VM is not simply where the migration left it. */
export function needsAction(r: MigrationRecord): boolean {
    return r.outcome !== "running" && (r.postcopyResume !== undefined || r.verification?.ok === false);
}

/** The VM a record is about: its UUID (records of older versions have only a name). */
function vmKey(r: MigrationRecord): string {
    return r.uuid ?? `name:${r.domain}`;
}

export interface ResultsInput {
    /** The history's records (any host), with the ones this page finished itself merged in. */
    records: readonly MigrationRecord[];
    /**
     * The host being viewed: results that need action of migrations from it. The same machine
     * however the record reached it (qemu:///system and the known host 127.0.0.1 are one host,
     * by `identities`), not the same URI text.
     */
    viewed: Nameable;
    identities: Identities;
    /** Records this page saw running. */
    followed: ReadonlySet<string>;
    /** The Cockpit login ("" when unknown): results it dismissed are not shown. */
    user: string;
    /** Dismissed on this page and not yet read back from the history. */
    dismissed: ReadonlySet<string>;
}

export interface Results {
    /** Results of migrations this page followed to their end (from any host), newest first. */
    toasts: MigrationRecord[];
    /** Results that need action, newest first, whenever they ended. */
    pinned: MigrationRecord[];
}

export function visibleResults(input: ResultsInput): Results {
    const newest = new Map<string, MigrationRecord>();
    for (const r of input.records) {
        const k = vmKey(r);
        const seen = newest.get(k);
        if (!seen || r.startedAt >= seen.startedAt) newest.set(k, r);
    }
    const shown = [...newest.values()]
        .filter((r) => r.outcome !== "running" && !input.dismissed.has(r.id) && !dismissers(r).includes(input.user))
        .sort((x, y) => (y.endedAt ?? y.startedAt) - (x.endedAt ?? x.startedAt));
    return {
        pinned: shown.filter((r) => needsAction(r) && sameHost(r.source, input.viewed, input.identities)),
        // this page's own results, whichever host is viewed now
        toasts: shown.filter((r) => !needsAction(r) && input.followed.has(r.id)),
    };
}
