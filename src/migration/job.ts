/**
 * A migration as a job: started detached (it survives closing or reloading the page), recorded in
 * the history, polled through domjobinfo on the source, and verified on both hosts when it ends.
 */
import { errorText } from "../../pkg/lib/error-text";
import { LOCAL, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { isRunError } from "../../pkg/lib/runner";
import { detachedArgv, readJob, type JobStatus } from "../../pkg/lib/detach";
import type { FileStore } from "../../pkg/lib/filestore";
import {
    addRecord,
    JOBS_DIR,
    newRecordId,
    recordUuid,
    updateRecord,
    type Endpoint,
    type MigrationRecord,
} from "../history/records";
import { dominfo, domstate } from "../virsh/argv";
import { coldMoveArgv, coldMoveCancelArgv, coldMoveCommands, coldMoveJob, readCarried } from "../coldmove/job";
import * as vm from "../virsh/migrate";
import type { DomainRef, DomainState, DomainUuid } from "../domains/types";
import { downtimeOutcome, withMaxDowntime } from "./downtime";
import { autopilotRecord, parseSteps, withAutopilot } from "./autopilot";
import type { PolicyChoice, Schedule } from "./policies";
import { explainMigrationError } from "./errors";
import { _, format } from "../../pkg/lib/gettext";
import { migrationSummary, parseJobInfo, type JobStats } from "./jobinfo";
import { isColdMove, type MigrationOptions } from "./options";
import { recordOutcome, type Finished } from "./outcome";
import { markStep } from "./marks";
import { verifyAfterFailure, verifyMigration, type Presence } from "./verify";
import { AutostartRefused, autostartAfterEnd, autostartBeforeStart } from "./autostart";
import {
    parseStateReason,
    postcopyFailed,
    postcopyResumable,
    postcopyResumeArgv,
    postcopyVerdict,
    type StateReason,
} from "./postcopy-failure";

/** Failures in which the source never connected to the destination's libvirt. */
const NEVER_CONNECTED = new Set(["host-key", "ssh-auth", "unknown-host", "connection-refused", "libvirtd-down"]);

export interface Deps {
    runner: Runner;
    files: FileStore;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
}

export interface StartRequest {
    domain: DomainRef;
    source: Endpoint;
    destination: Endpoint;
    options: MigrationOptions;
    argv: string[];
    wasRunning: boolean;
    /**
     * Whether the source had a persistent definition. A transient VM has none to keep: after a
     * Temporary migration it is gone from the source, which is then the expected result.
     */
    wasPersistent: boolean;
    /** Whether the VM starts at boot on the source (`virsh list --autostart`). */
    wasAutostart: boolean;
    user: string | null;
    /** The convergence policy and its schedule (./policies.ts); none: today's behaviour. */
    policy?: { choice: PolicyChoice; schedule: Schedule } | null | undefined;
    /** The dirty rate the pre-flight measured before the start, MiB/s. */
    dirtyMiBs?: number | undefined;
    /** A cold move (offline + copy disks): where each host's own commands run; the copy goes from one to the other. */
    coldMove?: { source: RunTarget | null; destination: RunTarget | null } | undefined;
}

/**
 * A cold move's job: the files read on the source now (what the pre-flight listed may have changed), then one job
 * that carries them and moves the definition (src/coldmove/job.ts). Throws, before anything is recorded, when a host
 * has no shell to copy with or a file cannot be read.
 */
async function coldMoveStart(
    deps: Deps,
    req: StartRequest,
    jobDir: string,
): Promise<NonNullable<MigrationRecord["coldMove"]> & { argv: string[] }> {
    const source = req.coldMove?.source;
    const destination = req.coldMove?.destination;
    if (!source || !destination)
        throw new Error(_("The disks cannot be carried: no shell on one of the hosts to copy them with"));
    const carried = await readCarried(deps.runner, req.source.uri, req.domain.uuid, source);
    const problem = carried.problems[0];
    if (problem) throw new Error(format(_("$0 cannot be read on the source: $1"), problem.path, problem.message));
    const job = coldMoveJob(
        { source, destination, destinationUri: req.destination.uri },
        req.domain.uuid,
        carried.files,
        req.argv,
        req.options,
    );
    return { files: carried.files, commands: coldMoveCommands(job), argv: coldMoveArgv(job, jobDir) };
}

/**
 * Records the migration (refusing a second one of the same VM), then starts `virsh migrate`
 * detached; a live migration's maximum downtime is set by that same job (src/migration/downtime.ts).
 */
export async function startMigration(deps: Deps, req: StartRequest): Promise<MigrationRecord> {
    const now = (deps.now ?? Date.now)();
    const id = newRecordId(now);
    markStep("start requested", id);
    const jobDir = `${JOBS_DIR}/${id}`;
    const downtimeMs = req.options.mode === "live" ? req.options.maxDowntimeMs : undefined;
    const cold = isColdMove(req.options) ? await coldMoveStart(deps, req, jobDir) : null;
    const inner =
        downtimeMs === undefined
            ? req.argv
            : withMaxDowntime(jobDir, vm.migrateSetMaxDowntime(req.source.uri, req.domain.uuid, downtimeMs), req.argv);
    // a live migration's job samples its statistics (the chart, the verdict) and takes the policy's steps
    const live = req.options.mode === "live";
    const policy = live ? (req.policy ?? null) : null;
    const jobArgv = cold
        ? cold.argv
        : live
          ? withAutopilot(jobDir, inner, req.source.uri, req.domain.uuid, policy?.schedule.steps ?? [])
          : inner;
    const record: MigrationRecord = {
        id,
        domain: req.domain.name,
        uuid: req.domain.uuid,
        source: req.source,
        destination: req.destination,
        argv: req.argv,
        options: {
            ...req.options,
            wasRunning: req.wasRunning,
            wasPersistent: req.wasPersistent,
            wasAutostart: req.wasAutostart,
        },
        user: req.user,
        startedAt: now,
        jobDir,
        outcome: "running",
        ...(downtimeMs === undefined ? {} : { maxDowntime: { ms: downtimeMs, applied: null } }),
        ...(req.dirtyMiBs !== undefined ? { dirtyMiBs: req.dirtyMiBs } : {}),
        ...(policy
            ? { autopilot: autopilotRecord(policy.choice, policy.schedule, req.source.uri, req.domain.uuid) }
            : {}),
        ...(cold ? { coldMove: { files: cold.files, commands: cold.commands } } : {}),
    };
    // refused before anything is recorded: nothing has happened
    if (req.options.duration === "temporary" && req.wasAutostart && !req.options.disableSourceAutostart)
        throw new AutostartRefused(req.domain.name);
    await addRecord(deps.files, record);
    markStep("history written", id);
    try {
        if (await autostartBeforeStart(deps.runner, req.options, req.source.uri, req.domain, req.wasAutostart)) {
            record.options = { ...record.options, sourceAutostartDisabled: true };
            await updateRecord(deps.files, id, { options: record.options });
        }
        await deps.runner.run(LOCAL, detachedArgv(record.jobDir, jobArgv));
        markStep("job started", id);
    } catch (e) {
        const message = errorText(e, { stderr: true });
        await updateRecord(deps.files, id, { outcome: "failed", endedAt: (deps.now ?? Date.now)(), message });
        throw e;
    }
    return record;
}

export async function jobStats(runner: Runner, record: MigrationRecord): Promise<JobStats> {
    return parseJobInfo(
        await runner.run(LOCAL, vm.domjobinfo(record.source.uri, recordUuid(record)), { timeoutMs: 20_000 }),
    );
}

export interface Poll {
    job: JobStatus;
    stats: JobStats | null;
}

/** The job's status, and (when `withStats`) its statistics from the source. */
export async function pollMigration(runner: Runner, record: MigrationRecord, withStats = true): Promise<Poll> {
    const [job, stats] = await Promise.all([
        readJob(runner, record.jobDir),
        withStats ? jobStats(runner, record).catch(() => null) : Promise.resolve(null),
    ]);
    return { job, stats };
}

/**
 * Whether a polled job has ended. A job directory with neither a live process nor a status is
 * "lost" (killed, host restarted), but only once the start is a few seconds old: right after the
 * start the detached process may not have written its pid yet.
 */
export function jobEnded(job: JobStatus, record: Pick<MigrationRecord, "startedAt">, now: number): boolean {
    return job.exitStatus !== null || (job.lost && now - record.startedAt > 5000);
}

/** State and persistence of a domain on a host; null when it is not there. Connection errors throw. */
export async function domainPresence(runner: Runner, uri: string, domain: DomainUuid): Promise<Presence | null> {
    let out: string;
    try {
        out = await runner.run(LOCAL, dominfo(uri, domain), { timeoutMs: 30_000 });
    } catch (e) {
        if (isRunError(e) && /Domain not found|failed to get domain/i.test(e.stderr || e.message)) return null;
        throw e;
    }
    const state = (/^State:\s+(.*)$/m.exec(out)?.[1] ?? "").trim();
    const persistent = /^Persistent:\s+yes/m.test(out);
    return { state: stateFromText(state), persistent };
}

function stateFromText(s: string): DomainState {
    switch (s) {
        case "running":
            return "running";
        case "idle":
        case "blocked":
            return "blocked";
        case "paused":
            return "paused";
        case "in shutdown":
            return "shutdown";
        case "shut off":
            return "shutoff";
        case "crashed":
            return "crashed";
        case "pmsuspended":
            return "pmsuspended";
        default:
            return "nostate";
    }
}

/**
 * `domstate --reason` of the record's domain on a host; null when it is not there, libvirt does not answer, or the
 * record has no UUID.
 */
async function stateReason(runner: Runner, uri: string, record: MigrationRecord): Promise<StateReason | null> {
    try {
        return parseStateReason(await runner.run(LOCAL, domstate(uri, recordUuid(record)), { timeoutMs: 30_000 }));
    } catch {
        return null;
    }
}

/** Ends a record whose job has ended: outcome, explanation, summary, and the check on both hosts. */
export async function finishMigration(
    deps: Deps,
    record: MigrationRecord,
    job: JobStatus,
    last: JobStats | null,
): Promise<Finished> {
    const endedAt = (deps.now ?? Date.now)();
    markStep("end learned", record.id);
    const o = record.options;
    const succeeded = job.exitStatus === 0;
    // our own words for a lost job are translated: they are the message, never matched against libvirt's
    const failure = succeeded
        ? null
        : job.stderr
          ? explainMigrationError(job.stderr)
          : {
                ...explainMigrationError(""),
                message: job.lost
                    ? _("The migration process ended without a status (killed, or the host restarted)")
                    : "",
            };
    const names = { source: record.source.label, destination: record.destination.label };
    const ask = async (uri: string) => domainPresence(deps.runner, uri, recordUuid(record)).catch(() => undefined);
    const asked = <T>(step: string, p: Promise<T>) => p.finally(() => markStep(step, record.id));
    const completedJob = (uri: string, keep: boolean) =>
        (async () => deps.runner.run(LOCAL, vm.domjobinfo(uri, recordUuid(record), true, keep)))()
            .then(parseJobInfo)
            .catch(() => null);
    const answers = await Promise.all([
        // read without --keep-completed: an older outgoing migration read by its own finish is not seen again
        asked("job read on the source", completedJob(record.source.uri, false)),
        // only a migration that succeeded can have left its incoming job there; kept for whoever reads it next
        succeeded
            ? asked("job read on the destination", completedJob(record.destination.uri, true))
            : Promise.resolve(null),
        asked("asked the source", ask(record.source.uri)),
        asked("asked the destination", ask(record.destination.uri)),
    ]);
    const [completedOut, completedIn] = answers;
    // the steps the policy took, noted by the job (none when it had no policy)
    const taken = record.autopilot
        ? parseSteps(await deps.runner.run(LOCAL, ["cat", "--", `${record.jobDir}/steps`]).catch(() => ""))
        : null;
    let [, , src, dstAsked] = answers;
    // a libvirtd that just restarted (the very fault that ended the job) answers again within seconds
    const sleep = deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    for (
        let i = 0;
        i < 5 && (src === undefined || (dstAsked === undefined && !(failure && NEVER_CONNECTED.has(failure.cause))));
        i++
    ) {
        await sleep(2000);
        if (src === undefined) src = await ask(record.source.uri);
        if (dstAsked === undefined) dstAsked = await ask(record.destination.uri);
    }
    // When the connection to the destination itself failed, nothing can have reached it.
    const dst = dstAsked === undefined && failure && NEVER_CONNECTED.has(failure.cause) ? null : dstAsked;
    let verification: MigrationRecord["verification"];
    // only a post-copy migration can fail half-way through the switch: ask libvirt for the reasons
    const reasons =
        !succeeded && o.postcopy
            ? await Promise.all([
                  stateReason(deps.runner, record.source.uri, record),
                  stateReason(deps.runner, record.destination.uri, record),
              ])
            : null;
    const split =
        reasons !== null && postcopyFailed(reasons[0], reasons[1])
            ? postcopyVerdict(reasons[0], reasons[1], names)
            : null;
    if (split) {
        verification = { ok: false, where: split.where, problems: split.problems };
    } else if (src === undefined || dst === undefined) {
        verification = {
            ok: false,
            where: _("Unknown"),
            problems: [
                format(
                    _("Could not ask libvirt on $0 where the VM is."),
                    src === undefined ? names.source : names.destination,
                ),
            ],
        };
    } else {
        const v = succeeded
            ? verifyMigration({ ...o, wasPersistent: o.wasPersistent ?? true }, src, dst, names)
            : verifyAfterFailure(src, dst, names, o.wasRunning ?? o.mode === "live");
        verification = { ok: v.ok, where: v.where, problems: v.problems };
    }
    // with the guest split, nothing is turned on anywhere: the VM is not back on the source
    const note =
        src === undefined || dst === undefined || split
            ? null
            : await autostartAfterEnd(deps.runner, record, succeeded, src !== null, dst !== null);
    const patch: Partial<MigrationRecord> = {
        endedAt,
        ...(note ? { autostart: { ok: note.ok, text: note.text } } : {}),
        outcome: succeeded ? "completed" : failure?.cause === "cancelled" ? "cancelled" : job.lost ? "lost" : "failed",
        summary: migrationSummary({ out: completedOut, in: completedIn }, last, endedAt - record.startedAt, succeeded),
        verification,
        ...(failure
            ? {
                  message: failure.message,
                  explanation: split
                      ? { title: split.title, fix: split.fix }
                      : { title: failure.title, fix: failure.fix },
              }
            : {}),
        ...(split && reasons && postcopyResumable(reasons[1]) ? { postcopyResume: postcopyResumeArgv(record) } : {}),
        ...(record.autopilot && taken ? { autopilot: { ...record.autopilot, taken } } : {}),
        ...(record.maxDowntime ? { maxDowntime: { ms: record.maxDowntime.ms, ...downtimeOutcome(job) } } : {}),
    };
    markStep("verified", record.id);
    return recordOutcome(deps, { ...record, ...patch }, patch);
}

/** The live controls, each the argv it runs (for "show the command") and the run. */
export const controls = {
    // a cold move is this host's job until the definition moves: its shell ends the copy and undoes it
    abort: (r: MigrationRecord) =>
        r.coldMove ? coldMoveCancelArgv(r.jobDir) : vm.domjobabort(r.source.uri, recordUuid(r)),
    postcopy: (r: MigrationRecord) => vm.migratePostcopy(r.source.uri, recordUuid(r)),
    maxDowntime: (r: MigrationRecord, ms: number) => vm.migrateSetMaxDowntime(r.source.uri, recordUuid(r), ms),
    speed: (r: MigrationRecord, mibs: number) => vm.migrateSetSpeed(r.source.uri, recordUuid(r), mibs),
};

export function runControl(runner: Runner, argv: string[]): Promise<string> {
    return runner.run(LOCAL, argv, { timeoutMs: 30_000 });
}
