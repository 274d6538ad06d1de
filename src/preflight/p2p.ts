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
import { message } from "./util";
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
    if (!i.sourceTarget)
        return [
            {
                id: "peer-to-peer",
                severity: "info",
                title: _("Peer-to-peer: no way to run commands on the source host"),
                commands: [],
            },
        ];
    try {
        // the same user as the source's libvirtd (root): over SSH, whose keys and known_hosts are used
        await runner.run(i.sourceTarget, argv, { timeoutMs: 20_000 });
        return [
            {
                id: "peer-to-peer",
                severity: "pass",
                title: format(_("The source host reaches $0 itself (peer-to-peer)"), i.destinationLabel),
                commands: [argv],
            },
        ];
    } catch (e) {
        const ssh = /ssh/.test(parseLibvirtUri(i.destinationUri)?.transport ?? "");
        return [
            {
                id: "peer-to-peer",
                severity: "error",
                title: format(_("The source host cannot open $0 itself (peer-to-peer)"), i.destinationUri),
                detail: message(e),
                commands: [argv],
                fix: ssh
                    ? _(
                          "Install the source root's SSH key on the destination and its host key in the source's known_hosts.",
                      )
                    : _("Let the destination's libvirtd accept the source's connection."),
            },
        ];
    }
}
