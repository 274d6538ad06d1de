/**
 * Migration records: one per migration started from this page, kept in a JSON file through a
 * FileStore (atomic, tag-checked), so that progress survives a reload (the record names the job
 * directory of the detached `virsh migrate`) and admins see who moved what, where and when.
 */
import type { Host } from "../hosts/types";
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";
import { parseDomainUuid } from "../virsh/argv";
import type { MigrationOptions } from "../migration/options";
import type { AutopilotRecord } from "../migration/autopilot";
import type { CarriedFile } from "../coldmove/files";
import type { DomainRef, DomainUuid } from "../domains/types";
import { UnreadableFileError } from "../../pkg/lib/unreadable";
import { _, format } from "../../pkg/lib/gettext";

export const HISTORY_PATH = "/var/lib/cockpit-migrate/history.json";
export const JOBS_DIR = "/run/cockpit-migrate/jobs";
const KEEP = 500;

export type Outcome = "running" | "completed" | "failed" | "cancelled" | "lost";

/** A host as a record keeps it: `hostId`, not `id`, is the stored field's name. */
export interface Endpoint extends Pick<Host, "label" | "uri"> {
    hostId: string;
}

/** What a record keeps of the migration's options: the dialog's choices and the VM's state before. */
export type RecordedOptions = MigrationOptions & {
    wasRunning?: boolean;
    wasPersistent?: boolean;
    wasAutostart?: boolean;
    /** The source's autostart was turned off before a Temporary migration (turned back on after a failure). */
    sourceAutostartDisabled?: boolean;
};

export interface MigrationRecord {
    id: string;
    /** The VM's name, for display. */
    domain: string;
    /** The VM's UUID: what every command on it addresses. Absent only in records of older versions. */
    uuid?: DomainUuid;
    source: Endpoint;
    destination: Endpoint;
    /** The exact argv that ran. */
    argv: string[];
    /** The dialog's choices, and the VM's state before, as JSON. */
    options: RecordedOptions;
    user: string | null;
    startedAt: number;
    endedAt?: number;
    jobDir: string;
    outcome: Outcome;
    /** libvirt's own message when it failed. */
    message?: string;
    /** Why it failed and what to do, in words. */
    explanation?: { title: string; fix: string };
    summary?: { durationMs: number | null; dataBytes: number | null; downtimeMs: number | null };
    /**
     * Post-copy failed and libvirt can resume it: the `virsh migrate --postcopy-resume` to run once the link is back.
     */
    postcopyResume?: string[];
    /** What was done about autostart (carried over, turned off on the source, turned back on), in words. */
    autostart?: { ok: boolean; text: string };
    /** The maximum downtime the job sets once libvirt runs the migration; applied: null until it said. */
    maxDowntime?: { ms: number; applied: boolean | null; message?: string };
    /** The guest's dirty rate as the pre-flight measured it before the start, MiB/s. */
    dirtyMiBs?: number;
    /** The convergence policy: its schedule (each step's argv) and, once ended, the steps the job took. */
    autopilot?: AutopilotRecord;
    /** Where the domain is after the end, from libvirt on both hosts. */
    verification?: { ok: boolean; where: string; problems: string[] };
    /** A cold move: the files its job carries (their sizes give its progress) and every command it runs. */
    coldMove?: { files: CarriedFile[]; commands: string[][] };
    /** The Cockpit logins ("" for an unknown one) that dismissed this result: the page no longer shows it them. */
    dismissedBy?: string[];
}

export interface History {
    version: 1;
    records: MigrationRecord[];
    /** Entries of the file this version does not understand: not shown, written back unchanged. */
    unread?: unknown[];
}

/**
 * The history in the file. Content that is not a history (not JSON, no records list) throws an
 * UnreadableFileError: read as empty, it would be replaced by the next migration's record, and the
 * one-migration-per-VM guard would pass meanwhile.
 */
export function parseHistory(text: string | null): History {
    if (text === null || text.trim() === "") return { version: 1, records: [] };
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new UnreadableFileError(HISTORY_PATH, "not-json", format(_("not valid JSON: $0"), (e as Error).message));
    }
    const list = typeof raw === "object" && raw !== null ? (raw as { records?: unknown }).records : undefined;
    if (!Array.isArray(list)) throw new UnreadableFileError(HISTORY_PATH, "wrong-shape", _('no "records" list'));
    const unread = list.filter((r) => !isRecord(r));
    return { version: 1, records: list.filter(isRecord), ...(unread.length ? { unread } : {}) };
}

function isRecord(r: unknown): r is MigrationRecord {
    const o = r as Partial<MigrationRecord>;
    return (
        typeof o === "object" &&
        o !== null &&
        typeof o.id === "string" &&
        typeof o.domain === "string" &&
        typeof o.jobDir === "string" &&
        typeof o.source?.uri === "string" &&
        typeof o.destination?.uri === "string" &&
        (o.uuid === undefined || (typeof o.uuid === "string" && parseDomainUuid(o.uuid) === o.uuid))
    );
}

export function newRecordId(now: number, random: () => number = Math.random): string {
    return `${now.toString(36).padStart(9, "0")}-${Math.floor(random() * 36 ** 6)
        .toString(36)
        .padStart(6, "0")}`;
}

/** The running migration of this domain from this source, if any: a second one is refused. */
export function activeMigration(history: History, sourceUri: string, domain: DomainRef): MigrationRecord | null {
    const same = (r: MigrationRecord) => (r.uuid !== undefined ? r.uuid === domain.uuid : r.domain === domain.name);
    return history.records.find((r) => r.outcome === "running" && same(r) && r.source.uri === sourceUri) ?? null;
}

/** The UUID a record's commands address; records of older versions have none and cannot be controlled. */
export function recordUuid(r: MigrationRecord): DomainUuid {
    if (r.uuid === undefined)
        throw new Error(
            format(_("The record of $0's migration predates UUIDs: use virsh to control or check it"), r.domain),
        );
    return r.uuid;
}

export class HistoryConflictError extends Error {
    readonly record: MigrationRecord;
    constructor(record: MigrationRecord) {
        super(
            format(
                _("$0 is already being migrated to $1 (started $2)"),
                record.domain,
                record.destination.label,
                new Date(record.startedAt).toLocaleString(),
            ),
        );
        this.name = "HistoryConflictError";
        this.record = record;
    }
}

async function change(store: FileStore, f: (h: History) => History): Promise<History> {
    let result: History = { version: 1, records: [] };
    await modifyFile(
        store,
        HISTORY_PATH,
        (content) => {
            const before = parseHistory(content);
            result = f(before);
            result.records = result.records.slice(-KEEP);
            const unread = result.unread ?? before.unread;
            return JSON.stringify({ version: 1, records: [...(unread ?? []), ...result.records] }, null, 1) + "\n";
        },
        3,
    );
    return result;
}

export function readHistory(store: FileStore): Promise<History> {
    return store.read(HISTORY_PATH).then((r) => parseHistory(r.content));
}

/** Adds a running record, atomically refusing when the domain already has a running migration. */
export function addRecord(store: FileStore, record: MigrationRecord): Promise<History> {
    return change(store, (h) => {
        const active = activeMigration(h, record.source.uri, {
            uuid: record.uuid ?? ("" as DomainUuid),
            name: record.domain,
        });
        if (active) throw new HistoryConflictError(active);
        return { version: 1, records: [...h.records, record] };
    });
}

export function updateRecord(store: FileStore, id: string, patch: Partial<MigrationRecord>): Promise<History> {
    return change(store, (h) => ({
        version: 1,
        records: h.records.map((r) => (r.id === id ? { ...r, ...patch } : r)),
    }));
}

/**
 * Ends a running record with `patch`, as read at the write: a record another page or the plan has
 * already ended is not overwritten (after its job directory was removed, a second reader would see
 * the job as lost). Returns the record as stored.
 */
export async function finishRecord(
    store: FileStore,
    id: string,
    patch: Partial<MigrationRecord>,
): Promise<MigrationRecord | null> {
    let stored: MigrationRecord | null = null;
    await change(store, (h) => ({
        version: 1,
        records: h.records.map((r) => (r.id !== id ? r : (stored = r.outcome === "running" ? { ...r, ...patch } : r))),
    }));
    return stored;
}

/**
 * Records that `user` dismissed the result of record `id`, read and written at once (a dismissal by
 * another admin at the same time is kept).
 */
export async function dismissRecord(store: FileStore, id: string, user: string | null): Promise<void> {
    await change(store, (h) => ({
        version: 1,
        records: h.records.map((r) =>
            r.id === id ? { ...r, dismissedBy: [...dismissers(r).filter((u) => u !== (user ?? "")), user ?? ""] } : r,
        ),
    }));
}

/** Who dismissed a record's result; a field of another shape (a hand edit) counts as nobody. */
export function dismissers(r: MigrationRecord): string[] {
    return Array.isArray(r.dismissedBy) ? r.dismissedBy.filter((u) => typeof u === "string") : [];
}
