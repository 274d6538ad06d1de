/**
 * The pre-flight as an admin scans it: one summary line, the problems first and in an order that
 * does not change as checks finish (severity, then the order the checks are started in, never the
 * order they answer in), and the short name of each check for "Blocked: …".
 */
import type { CheckResult } from "./types";
import { _, format, ngettext } from "../../pkg/lib/gettext";

/**
 * The checks in the order `startPreflight` starts them, with their short names (the same words as
 * its titles; a unit test keeps the two lists the same). `also`: the other result ids a check
 * reports under (a result id `x:detail` belongs to the check or alias `x`).
 */
const CHECKS: readonly { id: string; name: () => string; also?: readonly string[] }[] = [
    { id: "reachable", name: () => _("Destination reachable") },
    { id: "same-host", name: () => _("Not the same host") },
    { id: "ports", name: () => _("Ports and firewall"), also: ["firewall"] },
    { id: "peer-to-peer", name: () => _("Peer-to-peer") },
    { id: "cpu", name: () => _("CPU compatibility") },
    { id: "storage", name: () => _("Storage") },
    { id: "cold-move", name: () => _("Disks to carry") },
    { id: "firmware", name: () => _("UEFI and TPM state"), also: ["nvram", "tpm"] },
    { id: "devices", name: () => _("Devices") },
    { id: "numa", name: () => _("NUMA pinning") },
    { id: "machine", name: () => _("Machine type") },
    { id: "networks", name: () => _("Networks"), also: ["network", "bridge"] },
    { id: "host-versions", name: () => _("Host versions") },
    { id: "capacity", name: () => _("Destination capacity"), also: ["capacity-cpu"] },
    { id: "dirtyrate", name: () => _("Dirty rate") },
];

/** The ids of the checks, in the order they are started and listed. */
export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** Where a result's check stands in the fixed order (results of unknown checks come last). */
function rank(resultId: string): number {
    const head = resultId.split(":")[0]!;
    const i = CHECKS.findIndex((c) => c.id === head || c.also?.includes(head));
    return i < 0 ? CHECKS.length : i;
}

/** The id of the check a result belongs to ("storage:vda" → "storage", "firewall" → "ports"); null when unknown. */
export function checkOf(resultId: string): string | null {
    return CHECKS[rank(resultId)]?.id ?? null;
}

/** The short name of the check a result belongs to ("CPU compatibility"); its own title when the check is unknown. */
export function checkName(r: Pick<CheckResult, "id" | "title">): string {
    return CHECKS[rank(r.id)]?.name() ?? r.title;
}

export interface OrderedChecks {
    /** Errors: they hold the Migrate button. */
    blocking: CheckResult[];
    warnings: CheckResult[];
    info: CheckResult[];
    passed: CheckResult[];
}

/**
 * The results grouped by severity, each group in the checks' fixed order; the results of one check
 * keep the order that check gave them (its disks as the definition lists them).
 */
export function orderChecks(results: readonly CheckResult[]): OrderedChecks {
    const sorted = results
        .map((r, i) => ({ r, i, k: rank(r.id) }))
        .sort((a, b) => a.k - b.k || (a.k === CHECKS.length ? a.r.id.localeCompare(b.r.id) : 0) || a.i - b.i)
        .map((x) => x.r);
    const of = (s: CheckResult["severity"]) => sorted.filter((r) => r.severity === s);
    return { blocking: of("error"), warnings: of("warning"), info: of("info"), passed: of("pass") };
}

/** The names of the checks that block, once each, in the fixed order: "CPU compatibility, Devices". */
export function blockingNames(results: readonly CheckResult[]): string {
    return [...new Set(orderChecks(results).blocking.map(checkName))].join(", ");
}

export interface SummaryInput {
    results: readonly CheckResult[];
    /** Every check has ended. */
    complete: boolean;
    /** How many checks were started, and how many still run (unknown: null). */
    total: number | null;
    pending: number | null;
}

/**
 * One line over the checks: "13 passed · 1 blocking: CPU compatibility" when they have ended,
 * "Checking… 9 of 14 answered" (and what blocks already) while they run. Empty when there is
 * nothing to say yet.
 */
export function summaryLine(s: SummaryInput): string {
    const g = orderChecks(s.results);
    const answered = (rs: CheckResult[]) => rs.filter((r) => !r.unchecked).length;
    // "$0 …" for a count above zero, nothing for none
    const count = (n: number, one: string, many: string, ...more: string[]) =>
        n > 0 ? format(ngettext(one, many, n), n, ...more) : "";
    const blocking = count(g.blocking.length, "$0 blocking: $1", "$0 blocking: $1", blockingNames(s.results));
    const parts = s.complete
        ? [
              count(g.passed.length, "$0 passed", "$0 passed"),
              count(answered(g.warnings), "$0 warning", "$0 warnings"),
              count(answered(g.info), "$0 note", "$0 notes"),
              count(
                  s.results.length - g.blocking.length - answered([...g.warnings, ...g.info]) - g.passed.length,
                  "$0 not checked",
                  "$0 not checked",
              ),
              blocking,
          ]
        : [
              s.total !== null && s.pending !== null
                  ? format(_("Checking… $0 of $1 answered"), s.total - s.pending, s.total)
                  : _("Checking…"),
              blocking,
          ];
    return parts.filter((p) => p).join(" · ");
}
