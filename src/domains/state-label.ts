/** A domain state in words, as the VM list shows it. Apart from the table: the boot module's early rows use it too. */
import type { DomainState } from "./types";
import { _ } from "../../pkg/lib/gettext";

const STATE_LABEL: Record<DomainState, string> = {
    nostate: _("No state"),
    running: _("Running"),
    blocked: _("Blocked"),
    paused: _("Paused"),
    shutdown: _("Shutting down"),
    shutoff: _("Shut off"),
    crashed: _("Crashed"),
    pmsuspended: _("Suspended"),
};

export function stateLabel(state: DomainState): string {
    return STATE_LABEL[state];
}
