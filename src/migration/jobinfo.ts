/** `virsh domjobinfo --rawstats`: the typed job statistics, and progress derived from them. */

/** virDomainJobType */
export type JobType = "none" | "bounded" | "unbounded" | "completed" | "failed" | "cancelled";
const JOB_TYPES: JobType[] = ["none", "bounded", "unbounded", "completed", "failed", "cancelled"];

/** virDomainJobOperation */
export type JobOperation =
    | "unknown"
    | "start"
    | "save"
    | "restore"
    | "migration-in"
    | "migration-out"
    | "snapshot"
    | "snapshot-revert"
    | "dump"
    | "backup"
    | "snapshot-delete";
const OPERATIONS: JobOperation[] = [
    "unknown",
    "start",
    "save",
    "restore",
    "migration-in",
    "migration-out",
    "snapshot",
    "snapshot-revert",
    "dump",
    "backup",
    "snapshot-delete",
];

export interface JobStats {
    type: JobType;
    operation: JobOperation | null;
    timeElapsedMs: number | null;
    dataTotal: number | null;
    dataProcessed: number | null;
    dataRemaining: number | null;
    memoryTotal: number | null;
    memoryProcessed: number | null;
    memoryRemaining: number | null;
    /** bytes per second */
    memoryBps: number | null;
    /** pages per second */
    dirtyRate: number | null;
    pageSize: number | null;
    iteration: number | null;
    postcopyRequests: number | null;
    diskTotal: number | null;
    diskProcessed: number | null;
    diskRemaining: number | null;
    diskBps: number | null;
    /** expected downtime while running; the real one in completed stats */
    downtimeMs: number | null;
    setupTimeMs: number | null;
    raw: Record<string, string>;
}

export function parseJobInfo(out: string): JobStats {
    const raw: Record<string, string> = {};
    let typeNumber: number | null = null;
    for (const line of out.split("\n")) {
        const head = /^Job type:\s*(\S+)/.exec(line);
        if (head) {
            typeNumber = /^\d+$/.test(head[1]!)
                ? Number(head[1])
                : JOB_TYPES.indexOf(head[1]!.toLowerCase() as JobType);
            continue;
        }
        const m = /^([a-z_.]+):\s*(.*?)\s*$/.exec(line);
        if (m) raw[m[1]!] = m[2]!;
    }
    const n = (k: string): number | null => {
        const v = raw[k];
        return v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
    };
    const op = n("operation");
    return {
        type: typeNumber !== null && typeNumber >= 0 ? (JOB_TYPES[typeNumber] ?? "none") : "none",
        operation: op === null ? null : (OPERATIONS[op] ?? "unknown"),
        timeElapsedMs: n("time_elapsed"),
        dataTotal: n("data_total"),
        dataProcessed: n("data_processed"),
        dataRemaining: n("data_remaining"),
        memoryTotal: n("memory_total"),
        memoryProcessed: n("memory_processed"),
        memoryRemaining: n("memory_remaining"),
        memoryBps: n("memory_bps"),
        dirtyRate: n("memory_dirty_rate"),
        pageSize: n("memory_page_size"),
        iteration: n("memory_iteration"),
        postcopyRequests: n("memory_postcopy_requests"),
        diskTotal: n("disk_total"),
        diskProcessed: n("disk_processed"),
        diskRemaining: n("disk_remaining"),
        diskBps: n("disk_bps"),
        downtimeMs: n("downtime"),
        setupTimeMs: n("setup_time"),
        raw,
    };
}

/**
 * Whether `domjobinfo --completed` stats are this migration's own. They are the domain's last
 * completed job, whatever it was: when this migration failed before libvirt began a job, they are
 * an older one, typically the incoming migration that brought the VM to this host. So they count
 * only when they are a completed outgoing migration that fits inside this migration's time window
 * (started no earlier than it; job stats carry no start time, only the elapsed time). Reading them
 * without --keep-completed also discards them, so an older outgoing migration read by its own
 * finish is not seen again.
 */
export function isThisMigrationOut(s: JobStats | null, windowMs: number): s is JobStats {
    return (
        s !== null &&
        s.type === "completed" &&
        s.operation === "migration-out" &&
        s.timeElapsedMs !== null &&
        s.timeElapsedMs <= windowMs
    );
}

/**
 * Whether the destination's `domjobinfo --completed` stats are this migration's incoming job. A
 * migration that undefines the source (Permanent) leaves no domain there to ask: libvirt then keeps
 * the completed job on the destination, as an incoming migration with the source's figures (time
 * elapsed, data, downtime; seen on the lab, libvirt 9.0). Only a migration that succeeded counts:
 * after a failure the destination's last completed job is an older one, if any.
 */
export function isThisMigrationIn(s: JobStats | null, windowMs: number): s is JobStats {
    return (
        s !== null &&
        s.type === "completed" &&
        s.operation === "migration-in" &&
        s.timeElapsedMs !== null &&
        s.timeElapsedMs <= windowMs
    );
}

/** What a finished migration's record keeps of its figures; null where it is not known. */
export interface Summary {
    durationMs: number | null;
    dataBytes: number | null;
    downtimeMs: number | null;
}

/**
 * The summary of a finished migration: from its own completed job (outgoing on the source, or
 * incoming on the destination once the source's domain is gone), else what the last running sample
 * said (data sent so far, when the job had begun sending: a sample with no total yet is the set-up,
 * not "0 B"), and the duration the page measured.
 */
export function migrationSummary(
    completed: { out: JobStats | null; in: JobStats | null },
    last: JobStats | null,
    windowMs: number,
    succeeded: boolean,
): Summary {
    const own = isThisMigrationOut(completed.out, windowMs)
        ? completed.out
        : succeeded && isThisMigrationIn(completed.in, windowMs)
          ? completed.in
          : null;
    if (own) return { durationMs: own.timeElapsedMs, dataBytes: own.dataProcessed, downtimeMs: own.downtimeMs };
    const sent = last !== null && (last.dataTotal ?? 0) > 0 ? last.dataProcessed : null;
    return { durationMs: windowMs, dataBytes: sent, downtimeMs: null };
}

export interface Progress {
    /** 0..100 of the data known so far */
    percent: number | null;
    mibPerSecond: number | null;
    dirtyMiBPerSecond: number | null;
    etaSeconds: number | null;
}

/**
 * Progress from one sample of a running job (the phase is decided in ./progress-view.ts). The ETA is
 * remaining / bandwidth, stretched by the dirty rate (pages re-dirtied while copying must be sent
 * again); null when the dirty rate outruns the bandwidth (it would never converge without
 * auto-converge or post-copy).
 */
export function progress(s: JobStats): Progress {
    const total = s.dataTotal,
        done = s.dataProcessed,
        remaining = s.dataRemaining;
    const percent =
        total && total > 0 && remaining !== null
            ? Math.max(0, Math.min(100, (100 * (total - remaining)) / total))
            : total && done !== null
              ? Math.min(100, (100 * done) / total)
              : null;
    const bps = (s.memoryBps ?? 0) + (s.diskBps ?? 0);
    const dirtyBps = s.dirtyRate !== null && s.pageSize ? s.dirtyRate * s.pageSize : 0;
    let eta: number | null = null;
    if (remaining !== null && bps > 0) eta = dirtyBps < bps ? remaining / (bps - dirtyBps) : null;
    return {
        percent,
        mibPerSecond: bps > 0 ? bps / 1048576 : null,
        dirtyMiBPerSecond: s.dirtyRate !== null && s.pageSize ? dirtyBps / 1048576 : null,
        etaSeconds: eta,
    };
}
