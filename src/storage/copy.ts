/**
 * Copying a disk image from the source host to the storage host: streamed through this host
 * (`cat` on the source | dd here for progress | dd on the storage host into a ".part" file),
 * detached so that it survives a page reload, then verified by SHA-256 on both ends, and only
 * then renamed into place. An existing file is never replaced without the explicit choice.
 */
import { detachedArgv, readJob } from "../../pkg/lib/detach";
import { onTarget } from "../../pkg/lib/ssh";
import { progressPipeArgv } from "../../pkg/lib/pipe";
import { isRunError, type RunTarget, type Runner } from "../../pkg/lib/runner";
import { exists, moveIntoPlace, removeFile, sha256, statSize } from "./argv";
import type { NfsHost } from "./types";
import { _, format } from "../../pkg/lib/gettext";

export const partPath = (dest: string) => `${dest}.cockpit-migrate-part`;

export function copyPipeline(source: NfsHost, sourcePath: string, storage: NfsHost, part: string): string[] {
    const reader = onTarget(source.target, ["cat", "--", sourcePath]);
    const writer = onTarget(storage.target, [
        "dd",
        `of=${part}`,
        "bs=4M",
        "iflag=fullblock",
        "conv=excl,sparse",
        "status=none",
    ]);
    return progressPipeArgv(reader, writer);
}

export interface CopyProgress {
    bytes: number;
    seconds: number;
    rate: string | null;
}

/** The last `dd status=progress` report ("N bytes (…) copied, S s, R MB/s"), lines split by CR or LF. */
export function parseDdProgress(stderr: string): CopyProgress | null {
    const reports = stderr
        .split(/[\r\n]+/)
        .map((l) => /^(\d+) bytes\b.*copied, ([\d.,]+) s, (.+)$/.exec(l.trim()))
        .filter((m) => m !== null);
    const m = reports[reports.length - 1];
    return m ? { bytes: Number(m[1]), seconds: Number(m[2]!.replace(",", ".")), rate: m[3]!.trim() } : null;
}

/** stderr without dd's progress and record counts: what went wrong, if anything did. */
export function copyErrors(stderr: string): string {
    return stderr
        .split(/[\r\n]+/)
        .map((l) => l.trim())
        .filter((l) => l && !/^\d+ bytes\b.*copied/.test(l) && !/^\d+\+\d+ records (in|out)$/.test(l))
        .join("\n");
}

export class CopyError extends Error {
    constructor(
        message: string,
        readonly fix: string,
    ) {
        super(message);
        this.name = "CopyError";
    }
}

export interface CopyRequest {
    source: NfsHost;
    sourcePath: string;
    storage: NfsHost;
    dest: string;
    overwrite: boolean;
    /** Where a new copy job records itself. */
    jobDir: string;
    /**
     * The job of an earlier run of this copy: followed instead of a second pipeline over its .part file, unless it is
     * lost.
     */
    attach?: string | undefined;
    /** Told the job directory once a new copy job has started (before it is polled), so that a later run can attach. */
    onJob?: ((jobDir: string) => Promise<void>) | undefined;
}
export interface CopyResult {
    sha256: string;
    copied: boolean;
    commands: string[][];
}

const firstWord = (s: string) => s.trim().split(/\s+/)[0] ?? "";

async function fileExists(runner: Runner, target: RunTarget, path: string): Promise<boolean> {
    try {
        await runner.run(target, exists(path));
        return true;
    } catch (e) {
        if (isRunError(e) && e.cause === "exit-status" && e.exitStatus === 1) return false;
        throw e;
    }
}

/** Starts a new copy job, or returns the result when an identical file is already in place. */
async function startCopy(
    runner: Runner,
    r: CopyRequest,
    pipeline: string[],
    total: number,
    onProgress: (p: CopyProgress & { total: number }) => void,
): Promise<Omit<CopyResult, "commands"> | null> {
    if (await fileExists(runner, r.storage.target, r.dest)) {
        const [a, b] = await Promise.all([
            runner.run(r.source.target, sha256(r.sourcePath)),
            runner.run(r.storage.target, sha256(r.dest)),
        ]);
        if (firstWord(a) === firstWord(b)) {
            onProgress({ bytes: total, seconds: 0, rate: null, total });
            return { sha256: firstWord(a), copied: false };
        }
        if (!r.overwrite)
            throw new CopyError(
                format(_("$0 already exists on $1 and differs from $2"), r.dest, r.storage.label, r.sourcePath),
                _(
                    'It was left alone. Choose "Replace different files of the same name" to overwrite it, or another export directory.',
                ),
            );
    }
    await runner.run(r.storage.target, removeFile(partPath(r.dest)));
    await runner.run({ kind: "local" }, detachedArgv(r.jobDir, pipeline));
    await r.onJob?.(r.jobDir);
    return null;
}

export async function copyImage(
    runner: Runner,
    r: CopyRequest,
    onProgress: (p: CopyProgress & { total: number }) => void,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((res) => setTimeout(res, ms)),
): Promise<CopyResult> {
    const part = partPath(r.dest);
    const pipeline = copyPipeline(r.source, r.sourcePath, r.storage, part);
    const commands = [
        statSize(r.sourcePath),
        exists(r.dest),
        removeFile(part),
        pipeline,
        sha256(r.sourcePath),
        sha256(part),
        moveIntoPlace(part, r.dest, r.overwrite),
    ];
    const total = Number(await runner.run(r.source.target, statSize(r.sourcePath)));
    // a copy started by an earlier run (a closed dialog, a reload) that is still running or has
    // ended is followed to its end; only a lost one (killed, host restarted) is started again
    const earlier = r.attach ? await readJob(runner, r.attach).catch(() => null) : null;
    const jobDir = earlier && !earlier.lost ? r.attach! : r.jobDir;
    if (jobDir === r.jobDir) {
        const reused = await startCopy(runner, r, pipeline, total, onProgress);
        if (reused) return { ...reused, commands };
    }
    for (;;) {
        await sleep(1000);
        const job = await readJob(runner, jobDir);
        const p = parseDdProgress(job.stderr);
        if (p) onProgress({ ...p, total });
        if (job.lost)
            throw new CopyError(
                _("The copy stopped without an exit status (killed, or the host restarted)"),
                _("Run the step again: it starts the copy over."),
            );
        if (job.exitStatus === null) continue;
        await runner.run({ kind: "local" }, ["rm", "-rf", "--", jobDir]).catch(() => undefined);
        if (job.exitStatus !== 0) {
            await runner.run(r.storage.target, removeFile(part)).catch(() => undefined);
            throw new CopyError(
                format(
                    _("Copying $0 to $1 failed: $2"),
                    r.sourcePath,
                    r.storage.label,
                    copyErrors(job.stderr) || format(_("exit status $0"), job.exitStatus),
                ),
                _("Fix the cause and run the step again."),
            );
        }
        break;
    }
    const [a, b] = await Promise.all([
        runner.run(r.source.target, sha256(r.sourcePath)),
        runner.run(r.storage.target, sha256(part)),
    ]);
    if (firstWord(a) !== firstWord(b)) {
        await runner.run(r.storage.target, removeFile(part)).catch(() => undefined);
        throw new CopyError(
            format(
                _("The copy of $0 does not match the original (SHA-256 $1 ≠ $2)"),
                r.sourcePath,
                firstWord(b),
                firstWord(a),
            ),
            _("The partial copy was removed. Run the step again."),
        );
    }
    await runner.run(r.storage.target, moveIntoPlace(part, r.dest, r.overwrite));
    if (await fileExists(runner, r.storage.target, part))
        throw new CopyError(
            format(_("$0 appeared on $1 during the copy and was not replaced"), r.dest, r.storage.label),
            format(_("The verified copy is kept as $0."), part),
        );
    return { sha256: firstWord(a), copied: true, commands };
}
