/**
 * Named convergence policies: a schedule of steps the detached job takes while the migration runs
 * (./autopilot.ts), and the `virsh migrate` flags the schedule needs from the start (post-copy can
 * only be switched to when the migration was started with --postcopy; auto-converge is a start flag
 * only: QEMU refuses to change it while a migration runs). No policy is today's behaviour.
 */
import { _, format } from "../../pkg/lib/gettext";
import type { DomainUuid } from "../virsh/argv";
import { domjobabort, migratePostcopy, migrateSetMaxDowntime } from "../virsh/migrate";
import { DEFAULT_DOWNTIME_MS } from "../preflight/dirtyrate";
import type { MigrationOptions } from "./options";

export type PolicyId = "minimal-downtime" | "finish-within" | "postcopy-when-stalled" | "never-postcopy";
export const POLICY_IDS: PolicyId[] = ["minimal-downtime", "finish-within", "postcopy-when-stalled", "never-postcopy"];

export interface PolicyChoice {
    id: PolicyId;
    /** finish-within: the minutes the migration may take */
    minutes?: number | undefined;
}

/** When a step is taken: once this many seconds have passed since the job started, or at this pass. */
export type Trigger = { seconds: number } | { iteration: number };
export type Action = { kind: "downtime"; ms: number } | { kind: "postcopy" } | { kind: "abort" };

export interface Step {
    when: Trigger;
    action: Action;
}

export interface Schedule {
    /** flags the migration must be started with */
    postcopy: boolean;
    autoConverge: boolean;
    steps: Step[];
}

/** The completion timeout: this many seconds per GiB of guest memory, at least MIN_TIMEOUT_S. */
export const TIMEOUT_S_PER_GIB = 600;
const MIN_TIMEOUT_S = 300;

export function completionTimeoutS(memoryBytes: number | null): number {
    const gib = memoryBytes && memoryBytes > 0 ? memoryBytes / 1073741824 : 1;
    return Math.max(MIN_TIMEOUT_S, Math.ceil(gib * TIMEOUT_S_PER_GIB));
}

export const POLICY_NAME: Record<PolicyId, string> = {
    "minimal-downtime": _("Minimal downtime"),
    "finish-within": _("Finish within N minutes"),
    "postcopy-when-stalled": _("Post-copy when stalled"),
    "never-postcopy": _("Never post-copy"),
};

export function policyTitle(p: PolicyChoice): string {
    return p.id === "finish-within" ? format(_("Finish within $0 min"), p.minutes ?? 0) : POLICY_NAME[p.id];
}

/** Whether a choice can make a schedule: finish-within needs a whole number of minutes, 1 to 1440. */
export function policyProblem(p: PolicyChoice): string | null {
    if (p.id !== "finish-within") return null;
    const m = p.minutes;
    return m !== undefined && Number.isInteger(m) && m >= 1 && m <= 1440
        ? null
        : _("A whole number of minutes, 1 to 1440");
}

/**
 * The schedule of a policy for a guest of `memoryBytes`, starting from the maximum downtime chosen
 * (libvirt's 300 ms when none).
 * - Minimal downtime: the downtime stays; auto-converge slows the guest instead; abort at the timeout.
 * - Finish within N minutes: the downtime rises at a quarter and at half of N, post-copy at three quarters.
 * - Post-copy when stalled: post-copy at the 4th pass (three passes did not converge); abort at the timeout
 *   if the first pass alone outlasts it.
 * - Never post-copy: auto-converge, the downtime rises at the 3rd and 5th pass, abort at the timeout.
 */
export function schedule(p: PolicyChoice, memoryBytes: number | null, baseDowntimeMs?: number): Schedule {
    const base = baseDowntimeMs ?? DEFAULT_DOWNTIME_MS;
    const abort: Step = { when: { seconds: completionTimeoutS(memoryBytes) }, action: { kind: "abort" } };
    const raise = (ms: number): Action => ({ kind: "downtime", ms: Math.max(base, ms) });
    switch (p.id) {
        case "minimal-downtime":
            return { postcopy: false, autoConverge: true, steps: [abort] };
        case "finish-within": {
            const t = (p.minutes ?? 1) * 60;
            return {
                postcopy: true,
                autoConverge: false,
                steps: [
                    { when: { seconds: Math.round(t / 4) }, action: raise(Math.max(1000, base * 2)) },
                    { when: { seconds: Math.round(t / 2) }, action: raise(Math.max(3000, base * 5)) },
                    { when: { seconds: Math.round((t * 3) / 4) }, action: { kind: "postcopy" } },
                ],
            };
        }
        case "postcopy-when-stalled":
            return {
                postcopy: true,
                autoConverge: false,
                steps: [{ when: { iteration: 4 }, action: { kind: "postcopy" } }, abort],
            };
        case "never-postcopy":
            return {
                postcopy: false,
                autoConverge: true,
                steps: [
                    { when: { iteration: 3 }, action: raise(1000) },
                    { when: { iteration: 5 }, action: raise(2000) },
                    abort,
                ],
            };
    }
}

/** The options a migration under this schedule starts with: the flags it needs turned on. */
export function withSchedule(o: MigrationOptions, s: Schedule): MigrationOptions {
    return { ...o, postcopy: o.postcopy || s.postcopy, autoConverge: o.autoConverge || s.autoConverge };
}

/** The argv of a step, on the migration's source. */
export function stepArgv(step: Step, uri: string, domain: DomainUuid): string[] {
    switch (step.action.kind) {
        case "downtime":
            return migrateSetMaxDowntime(uri, domain, step.action.ms);
        case "postcopy":
            return migratePostcopy(uri, domain);
        case "abort":
            return domjobabort(uri, domain);
    }
}

/** When, in words. */
export function triggerText(t: Trigger): string {
    return "seconds" in t ? format(_("after $0 s"), t.seconds) : format(_("at pass $0"), t.iteration);
}

export function actionText(a: Action): string {
    return a.kind === "downtime"
        ? format(_("raise the maximum downtime to $0 ms"), a.ms)
        : a.kind === "postcopy"
          ? _("switch to post-copy")
          : _("abort the migration");
}
