import { useState } from "react";
import {
    Button,
    Checkbox,
    ExpandableSection,
    Form,
    FormGroup,
    Label,
    Modal,
    ModalBody,
    ModalFooter,
    ModalHeader,
    Stack,
    StackItem,
} from "@patternfly/react-core";
import type { Domain } from "../domains/types";
import type { KnownHost } from "../hosts/types";
import { hostUri } from "../hosts/uri";
import { defaultOptions } from "../migration/options";
import { runPreflight } from "../preflight/checks";
import { dirtyRates } from "./Preflight";
import { preflightInput, routeBetween } from "../preflight/input";
import { worst, type CheckResult, type Severity } from "../preflight/types";
import { useServices } from "./services";
import { useDestinations, usePolicy } from "./hooks";
import { _, format, ngettext } from "../../pkg/lib/gettext";

const LABEL: Record<Severity, [string, "green" | "blue" | "orange" | "red"]> = {
    pass: [_("Ready"), "green"],
    info: [_("Ready"), "blue"],
    warning: [_("Warnings"), "orange"],
    error: [_("Blocked"), "red"],
};

/** "Check migration readiness": the pre-flight checks of one VM against several hosts at once. */
export function ReadinessDialog({
    domain,
    sourceUri,
    hosts,
    onClose,
}: {
    domain: Domain;
    sourceUri: string;
    hosts: KnownHost[];
    onClose(): void;
}) {
    const { runner } = useServices();
    // not the source's own machine, by host UUID (this host is often a known host too)
    const candidates = useDestinations(sourceUri, hosts);
    const [chosen, setChosen] = useState<Set<string>>(new Set(candidates.map((h) => h.id)));
    const [results, setResults] = useState<Record<string, CheckResult[] | "running">>({});
    const policy = usePolicy();

    const check = () => {
        const options = defaultOptions(domain.state);
        for (const h of candidates.filter((c) => chosen.has(c.id))) {
            setResults((r) => ({ ...r, [h.id]: "running" }));
            const uri = hostUri(h);
            void runPreflight(
                { runner, dirtyRates },
                preflightInput(
                    domain,
                    routeBetween(sourceUri, { uri, label: h.address }, hosts),
                    options,
                    policy.data ? { policy: policy.data } : {},
                ),
            ).then((all) => setResults((r) => ({ ...r, [h.id]: all })));
        }
    };

    return (
        <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="readiness-title">
            <ModalHeader
                title={format(_("Migration readiness of $0"), domain.name)}
                labelId="readiness-title"
                description={_(
                    "Runs the pre-flight checks against each chosen host, with the default options (shared storage).",
                )}
            />
            <ModalBody>
                <Form
                    onSubmit={(e) => {
                        e.preventDefault();
                        check();
                    }}
                >
                    <FormGroup role="group" label={_("Hosts")} fieldId="readiness-hosts" isInline>
                        {candidates.map((h) => (
                            <Checkbox
                                key={h.id}
                                id={`readiness-${h.id}`}
                                label={h.address}
                                isChecked={chosen.has(h.id)}
                                onChange={(_e, v) =>
                                    setChosen((s) => {
                                        const n = new Set(s);
                                        if (v) n.add(h.id);
                                        else n.delete(h.id);
                                        return n;
                                    })
                                }
                            />
                        ))}
                    </FormGroup>
                </Form>
                <Stack hasGutter style={{ marginTop: "1rem" }}>
                    {candidates
                        .filter((h) => results[h.id])
                        .map((h) => {
                            const r = results[h.id]!;
                            const sev = r === "running" ? null : worst(r);
                            return (
                                <StackItem key={h.id} data-readiness={h.address} data-severity={sev ?? "running"}>
                                    <strong>{h.address}</strong>{" "}
                                    {sev ? (
                                        <Label isCompact color={LABEL[sev][1]}>
                                            {LABEL[sev][0]}
                                        </Label>
                                    ) : (
                                        <Label isCompact>{_("Checking…")}</Label>
                                    )}
                                    {r !== "running" && (
                                        <ExpandableSection
                                            toggleText={format(ngettext("$0 check", "$0 checks", r.length), r.length)}
                                            isIndented
                                        >
                                            <ul>
                                                {r
                                                    .filter((c) => c.severity !== "pass")
                                                    .concat(r.filter((c) => c.severity === "pass"))
                                                    .map((c) => (
                                                        <li key={c.id} data-severity={c.severity}>
                                                            {c.title}
                                                            {c.fix ? ` — ${c.fix}` : ""}
                                                        </li>
                                                    ))}
                                            </ul>
                                        </ExpandableSection>
                                    )}
                                </StackItem>
                            );
                        })}
                </Stack>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" onClick={check} isDisabled={chosen.size === 0}>
                    {_("Check")}
                </Button>
                <Button variant="link" onClick={onClose}>
                    {_("Close")}
                </Button>
            </ModalFooter>
        </Modal>
    );
}
