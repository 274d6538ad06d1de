/**
 * Commands that must outlive the page (a migration must not stop when the browser tab closes or
 * reloads): started in their own session with `setsid --fork`, output and exit status written
 * into a job directory, which any later page can read.
 *
 * The job holds a lock on "$dir/lock" (flock(2)) for as long as its shell lives, taken before it
 * writes its pid: the kernel releases it the moment that shell exits, after it wrote the status, or
 * when it is killed. A page that waits for the lock (`waitJobArgv`) learns the end at once instead
 * of at its next poll, and so does a page that comes back after a reload. The command itself does
 * not inherit the lock (a process it leaves behind cannot hold it). Where `flock` is missing or the
 * lock cannot be made, the job runs without one and pages poll, as before.
 *
 * The shell scripts below are constants: the job directory and the argv reach them as positional
 * parameters ("$1", "$@"), never spliced into the script text.
 */
import { checkArgv, isRunError, RunError, type Runner } from "./runner";
import { _ } from "./gettext";

const SCRIPT = [
    "exec < /dev/null > /dev/null 2>&1", // let the starter's pipes close at once
    "dir=$1; shift",
    'mkdir -p -m 700 -- "$dir" || exit 1',
    // the lock on descriptor 9, before the pid (a failed redirection of exec would end the shell: tested first)
    'if command -v flock > /dev/null && { true >> "$dir/lock"; } 2> /dev/null; then',
    '    exec 9>> "$dir/lock"',
    "    flock -n 9 || exec 9>&-",
    "fi",
    'echo $$ > "$dir/pid"',
    '"$@" 9>&- > "$dir/stdout" 2> "$dir/stderr"',
    'echo $? > "$dir/status.tmp" && mv -f -- "$dir/status.tmp" "$dir/status"',
].join("\n");

/** The argv that starts `argv` detached, recording into `jobDir`. */
export function detachedArgv(jobDir: string, argv: readonly string[]): string[] {
    if (!jobDir.startsWith("/") || jobDir.includes("\0"))
        throw new RunError("invalid-argument", _("The job directory must be an absolute path"), [jobDir]);
    if (argv.length === 0) throw new RunError("invalid-argument", _("Nothing to run"), argv);
    checkArgv(argv);
    return ["setsid", "--fork", "sh", "-c", SCRIPT, "sh", jobDir, ...argv];
}

export interface JobStatus {
    /** null while the command runs */
    exitStatus: number | null;
    /** true when no process is running and no status was written (killed, or the host rebooted) */
    lost: boolean;
    stdout: string;
    stderr: string;
    /** What the command wrote into "$dir/notes" about itself (besides its output); "" when nothing. */
    notes: string;
}

/**
 * One call that reports a job directory: exit status (or "running"/"lost"), stdout, stderr.
 * The job writes its status before it exits, so a job that has no process has its status unless it
 * was killed; but it may write the status and exit between the first test and `kill -0`, hence the
 * status is tested again before the job is called lost.
 */
const READ_SCRIPT = [
    "dir=$1",
    'status() { [ -f "$dir/status" ] && printf "status %s\\n" "$(cat "$dir/status")"; }',
    "if status; then :",
    'elif [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then echo running',
    "elif status; then :",
    "else echo lost; fi",
    'printf "\\036"; cat "$dir/notes" 2>/dev/null; printf "\\036"; cat "$dir/stdout" 2>/dev/null; printf "\\036"; cat "$dir/stderr" 2>/dev/null; true',
].join("\n");

/** Removes a job directory once nothing needs to read it any more (its outcome is recorded). */
export function removeJobArgv(jobDir: string): string[] {
    if (!jobDir.startsWith("/") || jobDir.includes("\0") || jobDir.split("/").some((p) => p === ".." || p === "."))
        throw new RunError("invalid-argument", _("The job directory must be an absolute path"), [jobDir]);
    return ["rm", "-rf", "--", jobDir];
}

export function readJobArgv(jobDir: string): string[] {
    return ["sh", "-c", READ_SCRIPT, "sh", jobDir];
}

/**
 * Waits until the job's lock is free (its shell has exited), then reports it as `readJobArgv` does.
 * A job that has just been started may not have its lock yet: it writes its pid once it holds it,
 * so the wait first waits (at most 2 s) for the pid or the status. Exits 3 when the job has no lock
 * (started without flock, or by an older version). The wait is flock itself (no child yet), so
 * closing the call ends it.
 */
const WAIT_SCRIPT = [
    "dir=$1; n=0",
    'while [ ! -f "$dir/pid" ] && [ ! -f "$dir/status" ] && [ "$n" -lt 100 ]; do sleep 0.02; n=$((n + 1)); done',
    '[ -f "$dir/lock" ] || exit 3',
    'exec flock -s -- "$dir/lock" sh -c "$2" sh "$dir"',
].join("\n");

export function waitJobArgv(jobDir: string): string[] {
    return ["sh", "-c", WAIT_SCRIPT, "sh", jobDir, READ_SCRIPT];
}

export function parseJobStatus(out: string): JobStatus {
    // the command's output comes last: a separator character in it cannot shift the notes
    const [head = "", notes = "", stdout = "", ...stderr] = out.split("\x1e");
    const m = /^status (\d+)/.exec(head);
    return {
        exitStatus: m ? Number(m[1]) : null,
        lost: head.startsWith("lost"),
        stdout,
        stderr: stderr.join("\x1e").trim(),
        notes: notes.trim(),
    };
}

export async function readJob(runner: Runner, jobDir: string): Promise<JobStatus> {
    return parseJobStatus(await runner.run({ kind: "local" }, readJobArgv(jobDir)));
}

/**
 * The job's status once its process has exited (however long that takes); null when this job
 * cannot be waited for (no lock: poll it with `readJob`). Rejects when the wait fails or `signal`
 * ends it.
 */
export async function waitJob(runner: Runner, jobDir: string, signal?: AbortSignal): Promise<JobStatus | null> {
    try {
        return parseJobStatus(await runner.run({ kind: "local" }, waitJobArgv(jobDir), signal ? { signal } : {}));
    } catch (e) {
        if (isRunError(e) && e.cause === "exit-status") return null;
        throw e;
    }
}
