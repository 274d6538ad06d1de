import { FormGroup, FormSelect, FormSelectOption, TextInput } from "@patternfly/react-core";
import { Help } from "./Help";
import { OTHER } from "./props";
import type { MigrateForm } from "./useMigrateForm";
import { _, format } from "../../../pkg/lib/gettext";

type Props = Pick<
    MigrateForm,
    "candidates" | "reading" | "choice" | "setChoice" | "typed" | "setTyped" | "dest" | "resolveError" | "sameHost"
>;

export function DestinationRow({ form }: { form: Props }) {
    const { candidates, reading, choice, setChoice, typed, setTyped, dest, resolveError, sameHost } = form;
    return (
        <FormGroup label={_("Destination")} fieldId="migrate-destination" isRequired>
            <FormSelect id="migrate-destination" value={choice} onChange={(_e, v) => setChoice(v)}>
                {choice === "" && (
                    <FormSelectOption value="" label={_("Reading the hosts…")} isPlaceholder isDisabled />
                )}
                {candidates.map((h) => (
                    <FormSelectOption key={h.id} value={h.id} label={h.label} />
                ))}
                {/* not before the first host is offered: an arrow key on "Reading the hosts…" would land on it */}
                {!(reading && candidates.length === 0) && (
                    <FormSelectOption value={OTHER} label={_("Other host or URI…")} />
                )}
            </FormSelect>
            {choice === OTHER && (
                <TextInput
                    aria-label={_("Destination host or URI")}
                    value={typed}
                    onChange={(_e, v) => setTyped(v)}
                    placeholder="qemu+ssh://root@host/system"
                    validated={typed && resolveError ? "error" : "default"}
                    style={{ marginTop: "0.5rem" }}
                />
            )}
            <Help
                error={
                    sameHost
                        ? _("This is the source host: choose another destination")
                        : choice !== OTHER || typed
                          ? resolveError
                          : null
                }
                text={
                    reading && !dest
                        ? _("Reading which machine each host is: the source's own machine is not offered.")
                        : dest
                          ? [candidates.find((c) => c.id === choice)?.help, format(_("Connection: $0"), dest.uri)]
                                .filter(Boolean)
                                .join(" ")
                          : undefined
                }
            />
        </FormGroup>
    );
}
