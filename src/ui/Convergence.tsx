/**
 * The convergence view of a running live migration: the verdict (src/migration/convergence.ts), a
 * chart of the job's own samples with a table of them for screen readers, the remedies with one click
 * each, and the policy's steps as its job takes them. The samples come from the job's directory
 * (src/migration/autopilot.ts), so a reload shows the whole history of the migration again.
 */
import { useEffect, useRef, useState } from "react";
import { Button, List, ListItem } from "@patternfly/react-core";
import type { MigrationRecord } from "../history/records";
import { LOCAL } from "../../pkg/lib/runner";
import { autopilotReadArgv, parseAutopilot, type StepTaken } from "../migration/autopilot";
import { passStarts, verdict, type Verdict } from "../migration/convergence";
import { remedies } from "../migration/remedies";
import { actionText, policyTitle, triggerText } from "../migration/policies";
import { parseSamples, thin, type Sample } from "../migration/samples";
import { recordUuid } from "../history/records";
import { runControl } from "../migration/job";
import { CommandLine } from "./CommandLine";
import { useServices } from "./services";
import { errorText } from "../../pkg/lib/error-text";
import { formatBytes, formatDuration } from "./format";
import { _, format, ngettext } from "../../pkg/lib/gettext";

/** The job's samples and steps, read every 2 s from where the last read ended. */
function useAutopilot(record: MigrationRecord, active: boolean) {
    const { runner } = useServices();
    const [state, setState] = useState<{ samples: Sample[]; steps: StepTaken[] }>({ samples: [], steps: [] });
    const bytes = useRef(0);
    useEffect(() => {
        if (!active) return;
        let alive = true;
        let timer: ReturnType<typeof setTimeout>;
        const read = async () => {
            try {
                const r = parseAutopilot(await runner.run(LOCAL, autopilotReadArgv(record.jobDir, bytes.current)));
                if (!alive) return;
                bytes.current += r.bytes;
                const more = parseSamples(r.samples);
                setState((s) => ({ samples: more.length ? [...s.samples, ...more] : s.samples, steps: r.steps }));
            } catch {
                // the next read tries again
            }
            if (alive) timer = setTimeout(() => void read(), 2000);
        };
        void read();
        return () => {
            alive = false;
            clearTimeout(timer);
        };
    }, [runner, record.jobDir, active]);
    return state;
}

const rate = (bps: number) => format(_("$0/s"), formatBytes(bps));

function verdictText(v: Verdict): string {
    switch (v.kind) {
        case "unknown":
            return _("Waiting for the first statistics");
        case "postcopy":
            return _("Post-copy: it completes as the rest of the memory arrives");
        case "first-pass":
            return format(
                _("First pass, about $0 left in it: the dirty rate is known after it"),
                formatDuration(v.passS * 1000),
            );
        case "diverges":
            return format(
                _("Will not converge at this dirty rate ($0) and bandwidth ($1)"),
                rate(v.dirtyBps),
                rate(v.bps),
            );
        case "stalled":
            return format(
                ngettext(
                    "Stalled for $0 pass: the guest dirties as much as a pass sends; it will not converge at this dirty rate and bandwidth",
                    "Stalled for $0 passes: the guest dirties as much as a pass sends; it will not converge at this dirty rate and bandwidth",
                    v.iterations,
                ),
                v.iterations,
            );
        case "converges":
            return (
                format(_("Will converge in about $0"), formatDuration(v.etaS * 1000)) +
                (v.later === "dirty-rate"
                    ? _(" (later: the guest dirties faster)")
                    : v.later === "bandwidth"
                      ? _(" (later: less is sent per second)")
                      : v.later === "new-pass"
                        ? _(" (later: the last pass left more to send)")
                        : "")
            );
    }
}

/** The maximum downtime in force: the record's, raised by the policy's steps that libvirt took. */
function downtimeNow(record: MigrationRecord, steps: StepTaken[]): number {
    let ms = record.maxDowntime?.ms ?? 300;
    for (const t of steps) {
        const a = record.autopilot?.schedule[t.index]?.step.action;
        if (t.result === "ok" && a?.kind === "downtime") ms = a.ms;
    }
    return ms;
}

export function Convergence({
    record,
    active,
    onPostcopy,
}: {
    record: MigrationRecord;
    active: boolean;
    onPostcopy(): void;
}) {
    const { runner } = useServices();
    const { samples, steps } = useAutopilot(record, active);
    const [applied, setApplied] = useState<{ ms?: number; text: string } | null>(null);
    const limit = applied?.ms ?? downtimeNow(record, steps);
    const v = verdict(samples, limit, record.dirtyMiBs !== undefined ? record.dirtyMiBs * 1048576 : undefined);
    const last = samples.at(-1);
    const fixes =
        last && active && v.kind !== "postcopy"
            ? remedies({
                  uri: record.source.uri,
                  domain: recordUuid(record),
                  last,
                  maxDowntimeMs: limit,
                  postcopyAllowed: record.options.postcopy,
                  autoConverge: record.options.autoConverge,
              })
            : [];
    const apply = async (argv: string[], id: string, ms?: number) => {
        try {
            await runControl(runner, argv);
            setApplied({ ...(ms ? { ms } : {}), text: _("Done") });
            if (id === "postcopy") onPostcopy();
        } catch (e) {
            setApplied({ text: errorText(e) });
        }
    };
    return (
        <div data-convergence>
            <p data-verdict={v.kind}>
                <strong>{verdictText(v)}</strong>
            </p>
            {samples.length > 1 && <Chart samples={samples} limit={limit} />}
            {fixes.length > 0 && (v.kind === "diverges" || v.kind === "stalled" || v.kind === "converges") && (
                <List aria-label={_("Remedies")} data-remedies>
                    {fixes.map((r) => (
                        <ListItem key={r.id} data-remedy={r.id}>
                            {r.effect} {r.why && <em>{r.why}</em>}
                            {r.argv && (
                                <>
                                    {" "}
                                    <Button variant="link" isInline onClick={() => void apply(r.argv!, r.id, r.ms)}>
                                        {_("Apply")}
                                    </Button>
                                    <CommandLine argv={r.argv} />
                                </>
                            )}
                        </ListItem>
                    ))}
                </List>
            )}
            {applied && <p data-remedy-result>{applied.text}</p>}
            {record.autopilot && <PolicySteps record={record} steps={steps} />}
        </div>
    );
}

/** The policy's schedule, each step with what the job did about it (in the history too, from the record). */
export function PolicySteps({ record, steps }: { record: MigrationRecord; steps: StepTaken[] }) {
    const a = record.autopilot!;
    const result = { ok: _("done"), failed: _("failed"), skipped: _("skipped (post-copy)") };
    return (
        <>
            <p>{format(_("Policy: $0"), a.policy ? policyTitle(a.policy as never) : "")}</p>
            <List data-policy-taken>
                {a.schedule.map((s, i) => {
                    const t = steps.find((x) => x.index === i);
                    return (
                        <ListItem key={i} data-step={t?.result ?? "pending"}>
                            {`${triggerText(s.step.when)}: ${actionText(s.step.action)}`}
                            {t && ` — ${result[t.result]} ${new Date(t.at).toLocaleTimeString()} ${t.message}`}
                            <CommandLine argv={s.argv} />
                        </ListItem>
                    );
                })}
            </List>
        </>
    );
}

const W = 300,
    H = 60;

/** x, y in the chart's box of each value, 0..max. */
function line(xs: Sample[], t0: number, t1: number, y: (s: Sample) => number, max: number): string {
    return xs
        .map((s) => `${(((s.at - t0) / (t1 - t0 || 1)) * W).toFixed(1)},${(H - (y(s) / (max || 1)) * H).toFixed(1)}`)
        .join(" ");
}

/** Remaining memory; sent and dirtied per second; expected downtime against the limit; passes as lines. */
function Chart({ samples, limit }: { samples: Sample[]; limit: number }) {
    const xs = thin(samples, 150);
    const t0 = xs[0]!.at,
        t1 = xs.at(-1)!.at;
    const peak = Math.max(...xs.map((s) => Math.max(s.bps, s.dirtyBps)));
    const down = Math.max(limit, ...xs.map((s) => s.expectedDowntimeMs ?? 0));
    const passes = passStarts(samples).slice(1);
    const x = (s: Sample) => (((s.at - t0) / (t1 - t0 || 1)) * W).toFixed(1);
    const panel = (label: string, body: React.ReactNode) => (
        <svg className="cm-chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
            {passes.map((p) => (
                <line key={p.at} className="cm-pass" x1={x(p)} x2={x(p)} y1={0} y2={H} />
            ))}
            {body}
        </svg>
    );
    return (
        <>
            <div className="cm-legend">
                <span className="cm-c1">{_("Remaining")}</span> <span className="cm-c2">{_("Sent/s")}</span>{" "}
                <span className="cm-c3">{_("Dirtied/s")}</span> <span className="cm-c4">{_("Expected downtime")}</span>{" "}
                <span className="cm-c5">{format(_("limit $0 ms"), limit)}</span>
            </div>
            {panel(
                _("Remaining memory, sent and dirtied per second"),
                <>
                    <polyline className="cm-c1" points={line(xs, t0, t1, (s) => s.remaining, xs[0]!.total)} />
                    <polyline className="cm-c2" points={line(xs, t0, t1, (s) => s.bps, peak)} />
                    <polyline className="cm-c3" points={line(xs, t0, t1, (s) => s.dirtyBps, peak)} />
                </>,
            )}
            {panel(
                _("Expected downtime and its limit"),
                <>
                    <polyline className="cm-c4" points={line(xs, t0, t1, (s) => s.expectedDowntimeMs ?? 0, down)} />
                    <line className="cm-c5" x1={0} x2={W} y1={H - (limit / down) * H} y2={H - (limit / down) * H} />
                </>,
            )}
            <table className="cm-sr">
                <caption>{_("Migration statistics over time")}</caption>
                <thead>
                    <tr>
                        {[
                            _("Elapsed"),
                            _("Pass"),
                            _("Remaining"),
                            _("Sent/s"),
                            _("Dirtied/s"),
                            _("Expected downtime"),
                        ].map((h) => (
                            <th key={h}>{h}</th>
                        ))}
                    </tr>
                </thead>
                <tbody>
                    {thin(samples, 20).map((s) => (
                        <tr key={s.at}>
                            <td>{formatDuration(s.elapsedMs)}</td>
                            <td>{s.iteration}</td>
                            <td>{formatBytes(s.remaining)}</td>
                            <td>{rate(s.bps)}</td>
                            <td>{rate(s.dirtyBps)}</td>
                            <td>{s.expectedDowntimeMs === null ? "" : formatDuration(s.expectedDowntimeMs)}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </>
    );
}
