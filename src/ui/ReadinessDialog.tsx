import { useRef, useState } from "react";
import {
    Button,
    Checkbox,
    ExpandableSection,
    Flex,
    FlexItem,
    Form,
    FormGroup,
    Label,
    List,
    ListItem,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Radio,
    Stack,
    StackItem,
} from "@patternfly/react-core";
import { isActive, type Domain } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import type { MigrationOptions } from "../migration/options";
import { runPreflight } from "../preflight/checks";
import { dirtyRates } from "./Preflight";
import { preflightInput, routeBetween } from "../preflight/input";
import { readiness, readinessOptions } from "../preflight/readiness";
import type { CheckResult, Severity } from "../preflight/types";
import { useServices } from "./services";
import { Help } from "./migrate/Help";
import { useDestinationChoices, usePolicy } from "./hooks";
import { SEVERITY_ICON } from "./severityIcon";
import { _, format, ngettext } from "../../pkg/lib/gettext";

const LABEL: Record<Severity, [string, "green" | "blue" | "orange" | "red"]> = {
    pass: [_("Ready"), "green"],
    info: [_("Ready"), "blue"],
    warning: [_("Warnings"), "orange"],
    error: [_("Blocked"), "red"],
};

type Storage = MigrationOptions["storage"];
/** The Migrate dialog's storage modes, by the same names (its Storage choice). */
const STORAGE: [Storage, string][] = [
    ["shared", _("Shared")],
    ["copy-all", _("Copy all disks")],
    ["copy-inc", _("Copy incrementally")],
];

/** "Check migration readiness": the pre-flight checks of one VM against several hosts at once. */
export function ReadinessDialog({
    domain,
    sourceUri,
    hosts,
    onClose,
    onMigrate,
}: {
    domain: Domain;
    sourceUri: string;
    hosts: KnownHost[];
    onClose(): void;
    /** Opens the Migrate dialog with this destination (a DestinationChoice's id, as the dialog offers it). */
    onMigrate?(hostId: string): void;
}) {
    const { runner } = useServices();
    // the destinations the Migrate dialog offers: one per machine, This host when the source is another machine
    const { choices: candidates, reading } = useDestinationChoices(sourceUri, hosts);
    // every candidate is checked unless the admin unchecked it (the list settles once the machines are read)
    const [unchecked, setUnchecked] = useState<ReadonlySet<string>>(new Set());
    const chosen = candidates.filter((c) => !unchecked.has(c.id));
    const [storage, setStorage] = useState<Storage>("shared");
    const [results, setResults] = useState<Record<string, CheckResult[] | "running">>({});
    const generation = useRef(0);
    const policy = usePolicy();
    const live = isActive(domain.state);

    const check = (mode: Storage) => {
        const g = ++generation.current;
        const options = readinessOptions(domain.state, mode);
        setResults({});
        for (const h of chosen) {
            setResults((r) => ({ ...r, [h.id]: "running" }));
            void runPreflight(
                { runner, dirtyRates },
                preflightInput(
                    domain,
                    routeBetween(sourceUri, h, hosts),
                    options,
                    policy.data ? { policy: policy.data } : {},
                ),
            ).then((all) => {
                if (g === generation.current) setResults((r) => ({ ...r, [h.id]: all }));
            });
        }
    };
    const chooseStorage = (mode: Storage) => {
        setStorage(mode);
        // results for another storage mode would answer another question: check again
        if (Object.keys(results).length > 0) check(mode);
    };

    return (
        <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="readiness-title">
            <ModalHeader
                title={format(_("Migration readiness of $0"), domain.name)}
                labelId="readiness-title"
                description={_(
                    "Runs the pre-flight checks against each chosen host, with the default options and the storage chosen here.",
                )}
            />
            <ModalBody>
                <Form
                    onSubmit={(e) => {
                        e.preventDefault();
                        check(storage);
                    }}
                >
                    <FormGroup role="group" label={_("Hosts")} fieldId="readiness-hosts" isInline>
                        {candidates.map((h) => (
                            <Checkbox
                                key={h.id}
                                id={`readiness-${h.id}`}
                                label={h.label}
                                isChecked={!unchecked.has(h.id)}
                                onChange={(_e, v) =>
                                    setUnchecked((s) => {
                                        const n = new Set(s);
                                        if (v) n.delete(h.id);
                                        else n.add(h.id);
                                        return n;
                                    })
                                }
                            />
                        ))}
                        {reading && (
                            <Help
                                text={_("Reading which machine each host is: the source's own machine is not offered.")}
                            />
                        )}
                    </FormGroup>
                    <FormGroup role="radiogroup" label={_("Storage")} fieldId="readiness-storage" isInline>
                        {STORAGE.map(([mode, label]) => (
                            <Radio
                                key={mode}
                                id={`readiness-storage-${mode}`}
                                name="readiness-storage"
                                label={label}
                                isChecked={storage === mode}
                                // copying disks needs a live migration (readinessOptions)
                                isDisabled={mode !== "shared" && !live}
                                onChange={() => chooseStorage(mode)}
                            />
                        ))}
                    </FormGroup>
                </Form>
                <Stack hasGutter style={{ marginTop: "1rem" }}>
                    {candidates
                        .filter((h) => results[h.id])
                        .map((h) => {
                            const r = results[h.id]!;
                            return (
                                <HostReadiness
                                    key={h.id}
                                    label={h.label}
                                    results={r}
                                    {...(onMigrate ? { onMigrate: () => onMigrate(h.id) } : {})}
                                />
                            );
                        })}
                </Stack>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" onClick={() => check(storage)} isDisabled={chosen.length === 0 || reading}>
                    {_("Check")}
                </Button>
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}

/** One host: its verdict with the icon, the reason it is blocked (or its warnings), Migrate…, then every check. */
function HostReadiness({
    label,
    results,
    onMigrate,
}: {
    label: string;
    results: CheckResult[] | "running";
    onMigrate?(): void;
}) {
    if (results === "running")
        return (
            <StackItem data-readiness={label} data-severity="running">
                <strong>{label}</strong> <Label isCompact>{_("Checking…")}</Label>
            </StackItem>
        );
    const r = readiness(results);
    const reasons = r.blocking.length > 0 ? r.blocking : r.warnings;
    return (
        <StackItem data-readiness={label} data-severity={r.severity}>
            <Flex spaceItems={{ default: "spaceItemsSm" }} alignItems={{ default: "alignItemsCenter" }}>
                <FlexItem>{SEVERITY_ICON[r.severity]}</FlexItem>
                <FlexItem>
                    <strong>{label}</strong>
                </FlexItem>
                <FlexItem>
                    <Label isCompact color={LABEL[r.severity][1]}>
                        {LABEL[r.severity][0]}
                    </Label>
                </FlexItem>
                {r.canMigrate && onMigrate && (
                    <FlexItem>
                        <Button
                            variant="secondary"
                            size="sm"
                            onClick={onMigrate}
                            aria-label={format(_("Migrate to $0…"), label)}
                        >
                            {_("Migrate…")}
                        </Button>
                    </FlexItem>
                )}
            </Flex>
            {reasons.length > 0 && (
                <List isPlain data-readiness-reason={r.blocking.length > 0 ? "blocking" : "warnings"}>
                    {reasons.map((c) => (
                        <ListItem key={c.id} icon={SEVERITY_ICON[c.severity]}>
                            {c.title}
                        </ListItem>
                    ))}
                </List>
            )}
            <ExpandableSection
                toggleText={format(ngettext("$0 check", "$0 checks", r.sorted.length), r.sorted.length)}
                isIndented
            >
                <List isPlain>
                    {r.sorted.map((c) => (
                        <ListItem key={c.id} icon={SEVERITY_ICON[c.severity]} data-severity={c.severity}>
                            {c.title}
                            {c.fix && c.severity !== "pass" ? ` — ${c.fix}` : ""}
                        </ListItem>
                    ))}
                </List>
            </ExpandableSection>
        </StackItem>
    );
}
