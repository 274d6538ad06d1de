/**
 * The maximum downtime of a live migration can only be set while libvirt runs the migration
 * (`virsh migrate` has no option for it). It is set by the detached job itself, not by the page: a
 * closed tab, a slow start or a refusal would otherwise leave libvirt's 300 ms in force while the
 * history shows the chosen value. The job notes whether it was applied ("$dir/notes").
 *
 * The script is a constant; the job directory, both argvs and the count that separates them are
 * its positional parameters: DIR N SET_ARGV(N words) MIGRATE_ARGV.
 */
import type { JobStatus } from "../../pkg/lib/detach";
import { _, format } from "../../pkg/lib/gettext";
import { libvirtMessage } from "./errors";

const WITH_DOWNTIME = [
    "dir=$1; n=$2; shift 2; m=$(($# - n))",
    // the migration: everything after the first n words; its end is marked for the loop below
    // (a finished child stays a zombie until waited for, so kill -0 cannot tell)
    '( shift "$n"; "$@"; s=$?; : > "$dir/migrated"; exit "$s" ) &',
    "pid=$!",
    // keep the first n words (the set command): move them behind the others, then drop those
    'i=0; while [ "$i" -lt "$n" ]; do set -- "$@" "$1"; shift; i=$((i + 1)); done',
    'shift "$m"',
    'note() { printf "%s\\n%s\\n" "$1" "$2" > "$dir/notes.tmp" && mv -f -- "$dir/notes.tmp" "$dir/notes"; }',
    // libvirt accepts it once the migration job exists: try every 0.2 s while the migration runs, for 30 s
    "tries=0",
    "while :; do",
    '    if err=$("$@" 2>&1 > /dev/null); then note "downtime applied" ""; break; fi',
    '    if [ -e "$dir/migrated" ]; then note "downtime late" "$err"; break; fi',
    '    if [ "$tries" -ge 150 ]; then note "downtime failed" "$err"; break; fi',
    "    tries=$((tries + 1)); sleep 0.2",
    "done",
    'wait "$pid"',
].join("\n");

/** The job's command: `migrate` and, once its job exists, `setMaxDowntime`; exits with migrate's status. */
export function withMaxDowntime(
    jobDir: string,
    setMaxDowntime: readonly string[],
    migrate: readonly string[],
): string[] {
    return ["sh", "-c", WITH_DOWNTIME, "sh", jobDir, String(setMaxDowntime.length), ...setMaxDowntime, ...migrate];
}

export interface DowntimeOutcome {
    /** null while the job has not said yet */
    applied: boolean | null;
    /** libvirt's message when it was not applied */
    message: string;
}

/** What the job noted about the maximum downtime. */
export function downtimeOutcome(job: JobStatus): DowntimeOutcome {
    const [head = "", ...rest] = job.notes.split("\n");
    const message = libvirtMessage(rest.join("\n"));
    if (head === "downtime applied") return { applied: true, message: "" };
    if (head === "downtime failed") return { applied: false, message };
    if (head === "downtime late")
        return { applied: false, message: format(_("The migration ended before it could be set: $0"), message) };
    return { applied: null, message: "" };
}
