/**
 * Peer-to-peer: with --p2p (and --tunnelled) the source host's libvirtd opens the destination URI
 * itself, as root there, with that host's keys and known_hosts; whether this page reaches the
 * destination says nothing about it. The check runs `virsh -c DEST version` on the source host.
 */
import type { Runner, RunTarget } from "../../pkg/lib/runner";
import { parseLibvirtUri } from "../hosts/uri";
import type { MigrationOptions } from "../migration/options";
import { version } from "../virsh/argv";
import type { CheckResult } from "./types";
import { message, noAnswer } from "./util";
import { _, format } from "../../pkg/lib/gettext";

export interface P2pInput {
    options: MigrationOptions;
    destinationUri: string;
    destinationLabel: string;
    sourceTarget: RunTarget | null;
}

/** No result when the migration is not peer-to-peer. */
export async function p2pCheck(runner: Runner, i: P2pInput): Promise<CheckResult[]> {
    if (!i.options.p2p) return [];
    const argv = version(i.destinationUri);
    const result = (severity: CheckResult["severity"], title: string, more: Partial<CheckResult> = {}) => [
        { id: "peer-to-peer", severity, title, commands: [argv], ...more },
    ];
    if (!i.sourceTarget) return result("info", _("Peer-to-peer: no way to run commands on the source host"));
    try {
        // the same user as the source's libvirtd (root): over SSH, whose keys and known_hosts are used
        await runner.run(i.sourceTarget, argv, { timeoutMs: 30_000 });
        return result("pass", format(_("The source host reaches $0 itself (peer-to-peer)"), i.destinationLabel));
    } catch (e) {
        // no answer in time (a loaded host) or the run given up: not a refusal
        if (noAnswer(e))
            return result(
                "warning",
                format(_("Peer-to-peer: not checked (no answer from the source host about $0)"), i.destinationLabel),
                { detail: message(e), unchecked: true },
            );
        return result("error", format(_("The source host cannot open $0 itself (peer-to-peer)"), i.destinationUri), {
            detail: message(e),
            fix: /ssh/.test(parseLibvirtUri(i.destinationUri)?.transport ?? "")
                ? _("Install the source root's SSH key and the destination's host key there.")
                : _("Let the destination's libvirtd accept the source's connection."),
        });
    }
}
