/** A VM's detail row: its disks, network interfaces, CPU and last migrations, read when the row opens. */
import { Alert, Label, List, ListItem, Spinner } from "@patternfly/react-core";
import { parseDefinition, type DiskDef } from "../domains/definition";
import type { Domain } from "../domains/types";
import { lastMigrations } from "../history/recent";
import { readHistory } from "../history/records";
import { dumpxml } from "../virsh/argv";
import { LOCAL } from "../../pkg/lib/runner";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";
import { useLoader } from "./hooks";
import { useServices } from "./services";
import { OUTCOME } from "./MigrationProgress";

function diskSource(d: DiskDef): string {
    if (d.source) return d.source;
    if (d.pool || d.volume) return `${d.pool ?? "?"}/${d.volume ?? "?"}`;
    return _("no medium");
}

export function DomainDetail({ uri, domain }: { uri: string; domain: Domain }) {
    const { runner, files } = useServices();
    const definition = useLoader(`definition\n${uri}\n${domain.uuid}`, async () =>
        parseDefinition(await runner.run(LOCAL, dumpxml(uri, domain.uuid), { timeoutMs: 60_000 })),
    );
    const history = useLoader(`detail-history\n${domain.uuid}`, () => readHistory(files));
    const def = definition.data;
    const migrations = history.data ? lastMigrations(history.data, domain) : null;
    const loading = (what: string) => <Spinner size="md" aria-label={what} />;

    return (
        <dl className="cm-detail" aria-label={format(_("Details of $0"), domain.name)}>
            {definition.error !== null && !def && (
                <Alert variant="warning" isInline isPlain title={_("The definition could not be read")}>
                    {errorText(definition.error, { stderr: true })}
                </Alert>
            )}

            <dt>{_("Disks")}</dt>
            <dd data-detail="disks">
                {!def ? (
                    definition.error === null && loading(_("Loading disks"))
                ) : def.disks.length === 0 ? (
                    _("None")
                ) : (
                    <List isPlain aria-label={_("Disks")}>
                        {def.disks.map((d, i) => (
                            <ListItem key={d.target ?? i}>
                                <code>{d.target ?? "—"}</code> {diskSource(d)}{" "}
                                <Label isCompact>{d.device === "disk" ? d.type : d.device}</Label>
                                {d.readonly && (
                                    <>
                                        {" "}
                                        <Label isCompact>{_("read-only")}</Label>
                                    </>
                                )}
                                {d.shareable && (
                                    <>
                                        {" "}
                                        <Label isCompact>{_("shareable")}</Label>
                                    </>
                                )}
                            </ListItem>
                        ))}
                    </List>
                )}
            </dd>

            <dt>{_("Network interfaces")}</dt>
            <dd data-detail="interfaces">
                {!def ? (
                    definition.error === null && loading(_("Loading network interfaces"))
                ) : def.interfaces.length === 0 ? (
                    _("None")
                ) : (
                    <List isPlain aria-label={_("Network interfaces")}>
                        {def.interfaces.map((n, i) => (
                            <ListItem key={i}>{n.source ? format(_("$0 ($1)"), n.source, n.type) : n.type}</ListItem>
                        ))}
                    </List>
                )}
            </dd>

            <dt>{_("CPU")}</dt>
            <dd data-detail="cpu">
                {!def
                    ? definition.error === null && loading(_("Loading the CPU"))
                    : [
                          def.cpuMode ?? _("hypervisor default"),
                          def.cpuModel,
                          def.machine && format(_("machine $0"), def.machine),
                      ]
                          .filter(Boolean)
                          .join(" · ")}
            </dd>

            <dt>{_("Last migrations")}</dt>
            <dd data-detail="migrations">
                {history.error !== null && !migrations ? (
                    errorText(history.error)
                ) : !migrations ? (
                    loading(_("Loading the history"))
                ) : migrations.length === 0 ? (
                    _("Never migrated with this page")
                ) : (
                    <List isPlain aria-label={_("Last migrations")}>
                        {migrations.map((r) => (
                            <ListItem key={r.id}>
                                {format(
                                    _("$0: $1 → $2"),
                                    new Date(r.startedAt).toLocaleString(),
                                    r.source.label,
                                    r.destination.label,
                                )}{" "}
                                <Label isCompact color={OUTCOME[r.outcome][1]}>
                                    {OUTCOME[r.outcome][0]}
                                </Label>
                            </ListItem>
                        ))}
                    </List>
                )}
            </dd>
        </dl>
    );
}
