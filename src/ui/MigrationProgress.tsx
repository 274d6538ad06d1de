import { useEffect, useRef, useState } from "react";
import {
    Alert,
    AlertActionLink,
    Button,
    Card,
    CardBody,
    CardTitle,
    DescriptionList,
    DescriptionListDescription,
    DescriptionListGroup,
    DescriptionListTerm,
    ExpandableSection,
    Flex,
    FlexItem,
    Label,
    List,
    ListItem,
    Progress,
    ProgressMeasureLocation,
    Spinner,
    TextInput,
} from "@patternfly/react-core";
import type { MigrationRecord } from "../history/records";
import { controls, finishMigration, jobStats, runControl } from "../migration/job";
import { followJob } from "../migration/follow";
import { parseColdProgress, type ColdProgress } from "../coldmove/job";
import { markStep } from "../migration/marks";
import { switchToPostcopy } from "../migration/postcopy";
import { resumePostcopy } from "../migration/postcopy-resume";
import { downtimeOutcome, type DowntimeOutcome } from "../migration/downtime";
import type { JobStats } from "../migration/jobinfo";
import { progressView, type FigureKey, type ViewPhase } from "../migration/progress-view";
import { CommandLine } from "./CommandLine";
import { Convergence, PolicySteps } from "./Convergence";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { errorText } from "../../pkg/lib/error-text";
import { formatBytes, formatDuration } from "./format";
import { _, format } from "../../pkg/lib/gettext";

/** An outcome's name, and the color of its label in the history. */
export const OUTCOME: Record<MigrationRecord["outcome"], [string, "blue" | "green" | "red" | "grey" | "orange"]> = {
    running: [_("Running"), "blue"],
    completed: [_("Completed"), "green"],
    failed: [_("Failed"), "red"],
    cancelled: [_("Cancelled"), "grey"],
    lost: [_("Lost"), "orange"],
};

const PHASE: Record<ViewPhase, string> = {
    started: _("Started"),
    connecting: _("Preparing the destination"),
    storage: _("Copying disks"),
    precopy: _("Pre-copy"),
    postcopy: _("Post-copy"),
    cancelling: _("Cancelling"),
    completing: _("Completing"),
    verifying: _("Verifying"),
};

const FIGURE: Record<FigureKey, string> = {
    speed: _("Speed"),
    dirtyRate: _("Dirty rate"),
    iteration: _("Iteration"),
    expectedDowntime: _("Expected downtime"),
    elapsed: _("Elapsed"),
    timeLeft: _("Time left"),
};

function figureText(key: FigureKey, value: number): string {
    return key === "iteration"
        ? String(value)
        : key === "speed" || key === "dirtyRate"
          ? format(_("$0/s"), formatBytes(value))
          : formatDuration(value);
}

/** Statistics are read this often for the first seconds (short migrations), then every second. */
const FAST_STATS_MS = 5000;

/**
 * Follows a running migration: the job's end as soon as its process exits (src/migration/follow.ts,
 * with the status polled as the fallback), its statistics in a loop of their own (a slow answer
 * while libvirt cancels does not hold the status), and finishes its record when the job ends.
 */
export function MigrationProgress({
    record,
    onFinished,
}: {
    record: MigrationRecord;
    onFinished(r: MigrationRecord): void;
}) {
    const { runner, files } = useServices();
    const [sample, setSample] = useState<JobStats | null>(null);
    const [seen, setSeen] = useState<JobStats | null>(null);
    const [pollError, setPollError] = useState<string | null>(null);
    const [postcopy, setPostcopy] = useState(false);
    const [cancelRequested, setCancelRequested] = useState(false);
    // the job has ended and its outcome is being checked on both hosts
    const [verifying, setVerifying] = useState(false);
    const [now, setNow] = useState(() => Date.now());
    const last = useRef<JobStats | null>(null);
    const finished = useRef(false);
    // the job ended but the history does not hold its outcome: said here, and recorded again on request
    const [unrecorded, setUnrecorded] = useState<{ record: MigrationRecord; message: string; fix: string } | null>(
        null,
    );
    const [attempt, setAttempt] = useState(0);
    const [downtime, setDowntime] = useState<DowntimeOutcome>({ applied: null, message: "" });
    const [cold, setCold] = useState<ColdProgress | null>(null);

    // the latest of each, for a follow that is not restarted when the parent renders them anew
    const current = useRef({ record, onFinished });
    current.current = { record, onFinished };

    useEffect(() => {
        let alive = true;
        let statsTimer: ReturnType<typeof setTimeout>;
        const { record } = current.current;
        const statsLoop = async () => {
            const s = await jobStats(runner, record).catch(() => null);
            if (!alive) return;
            setSample(s);
            if (s && (s.type === "bounded" || s.type === "unbounded")) {
                last.current = s;
                setSeen(s);
            }
            if (!finished.current)
                statsTimer = setTimeout(
                    () => void statsLoop(),
                    Date.now() - record.startedAt < FAST_STATS_MS ? 250 : 1000,
                );
        };
        const stop = followJob(runner, record, {
            onStatus: (job) => {
                if (!alive) return;
                setPollError(null);
                setNow(Date.now());
                if (record.maxDowntime) setDowntime(downtimeOutcome(job));
                if (record.coldMove) setCold(parseColdProgress(job.stdout, record.coldMove.files));
            },
            onError: (e) => {
                if (!alive) return;
                setVerifying(false);
                setPollError(errorText(e));
            },
            onEnd: async (job) => {
                // finishing already (a follow of before a re-render, or of before "Record again")
                if (finished.current) return;
                finished.current = true;
                setVerifying(true);
                let f;
                try {
                    f = await finishMigration({ runner, files }, current.current.record, job, last.current);
                } catch (e) {
                    finished.current = false;
                    throw e;
                }
                markStep("finished", record.id);
                if (!alive) return;
                setVerifying(false);
                if (f.unrecorded) setUnrecorded({ record: f.record, ...f.unrecorded });
                else current.current.onFinished(f.record);
            },
        });
        void statsLoop();
        return () => {
            alive = false;
            stop();
            clearTimeout(statsTimer);
        };
        // the record's id names the job: a new object for the same record (every history read) is the same job
    }, [runner, files, record.id, attempt]);

    const view = progressView({
        sample,
        seen,
        jobEnded: verifying,
        verifying,
        cancelRequested,
        postcopySwitched: postcopy,
        elapsedMs: now - record.startedAt,
    });
    return (
        <Card
            isCompact
            aria-label={format(_("Migration of $0"), record.domain)}
            data-migration={record.id}
            data-phase={view.phase}
        >
            <CardTitle>
                {format(_("Migrating $0 to $1"), record.domain, record.destination.label)}{" "}
                <Label color={view.phase === "cancelling" ? "orange" : "blue"} isCompact data-phase-label>
                    {PHASE[view.phase]}
                </Label>
            </CardTitle>
            <CardBody>
                {record.coldMove ? (
                    <ColdMoveProgress progress={cold} />
                ) : view.percent !== null && view.data ? (
                    <Progress
                        aria-label={_("Migration progress")}
                        value={view.percent}
                        measureLocation={ProgressMeasureLocation.outside}
                        title={format(_("$0 of $1"), formatBytes(view.data.processed), formatBytes(view.data.total))}
                    />
                ) : (
                    <Spinner size="lg" aria-label={PHASE[view.phase]} />
                )}
                <DescriptionList
                    isCompact
                    isHorizontal
                    columnModifier={{ default: "3Col" }}
                    aria-label={_("Job statistics")}
                >
                    {view.data && (
                        <>
                            <Stat term={_("Processed")} value={formatBytes(view.data.processed)} />
                            {view.data.remaining !== null && (
                                <Stat term={_("Remaining")} value={formatBytes(view.data.remaining)} />
                            )}
                            <Stat term={_("Total")} value={formatBytes(view.data.total)} />
                        </>
                    )}
                    {(Object.keys(FIGURE) as FigureKey[]).map((k) => {
                        const v = view.figures[k];
                        return v !== null && <Stat key={k} term={FIGURE[k]} value={figureText(k, v)} />;
                    })}
                </DescriptionList>
                {record.options.mode === "live" && (
                    <Convergence record={record} active={!verifying} onPostcopy={() => setPostcopy(true)} />
                )}
                {record.maxDowntime && downtime.applied === false && (
                    <DowntimeNotSet ms={record.maxDowntime.ms} message={downtime.message} />
                )}
                {pollError && (
                    <Alert
                        variant="warning"
                        isInline
                        isPlain
                        title={format(_("Cannot read the job's progress: $0"), pollError)}
                    />
                )}
                {unrecorded && (
                    <Alert
                        variant="danger"
                        isInline
                        data-unrecorded
                        title={format(
                            _("The migration ended ($0: $1) but its outcome could not be recorded"),
                            OUTCOME[unrecorded.record.outcome][0],
                            unrecorded.record.verification?.where ?? "?",
                        )}
                        actionLinks={
                            <AlertActionLink
                                onClick={() => {
                                    setUnrecorded(null);
                                    finished.current = false;
                                    setAttempt((a) => a + 1);
                                }}
                            >
                                {_("Record again")}
                            </AlertActionLink>
                        }
                    >
                        <p>{unrecorded.message}</p>
                        <p>{unrecorded.fix}</p>
                    </Alert>
                )}
                {!verifying && (
                    <Controls
                        record={record}
                        inPostcopy={postcopy || view.phase === "postcopy"}
                        onPostcopy={() => setPostcopy(true)}
                        onCancelled={() => setCancelRequested(true)}
                    />
                )}
                <ExpandableSection toggleText={_("Command")}>
                    <CommandLine argv={record.coldMove?.commands ?? record.argv} label={_("Command")} />
                </ExpandableSection>
            </CardBody>
        </Card>
    );
}

/** A cold move's copy: bytes of the allocated total, MiB/s and the time left, file by file. */
function ColdMoveProgress({ progress: p }: { progress: ColdProgress | null }) {
    if (!p || p.file === 0) return <Spinner size="lg" aria-label={_("Preparing the copy")} />;
    return (
        <Progress
            aria-label={_("Copy progress")}
            data-cold-progress
            value={p.total > 0 ? Math.round((100 * p.bytes) / p.total) : 0}
            measureLocation={ProgressMeasureLocation.outside}
            title={format(_("File $0 of $1: $2 of $3"), p.file, p.files, formatBytes(p.bytes), formatBytes(p.total))}
            helperText={
                p.mibPerSecond !== null
                    ? format(_("$0 MiB/s, about $1 s left"), p.mibPerSecond.toFixed(1), Math.round(p.etaSeconds ?? 0))
                    : undefined
            }
        />
    );
}

/** The job could not set the chosen maximum downtime: libvirt's default applies. */
function DowntimeNotSet({ ms, message }: { ms: number; message?: string | undefined }) {
    return (
        <Alert
            variant="warning"
            isInline
            data-downtime="failed"
            title={format(_("The maximum downtime of $0 ms could not be set"), ms)}
        >
            <p>
                {_(
                    "libvirt's default (300 ms) applies to this migration. Set it again below while the migration runs.",
                )}
            </p>
            {message && <pre className="cm-command">{message}</pre>}
        </Alert>
    );
}

function Stat({ term, value }: { term: string; value: string | number }) {
    return (
        <DescriptionListGroup>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription aria-label={term}>{value}</DescriptionListDescription>
        </DescriptionListGroup>
    );
}

function Controls({
    record,
    inPostcopy,
    onPostcopy,
    onCancelled,
}: {
    record: MigrationRecord;
    inPostcopy: boolean;
    onPostcopy(): void;
    /** libvirt accepted the abort: the job is being cancelled (the progress keeps being followed). */
    onCancelled(): void;
}) {
    const { runner } = useServices();
    const [message, setMessage] = useState<{ ok: boolean; text: string; fix?: string; detail?: string } | null>(null);
    const [busy, setBusy] = useState<string | null>(null);
    const [downtime, setDowntime] = useState("");
    const [speed, setSpeed] = useState("");
    const allowPostcopy = record.options.postcopy === true;
    const act = async (name: string, argv: string[], done: string, then?: () => void) => {
        setBusy(name);
        setMessage(null);
        try {
            await runControl(runner, argv);
            setMessage({ ok: true, text: done });
            then?.();
        } catch (e) {
            setMessage({ ok: false, text: errorText(e) });
        } finally {
            setBusy(null);
        }
    };
    // post-copy is shown only once libvirt has accepted the switch; a refusal is shown with its fix
    const postcopy = async () => {
        setBusy("postcopy");
        setMessage(null);
        const r = await switchToPostcopy(runner, record);
        setBusy(null);
        if (r.ok) {
            setMessage({ ok: true, text: _("Switched to post-copy: the VM now runs on the destination.") });
            onPostcopy();
        } else setMessage({ ok: false, text: r.refusal.title, fix: r.refusal.fix, detail: r.refusal.message });
    };
    return (
        <>
            <Flex
                spaceItems={{ default: "spaceItemsSm" }}
                alignItems={{ default: "alignItemsCenter" }}
                style={{ marginTop: "1rem" }}
            >
                {/* libvirt refuses domjobabort once post-copy runs: the guest already runs on the destination */}
                {!inPostcopy && (
                    <FlexItem>
                        <Button
                            variant="danger"
                            isLoading={busy === "abort"}
                            isDisabled={busy !== null}
                            onClick={() =>
                                void act(
                                    "abort",
                                    controls.abort(record),
                                    _("Cancelling: the VM keeps running on the source."),
                                    onCancelled,
                                )
                            }
                        >
                            {_("Cancel migration")}
                        </Button>
                    </FlexItem>
                )}
                {allowPostcopy && !inPostcopy && (
                    <FlexItem>
                        <Button
                            variant="secondary"
                            isLoading={busy === "postcopy"}
                            isDisabled={busy !== null}
                            onClick={() => void postcopy()}
                        >
                            {_("Switch to post-copy")}
                        </Button>
                    </FlexItem>
                )}
                <FlexItem>
                    <TextInput
                        aria-label={_("New maximum downtime (ms)")}
                        type="number"
                        value={downtime}
                        onChange={(_e, v) => setDowntime(v)}
                        placeholder={_("Max downtime ms")}
                        style={{ width: "10em" }}
                    />
                </FlexItem>
                <FlexItem>
                    <Button
                        variant="secondary"
                        isDisabled={busy !== null || !/^\d+$/.test(downtime) || Number(downtime) < 1}
                        onClick={() =>
                            void act(
                                "downtime",
                                controls.maxDowntime(record, Number(downtime)),
                                format(_("Maximum downtime set to $0 ms."), downtime),
                            )
                        }
                    >
                        {_("Set downtime")}
                    </Button>
                </FlexItem>
                <FlexItem>
                    <TextInput
                        aria-label={_("New bandwidth (MiB/s)")}
                        type="number"
                        value={speed}
                        onChange={(_e, v) => setSpeed(v)}
                        placeholder={_("MiB/s")}
                        style={{ width: "8em" }}
                    />
                </FlexItem>
                <FlexItem>
                    <Button
                        variant="secondary"
                        isDisabled={busy !== null || !/^\d+$/.test(speed) || Number(speed) < 1}
                        onClick={() =>
                            void act(
                                "speed",
                                controls.speed(record, Number(speed)),
                                format(_("Bandwidth set to $0 MiB/s."), speed),
                            )
                        }
                    >
                        {_("Set bandwidth")}
                    </Button>
                </FlexItem>
            </Flex>
            {message && (
                <Alert
                    variant={message.ok ? "info" : "danger"}
                    isInline
                    isPlain={!message.fix}
                    title={message.text}
                    data-control-message={message.ok ? "ok" : "refused"}
                >
                    {message.fix && <p>{message.fix}</p>}
                    {message.detail && (
                        <ExpandableSection toggleText={_("Message from libvirt")}>
                            <pre className="cm-command">{message.detail}</pre>
                        </ExpandableSection>
                    )}
                </Alert>
            )}
        </>
    );
}

/** A finished migration: outcome, verification on both hosts, summary, and what to do on failure. */
export function MigrationResult({
    record,
    toast = false,
    onDismiss,
    onShowHistory,
    onResumed,
}: {
    record: MigrationRecord;
    /** Shown as a toast (in an AlertGroup) rather than inline. */
    toast?: boolean;
    onDismiss?: () => void;
    /** Opens the migration history at this record. */
    onShowHistory?: () => void;
    /** Called once a post-copy resume has started (a new migration job): the history shows its progress. */
    onResumed?: () => void;
}) {
    const ok = record.outcome === "completed" && record.verification?.ok !== false;
    const title =
        record.outcome === "completed"
            ? format(_("$0 migrated to $1"), record.domain, record.destination.label)
            : record.outcome === "cancelled"
              ? format(_("Migration of $0 cancelled"), record.domain)
              : format(_("Migration of $0 to $1 failed"), record.domain, record.destination.label);
    const v = record.verification;
    return (
        <Alert
            variant={ok ? "success" : record.outcome === "cancelled" && v?.ok ? "info" : "danger"}
            isInline={!toast}
            title={title}
            data-migration-result={record.id}
            data-outcome={record.outcome}
            actionLinks={
                onShowHistory ? (
                    <AlertActionLink onClick={onShowHistory}>{_("View in history")}</AlertActionLink>
                ) : undefined
            }
            actionClose={
                onDismiss ? (
                    <Button variant="plain" aria-label={_("Dismiss")} onClick={onDismiss}>
                        ×
                    </Button>
                ) : undefined
            }
        >
            {record.explanation && (
                <p>
                    <strong>{record.explanation.title}.</strong> {record.explanation.fix}
                </p>
            )}
            {v && <p>{format(_("Checked on both hosts: $0."), v.where)}</p>}
            {v && v.problems.length > 0 && (
                <List>
                    {v.problems.map((p) => (
                        <ListItem key={p}>{p}</ListItem>
                    ))}
                </List>
            )}
            {record.postcopyResume && <PostcopyResume record={record} onResumed={onResumed} />}
            {record.autostart && <p data-autostart={record.autostart.ok ? "ok" : "failed"}>{record.autostart.text}</p>}
            {record.summary && <Summary summary={record.summary} />}
            {record.autopilot && <PolicySteps record={record} steps={record.autopilot.taken ?? []} />}
            {record.maxDowntime?.applied === false && (
                <p data-downtime="failed">
                    {format(
                        _("The maximum downtime of $0 ms could not be set; libvirt's default (300 ms) applied: $1"),
                        record.maxDowntime.ms,
                        record.maxDowntime.message ?? "",
                    )}
                </p>
            )}
            {record.message && (
                <ExpandableSection toggleText={_("Message from libvirt")}>
                    <pre className="cm-command">{record.message}</pre>
                </ExpandableSection>
            )}
        </Alert>
    );
}

/** The figures of a finished migration that are known; an unknown one is left out, not shown as 0 B or "—". */
function Summary({ summary }: { summary: NonNullable<MigrationRecord["summary"]> }) {
    const parts = [
        summary.durationMs !== null ? format(_("Duration $0"), formatDuration(summary.durationMs)) : null,
        summary.dataBytes !== null ? format(_("data $0"), formatBytes(summary.dataBytes)) : null,
        summary.downtimeMs !== null ? format(_("downtime $0"), formatDuration(summary.downtimeMs)) : null,
    ].filter((p) => p !== null);
    return parts.length > 0 ? <p data-summary>{parts.join(" · ")}</p> : null;
}

/** The failed post-copy's resume: the command, and a button that runs it as a new migration job. */
function PostcopyResume({ record, onResumed }: { record: MigrationRecord; onResumed?: (() => void) | undefined }) {
    const services = useServices();
    const { busy, failure, run } = useAction();
    const resume = () =>
        run(async () => {
            await resumePostcopy({ runner: services.runner, files: services.files }, record, await services.userName());
            onResumed?.();
        });
    return (
        <>
            <CommandLine
                argv={record.postcopyResume!}
                label={_("Resume the migration once the hosts reach each other again")}
            />
            {onResumed && (
                <Button variant="primary" isLoading={busy} isDisabled={busy} onClick={() => void resume()}>
                    {_("Resume the migration")}
                </Button>
            )}
            {failure && (
                <Alert variant="danger" isInline title={_("The migration could not be resumed")}>
                    {failure}
                </Alert>
            )}
        </>
    );
}
