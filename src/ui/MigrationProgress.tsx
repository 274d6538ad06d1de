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
    TextInput,
} from "@patternfly/react-core";
import type { MigrationRecord } from "../history/records";
import { controls, finishMigration, jobEnded, pollMigration, runControl } from "../migration/job";
import { switchToPostcopy } from "../migration/postcopy";
import { resumePostcopy } from "../migration/postcopy-resume";
import { downtimeOutcome, type DowntimeOutcome } from "../migration/downtime";
import { progress, type JobStats } from "../migration/jobinfo";
import { CommandLine } from "./CommandLine";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { errorText } from "../../pkg/lib/error-text";
import { formatBytes, formatDuration } from "./format";
import { _, format } from "../../pkg/lib/gettext";

const OUTCOME_TEXT: Record<MigrationRecord["outcome"], string> = {
    running: _("running"),
    completed: _("completed"),
    failed: _("failed"),
    cancelled: _("cancelled"),
    lost: _("lost"),
};

const PHASE: Record<string, string> = {
    starting: _("Starting"),
    setup: _("Setting up"),
    storage: _("Copying disks"),
    memory: _("Copying memory"),
    postcopy: _("Post-copy"),
    done: _("Completing"),
};

/** Polls a running migration about once a second; finishes its record when the job ends. */
export function MigrationProgress({
    record,
    onFinished,
}: {
    record: MigrationRecord;
    onFinished(r: MigrationRecord): void;
}) {
    const { runner, files } = useServices();
    const [stats, setStats] = useState<JobStats | null>(null);
    const [pollError, setPollError] = useState<string | null>(null);
    const [postcopy, setPostcopy] = useState(false);
    const last = useRef<JobStats | null>(null);
    const finished = useRef(false);
    // the job ended but the history does not hold its outcome: said here, and recorded again on request
    const [unrecorded, setUnrecorded] = useState<{ record: MigrationRecord; message: string; fix: string } | null>(
        null,
    );
    const [attempt, setAttempt] = useState(0);
    const [downtime, setDowntime] = useState<DowntimeOutcome>({ applied: null, message: "" });

    useEffect(() => {
        let alive = true;
        let timer: ReturnType<typeof setTimeout>;
        let n = 0;
        // the job's status every 250 ms (so the end shows at once), its statistics every second
        const tick = async () => {
            try {
                const p = await pollMigration(runner, record, n++ % 4 === 0);
                if (!alive) return;
                setPollError(null);
                if (record.maxDowntime) setDowntime(downtimeOutcome(p.job));
                if (p.stats && p.stats.type !== "none") {
                    last.current = p.stats;
                    setStats(p.stats);
                }
                if (jobEnded(p.job, record, Date.now()) && !finished.current) {
                    finished.current = true;
                    const f = await finishMigration({ runner, files }, record, p.job, last.current);
                    if (f.unrecorded) {
                        if (alive) setUnrecorded({ record: f.record, ...f.unrecorded });
                    } else onFinished(f.record);
                    return;
                }
            } catch (e) {
                finished.current = false;
                if (alive) setPollError(errorText(e));
            }
            if (alive) timer = setTimeout(() => void tick(), 250);
        };
        void tick();
        return () => {
            alive = false;
            clearTimeout(timer);
        };
    }, [runner, files, record, onFinished, attempt]);

    const p = stats ? progress(stats, postcopy) : null;
    const elapsed = stats?.timeElapsedMs ?? null;
    return (
        <Card isCompact aria-label={format(_("Migration of $0"), record.domain)} data-migration={record.id}>
            <CardTitle>
                {format(_("Migrating $0 to $1"), record.domain, record.destination.label)}{" "}
                <Label color="blue" isCompact>
                    {p ? PHASE[p.phase] : _("Starting")}
                </Label>
            </CardTitle>
            <CardBody>
                <Progress
                    aria-label={_("Migration progress")}
                    value={p?.percent ?? 0}
                    measureLocation={ProgressMeasureLocation.outside}
                    title={
                        p?.percent !== null && p?.percent !== undefined
                            ? format(_("$0 of $1"), formatBytes(stats?.dataProcessed), formatBytes(stats?.dataTotal))
                            : _("Waiting for the job to start")
                    }
                />
                <DescriptionList
                    isCompact
                    isHorizontal
                    columnModifier={{ default: "3Col" }}
                    aria-label={_("Job statistics")}
                >
                    <Stat term={_("Processed")} value={formatBytes(stats?.dataProcessed)} />
                    <Stat term={_("Remaining")} value={formatBytes(stats?.dataRemaining)} />
                    <Stat term={_("Total")} value={formatBytes(stats?.dataTotal)} />
                    <Stat term={_("Speed")} value={p?.mibPerSecond ? `${p.mibPerSecond.toFixed(1)} MiB/s` : "—"} />
                    <Stat
                        term={_("Dirty rate")}
                        value={
                            p?.dirtyMiBPerSecond !== null && p?.dirtyMiBPerSecond !== undefined
                                ? `${p.dirtyMiBPerSecond.toFixed(1)} MiB/s`
                                : "—"
                        }
                    />
                    <Stat term={_("Iteration")} value={stats?.iteration ?? "—"} />
                    <Stat term={_("Expected downtime")} value={formatDuration(stats?.downtimeMs)} />
                    <Stat term={_("Elapsed")} value={formatDuration(elapsed)} />
                    <Stat
                        term={_("Time left")}
                        value={
                            p?.etaSeconds !== null && p?.etaSeconds !== undefined
                                ? formatDuration(p.etaSeconds * 1000)
                                : "—"
                        }
                    />
                </DescriptionList>
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
                            OUTCOME_TEXT[unrecorded.record.outcome],
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
                <Controls
                    record={record}
                    inPostcopy={postcopy || p?.phase === "postcopy"}
                    onPostcopy={() => setPostcopy(true)}
                />
                <ExpandableSection toggleText={_("Command")}>
                    <CommandLine argv={record.argv} label={_("Command")} />
                </ExpandableSection>
            </CardBody>
        </Card>
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
}: {
    record: MigrationRecord;
    inPostcopy: boolean;
    onPostcopy(): void;
}) {
    const { runner } = useServices();
    const [message, setMessage] = useState<{ ok: boolean; text: string; fix?: string; detail?: string } | null>(null);
    const [busy, setBusy] = useState<string | null>(null);
    const [downtime, setDowntime] = useState("");
    const [speed, setSpeed] = useState("");
    const allowPostcopy = record.options.postcopy === true;
    const act = async (name: string, argv: string[], done: string) => {
        setBusy(name);
        setMessage(null);
        try {
            await runControl(runner, argv);
            setMessage({ ok: true, text: done });
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
    onDismiss,
    onResumed,
}: {
    record: MigrationRecord;
    onDismiss?: () => void;
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
            isInline
            title={title}
            data-migration-result={record.id}
            data-outcome={record.outcome}
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
            {record.summary && (
                <p>
                    {format(
                        _("Duration $0 · data $1 · downtime $2"),
                        formatDuration(record.summary.durationMs),
                        formatBytes(record.summary.dataBytes),
                        formatDuration(record.summary.downtimeMs),
                    )}
                </p>
            )}
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
