/**
 * The convergence autopilot: a loop in the detached job's shell, beside the migration, on the host
 * that runs it. Every second it reads `domjobinfo --rawstats`, appends a sample to "$dir/samples"
 * (./samples.ts: the chart and the verdict read it, after a reload too), and takes the policy's
 * steps (./policies.ts) whose time or pass has come, each once, noting each in "$dir/steps". It
 * stops when the migration ends (cancelled too). After a switch to post-copy the other steps are
 * noted as skipped: the downtime no longer matters and libvirt refuses an abort.
 *
 * The script is a constant; everything else reaches it as positional parameters: DIR SCHEDULE N,
 * then N argvs each preceded by its length (the statistics command, one per step), then the job's
 * own command: all the words after them, so the migration's argv ends the job's argv as before.
 * SCHEDULE is our own words, one per step: s:SECONDS:K or i:PASS:K (K: d downtime, p post-copy,
 * a abort), made of validated numbers only.
 */
import type { DomainUuid } from "../virsh/argv";
import { domjobinfo } from "../virsh/migrate";
import { VirshArgumentError } from "../virsh/argv";
import { FIELDS } from "./samples";
import { stepArgv, type Schedule, type Step } from "./policies";

/** Prints a sample line (./samples.ts) from `domjobinfo --rawstats` on its input, when a job runs; `t` is the time. */
export const SAMPLE_AWK = `{ v[$1] = $2 } END { if (v["Job type"] == 1 || v["Job type"] == 2) { printf "%s", t; ${FIELDS.map(
    (f) => `printf " %s", ("${f}" in v) ? v["${f}"] : "-"`,
).join("; ")}; print "" } }`;

const SCRIPT = [
    "dir=$1; sched=$2; nb=$3; shift 3",
    // the words after the first K argvs (the job's command when K is N)
    'rest() ( k=$1; shift; while [ "$k" -gt 0 ]; do shift $(($1 + 1)); k=$((k - 1)); done; "$@" )',
    // the K-th argv of the list: skip K (length, words) pairs, keep the next length's words, run them
    "block() (",
    '    k=$1; shift; while [ "$k" -gt 0 ]; do shift $(($1 + 1)); k=$((k - 1)); done',
    '    n=$1; shift; i=0; while [ "$i" -lt "$n" ]; do set -- "$@" "$1"; shift; i=$((i + 1)); done',
    '    shift $(($# - n)); "$@"',
    ")",
    'field() { printf "%s\\n" "$out" | sed -n "s/^$1: *\\([0-9][0-9]*\\).*/\\1/p"; }',
    '( rest "$nb" "$@"; s=$?; : > "$dir/ended"; exit "$s" ) &',
    "pid=$!; start=$(date +%s); taken=' '; pc=0",
    'while [ ! -e "$dir/ended" ]; do',
    '    out=$(block 0 "$@" 2> /dev/null)',
    `    line=$(printf "%s\\n" "$out" | awk -F ': *' -v t="$(date +%s%3N)" '${SAMPLE_AWK}')`,
    '    if [ -n "$line" ]; then',
    '        printf "%s\\n" "$line" >> "$dir/samples"',
    '        it=$(field memory_iteration); [ "$(field memory_postcopy_requests)" -gt 0 ] 2> /dev/null && pc=1',
    "        now=$(($(date +%s) - start)); j=0",
    "        for w in $sched; do",
    '            case "$taken" in *" $j "*) j=$((j + 1)); continue ;; esac',
    "            v=${w#?:}; k=${v#*:}; v=${v%%:*}",
    '            case "$w" in s:*) [ "$now" -ge "$v" ] ;; i:*) [ "${it:-0}" -ge "$v" ] ;; *) false ;; esac || { j=$((j + 1)); continue; }',
    '            [ -e "$dir/ended" ] && break',
    '            taken="$taken$j "; m=""',
    '            if [ "$pc" = 1 ]; then r=skipped',
    '            elif m=$(block $((j + 1)) "$@" 2>&1 > /dev/null); then r=ok; [ "$k" = p ] && pc=1',
    "            else r=failed; fi",
    '            printf "%s\\t%s\\t%s\\t%s\\n" "$(date +%s%3N)" "$j" "$r" "$(printf "%s" "$m" | tr "\\n\\t" "  ")" >> "$dir/steps"',
    "            j=$((j + 1))",
    "        done",
    "    fi",
    "    sleep 1",
    "done",
    'wait "$pid"',
].join("\n");

const KIND = { downtime: "d", postcopy: "p", abort: "a" } as const;

function word(s: Step): string {
    const n = "seconds" in s.when ? s.when.seconds : s.when.iteration;
    if (!Number.isInteger(n) || n < 0) throw new VirshArgumentError(`not a step time: ${JSON.stringify(s.when)}`);
    return `${"seconds" in s.when ? "s" : "i"}:${n}:${KIND[s.action.kind]}`;
}

/** The statistics command the loop runs every second (a libvirt that hangs must not hold the loop). */
export function statsArgv(uri: string, domain: DomainUuid): string[] {
    return ["timeout", "20", ...domjobinfo(uri, domain)];
}

/**
 * The job's command: `job` (the migration, or ./downtime.ts's wrapper of it), with the loop that
 * runs `stats` every second and the steps' argvs when their time comes; exits with `job`'s status.
 */
export function autopilotArgv(
    jobDir: string,
    job: readonly string[],
    stats: readonly string[],
    steps: readonly { step: Step; argv: readonly string[] }[],
): string[] {
    const argvs = [stats, ...steps.map((s) => s.argv)];
    if ([job, ...argvs].some((a) => a.length === 0)) throw new VirshArgumentError("an empty command");
    return [
        "sh",
        "-c",
        SCRIPT,
        "sh",
        jobDir,
        steps.map((s) => word(s.step)).join(" "),
        String(argvs.length),
        ...argvs.flatMap((a) => [String(a.length), ...a]),
        ...job,
    ];
}

/** The migration's job with the autopilot: its statistics and the schedule's steps on the source. */
export function withAutopilot(
    jobDir: string,
    job: readonly string[],
    uri: string,
    domain: DomainUuid,
    steps: readonly Step[],
): string[] {
    return autopilotArgv(
        jobDir,
        job,
        statsArgv(uri, domain),
        steps.map((step) => ({ step, argv: ["timeout", "30", ...stepArgv(step, uri, domain)] })),
    );
}

export type StepResult = "ok" | "failed" | "skipped";

/** A step the job took: when, which of the schedule's, and libvirt's message when it failed. */
export interface StepTaken {
    at: number;
    index: number;
    result: StepResult;
    message: string;
}

export function parseSteps(text: string): StepTaken[] {
    const out: StepTaken[] = [];
    for (const line of text.split("\n")) {
        const [at, index, result, ...message] = line.split("\t");
        if (!/^\d+$/.test(at ?? "") || !/^\d+$/.test(index ?? "")) continue;
        if (result !== "ok" && result !== "failed" && result !== "skipped") continue;
        out.push({ at: Number(at), index: Number(index), result, message: message.join(" ").trim() });
    }
    return out;
}

/** Reads the samples from byte `from` (0: all) and every step taken; `parseAutopilot` splits the answer. */
export function autopilotReadArgv(jobDir: string, from = 0): string[] {
    return [
        "sh",
        "-c",
        'tail -c "+$2" -- "$1/samples" 2> /dev/null; printf "\\036"; cat -- "$1/steps" 2> /dev/null; true',
        "sh",
        jobDir,
        String(from + 1),
    ];
}

/** The samples' text up to its last whole line (its length in bytes: where the next read starts), and the steps. */
export function parseAutopilot(out: string): { samples: string; bytes: number; steps: StepTaken[] } {
    const [head = "", ...rest] = out.split("\x1e");
    const whole = head.slice(0, head.lastIndexOf("\n") + 1);
    return { samples: whole, bytes: new TextEncoder().encode(whole).length, steps: parseSteps(rest.join("\x1e")) };
}

/** What the record keeps: the policy, its schedule with each step's argv, and (once ended) the steps taken. */
export interface AutopilotRecord {
    policy: { id: string; minutes?: number | undefined } | null;
    schedule: { step: Step; argv: string[] }[];
    taken?: StepTaken[];
}

export function autopilotRecord(
    policy: AutopilotRecord["policy"],
    s: Schedule | null,
    uri: string,
    domain: DomainUuid,
): AutopilotRecord {
    return { policy, schedule: (s?.steps ?? []).map((step) => ({ step, argv: stepArgv(step, uri, domain) })) };
}
