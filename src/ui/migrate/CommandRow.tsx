import { FormGroup } from "@patternfly/react-core";
import { CommandLine } from "../CommandLine";
import { Help } from "./Help";
import { _ } from "../../../pkg/lib/gettext";

/** The commands the migration will run (`commands`, null until they can be built), or why not. */
export function CommandRow({ commands, error }: { commands: string[][] | null; error: string | null }) {
    return (
        <FormGroup label={_("Equivalent command")} fieldId="migrate-command">
            {commands ? (
                <CommandLine argv={commands} />
            ) : (
                <Help text={error ?? _("Choose a destination to see the command.")} />
            )}
        </FormGroup>
    );
}
