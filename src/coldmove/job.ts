/**
 * The cold move as one detached job (pkg/lib/detach.ts), so that it survives a reload and is
 * followed, ended and verified on both hosts like any migration (src/migration/follow.ts, job.ts):
 * copy each file, verify it, move them all into place, move the definition, and (only when the admin
 * asked, and only once libvirt on the destination has the VM) remove the source's files.
 *
 * The script is a constant; every command reaches it as data: count-prefixed argv groups built by
 * ./copy.ts, run as arrays (never a shell string). It notes its phase in "$dir/notes" and marks each
 * file on stderr before dd's progress for that file (`parseColdProgress`).
 */
import { LOCAL, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { dominfo, dumpxml, type DomainUuid } from "../virsh/argv";
import { parseDefinition } from "../domains/definition";
import type { MigrationOptions } from "../migration/options";
import { copyArgv, digestArgv, fileLabel, placeArgv, removeArgv, stagedPath, stagingDir } from "./copy";
import { onTarget } from "../../pkg/lib/ssh";
import { loadCarried, type Carried, type CarriedFile } from "./files";

const JOB = [
    'dir=$1; shift; a=("$@"); i=0',
    "grp() { g=$i; i=$((i + 1 + a[i])); }",
    'run() { "${a[@]:$(($1 + 1)):${a[$1]}}"; }',
    "say() { printf 'cockpit-migrate: %s\\n' \"$*\" >&2; }",
    'phase() { printf \'%s\\n\' "$*" > "$dir/notes.tmp" && mv -f -- "$dir/notes.tmp" "$dir/notes"; }',
    "F=${a[0]}; C=${a[1]}; i=2",
    "for ((k = 0; k < F; k++)); do",
    "    label[k]=${a[i]}; i=$((i + 1))",
    "    grp; cp[k]=$g; grp; sd[k]=$g; grp; dd[k]=$g; grp; pl[k]=$g; grp; un[k]=$g",
    "done",
    "for ((k = 0; k < C; k++)); do grp; cl[k]=$g; done",
    "grp; mig=$g; R=${a[i]}; i=$((i + 1))",
    'if [ "$R" = 1 ]; then grp; chk=$g; for ((k = 0; k < F; k++)); do grp; rs[k]=$g; done; fi',
    "placed=0",
    'undo() { for ((k = 0; k < placed; k++)); do run "${un[k]}"; done; for ((k = 0; k < C; k++)); do run "${cl[k]}"; done; }',
    'fail() { trap "" TERM; say "$1"; undo; say "the source is unchanged; nothing was left on the destination"; exit 1; }',
    // the copy's own messages (ssh, tar) since the last file's mark, without dd's progress. "$dir/stdout" is the
    // job's stdout (pkg/lib/detach.ts), where the copy writes its progress
    "errs() { tr '\\r' '\\n' < \"$dir/stdout\" | sed -n \"/^cockpit-migrate: copying $1\\//,\\$p\" | grep -Ev '^cockpit-migrate: |^[0-9]+ bytes .*copied|^[0-9]+\\+[0-9]+ records (in|out)$|^$' | tail -n 5 >&2; }",
    // Cancel (coldMoveCancelArgv) signals this shell: until the definition moves, end the copy and undo what was placed
    'c=; echo $$ > "$dir/cold.pid"',
    'cancel() { [ -n "$c" ] && kill -TERM -- "-$c" 2> /dev/null && wait "$c"; fail "the cold move job was canceled by the admin"; }',
    "trap cancel TERM",
    "for ((k = 0; k < F; k++)); do",
    '    phase "copy $((k + 1)) $F"; printf \'cockpit-migrate: copying %s/%s: %s\\n\' $((k + 1)) "$F" "${label[k]}"',
    // in the background and a session of its own (setsid: its pid is its process group), so that a cancel
    // ends all of it at once; dd's progress goes to stdout (parseColdProgress)
    '    setsid "${a[@]:$((cp[k] + 1)):${a[cp[k]]}}" 2>&1 & c=$!; wait "$c"; r=$?; c=',
    '    [ "$r" = 0 ] || { errs $((k + 1)); fail "copying ${label[k]} failed"; }',
    '    phase "verify $((k + 1)) $F"',
    // both digests at once (each reads the whole file, holes included): the verification takes one read's time
    '    run "${sd[k]}" > "$dir/digest.source" & ps=$!; run "${dd[k]}" > "$dir/digest.copy" & pd=$!',
    '    wait "$ps" || { wait "$pd"; fail "could not read ${label[k]} on the source to verify it"; }',
    '    wait "$pd" || fail "could not read the copy of ${label[k]} to verify it"',
    '    s=$(cat -- "$dir/digest.source"); d=$(cat -- "$dir/digest.copy")',
    '    [ -n "$s" ] && [ "$s" = "$d" ] || fail "the copy of ${label[k]} differs from the source (SHA-256)"',
    '    say "verified $((k + 1))/$F: ${label[k]}"',
    "done",
    "phase place",
    'for ((k = 0; k < F; k++)); do run "${pl[k]}" || fail "could not move the copy of ${label[k]} into place"; placed=$((k + 1)); done',
    'for ((k = 0; k < C; k++)); do run "${cl[k]}"; done',
    // from here the definition moves: a cancel would stop virsh half-way
    'trap "" TERM; phase migrate',
    'run "$mig" || fail "the definition did not move"',
    '[ "$R" = 1 ] || exit 0',
    "phase remove",
    'run "$chk" > /dev/null || { say "libvirt on the destination does not list the VM: the source files were kept"; exit 0; }',
    'for ((k = 0; k < F; k++)); do run "${rs[k]}" || say "could not remove ${label[k]} on the source"; done',
].join("\n");

export interface ColdMoveJob {
    source: RunTarget;
    destination: RunTarget;
    destinationUri: string;
    uuid: DomainUuid;
    files: CarriedFile[];
    /** The `virsh migrate --offline --persistent …` argv. */
    migrate: string[];
    replace: boolean;
    removeSource: boolean;
}

/** Every argv of the job, built once: the job runs these and the dialog shows them. */
function plan(j: ColdMoveJob) {
    const files = j.files.map((f) => ({
        label: fileLabel(f),
        copy: copyArgv(j.source, j.destination, f, j.uuid),
        sourceDigest: onTarget(j.source, digestArgv(f.path)),
        destDigest: onTarget(j.destination, digestArgv(stagedPath(f, j.uuid))),
        place: onTarget(j.destination, placeArgv(stagedPath(f, j.uuid), f.destPath, j.replace)),
        undo: onTarget(j.destination, removeArgv(f.destPath)),
        remove: onTarget(j.source, removeArgv(f.path)),
    }));
    const cleanup = [...new Set(j.files.map((f) => stagingDir(f.destPath, j.uuid)))].map((d) =>
        onTarget(j.destination, removeArgv(d)),
    );
    return { files, cleanup, check: dominfo(j.destinationUri, j.uuid) };
}

/** The commands the job runs when nothing fails, in order (shown as the equivalent commands). */
export function coldMoveCommands(j: ColdMoveJob): string[][] {
    const p = plan(j);
    return [
        ...p.files.flatMap((f) => [f.copy, f.sourceDigest, f.destDigest]),
        ...p.files.map((f) => f.place),
        ...p.cleanup,
        j.migrate,
        ...(j.removeSource ? [p.check, ...p.files.map((f) => f.remove)] : []),
    ];
}

const group = (argv: string[]) => [String(argv.length), ...argv];

/** The job's argv (to hand to `detachedArgv` with the same `jobDir`): the constant script and its data. */
export function coldMoveArgv(j: ColdMoveJob, jobDir: string): string[] {
    const p = plan(j);
    return [
        "bash",
        "-c",
        JOB,
        "cold-move",
        jobDir,
        String(p.files.length),
        String(p.cleanup.length),
        ...p.files.flatMap((f) => [f.label, ...[f.copy, f.sourceDigest, f.destDigest, f.place, f.undo].flatMap(group)]),
        ...p.cleanup.flatMap(group),
        ...group(j.migrate),
        j.removeSource ? "1" : "0",
        ...(j.removeSource ? [...group(p.check), ...p.files.flatMap((f) => group(f.remove))] : []),
    ];
}

// Constant script: signals the cold move's shell, whose trap ends the copy and removes what it placed.
const CANCEL = 'p=$(cat -- "$1/cold.pid") || exit 1; case $p in "" | *[!0-9]*) exit 1 ;; esac; exec kill -TERM "$p"';
export const coldMoveCancelArgv = (jobDir: string) => ["sh", "-c", CANCEL, "cancel", jobDir];

export interface ColdProgress {
    /** The file being copied (1-based) and how many there are; 0 before the first. */
    file: number;
    files: number;
    bytes: number;
    total: number;
    /** MiB/s over the current file's copy so far; null before dd's first report. */
    mibPerSecond: number | null;
    etaSeconds: number | null;
}

/** Progress from the job's stderr: the last file marker, dd's last report after it, and each file's allocated size. */
export function parseColdProgress(stderr: string, files: readonly Pick<CarriedFile, "allocatedBytes">[]): ColdProgress {
    const sizes = files.map((f) => f.allocatedBytes ?? 0);
    const total = sizes.reduce((a, b) => a + b, 0);
    const marks = [...stderr.matchAll(/^cockpit-migrate: copying (\d+)\/(\d+): /gm)];
    const last = marks[marks.length - 1];
    if (!last) return { file: 0, files: files.length, bytes: 0, total, mibPerSecond: null, etaSeconds: null };
    const file = Number(last[1]);
    const after = stderr.slice(last.index + last[0].length);
    const reports = [...after.matchAll(/(\d+) bytes\b[^\r\n]*copied, ([\d.,]+) s/g)];
    const r = reports[reports.length - 1];
    const done = sizes.slice(0, file - 1).reduce((a, b) => a + b, 0);
    const copied = r ? Number(r[1]) : 0;
    const seconds = r ? Number(r[2]!.replace(",", ".")) : 0;
    const bytes = Math.min(total, done + copied);
    const rate = r && seconds > 0 ? copied / seconds : null;
    return {
        file,
        files: files.length,
        bytes,
        total,
        mibPerSecond: rate === null ? null : rate / 1048576,
        etaSeconds: rate ? Math.max(0, (total - bytes) / rate) : null,
    };
}

/** The files of a VM's persistent definition, read on the source host itself (`source`). */
export async function readCarried(
    runner: Runner,
    sourceUri: string,
    uuid: DomainUuid,
    source: RunTarget,
): Promise<Carried> {
    const xml = await runner.run(LOCAL, dumpxml(sourceUri, uuid, { inactive: true }));
    return loadCarried((a) => runner.run(source, a), parseDefinition(xml), uuid);
}

/** The job for a migration's options: its replace and remove choices, its migrate argv. */
export function coldMoveJob(
    route: { source: RunTarget; destination: RunTarget; destinationUri: string },
    uuid: DomainUuid,
    files: CarriedFile[],
    migrate: string[],
    options: Pick<MigrationOptions, "replaceExisting" | "removeSourceFiles">,
): ColdMoveJob {
    return {
        ...route,
        uuid,
        files,
        migrate,
        replace: options.replaceExisting === true,
        removeSource: options.removeSourceFiles === true,
    };
}
