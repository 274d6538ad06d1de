/**
 * Autostart across a migration. libvirt keeps the source's autostart link when the source keeps
 * its definition (Temporary), and does not carry autostart over to the destination: after a
 * Temporary migration the source's next boot starts the VM a second time while it runs on the
 * destination (two QEMUs on one shared disk), and a Permanent move silently loses autostart.
 */
import { errorText } from "../../pkg/lib/error-text";
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import { autostart } from "../virsh/argv";
import { recordUuid, type MigrationRecord } from "../history/records";
import type { DomainRef, DomainUuid } from "../domains/types";
import type { MigrationOptions } from "./options";
import { _, format } from "../../pkg/lib/gettext";

const message = (e: unknown) => errorText(e, { stderr: true, trim: true });

/** What happened to autostart, in words for the result. */
export interface AutostartNote {
    ok: boolean;
    text: string;
    argv: string[];
}

/** A Temporary migration of an autostart VM without the admin's consent to turn autostart off on the source. */
export class AutostartRefused extends Error {
    readonly fix = _("Turn autostart off on the source for the migration, or migrate the VM Permanently.");
    constructor(domain: string) {
        super(
            format(
                _(
                    "$0 starts automatically on the source: a Temporary migration would leave it to start there again at the next boot while it runs on the destination.",
                ),
                domain,
            ),
        );
        this.name = "AutostartRefused";
    }
}

type Before = Pick<MigrationOptions, "duration" | "disableSourceAutostart">;

/** The commands that run before `virsh migrate` (shown with it as the equivalent command). */
export function commandsBeforeStart(
    o: Before,
    sourceUri: string,
    domain: DomainUuid,
    wasAutostart: boolean,
): string[][] {
    return o.duration === "temporary" && wasAutostart && o.disableSourceAutostart
        ? [autostart(sourceUri, domain, false)]
        : [];
}

/**
 * Before the start: a Temporary migration of an autostart VM turns autostart off on the source, with consent, or is
 * refused.
 */
export async function autostartBeforeStart(
    runner: Runner,
    o: Before,
    sourceUri: string,
    domain: DomainRef,
    wasAutostart: boolean,
): Promise<boolean> {
    if (o.duration !== "temporary" || !wasAutostart) return false;
    if (!o.disableSourceAutostart) throw new AutostartRefused(domain.name);
    for (const argv of commandsBeforeStart(o, sourceUri, domain.uuid, wasAutostart))
        await runner.run(LOCAL, argv, { timeoutMs: 30_000 });
    return true;
}

/**
 * After the end: a Permanent move of an autostart VM turns autostart on on the destination; a
 * failed migration whose source autostart was turned off turns it back on where the VM still is.
 * Null when there was nothing to do.
 */
export async function autostartAfterEnd(
    runner: Runner,
    record: MigrationRecord,
    succeeded: boolean,
    onSource: boolean,
    onDestination: boolean,
): Promise<AutostartNote | null> {
    const o = record.options;
    const run = async (uri: string, enable: boolean, done: string, failed: string): Promise<AutostartNote> => {
        let argv: string[] = [];
        try {
            // a record from before UUIDs has none: recordUuid refuses it, and that is said as the failure
            argv = autostart(uri, recordUuid(record), enable);
            await runner.run(LOCAL, argv, { timeoutMs: 30_000 });
            return { ok: true, text: done, argv };
        } catch (e) {
            return { ok: false, text: `${failed} ${message(e)}`, argv };
        }
    };
    const src = record.source.label,
        dst = record.destination.label;
    if (succeeded && o.duration === "permanent" && o.wasAutostart && onDestination)
        return run(
            record.destination.uri,
            true,
            format(_("Autostart carried over: $0 starts the VM at boot (virsh autostart)."), dst),
            format(
                _(
                    "Autostart could not be turned on on $0 (the VM no longer starts at boot anywhere): run virsh autostart there.",
                ),
                dst,
            ),
        );
    if (succeeded && o.sourceAutostartDisabled)
        return {
            ok: true,
            text: format(
                _(
                    "Autostart is off on $0, so its next boot does not start the VM a second time. Turn it back on (virsh autostart) once the VM runs there again.",
                ),
                src,
            ),
            argv: [],
        };
    if (!succeeded && o.sourceAutostartDisabled && onSource)
        return run(
            record.source.uri,
            true,
            format(_("Autostart turned back on on $0: the VM did not move."), src),
            format(_("Autostart could not be turned back on on $0: run virsh autostart there."), src),
        );
    return null;
}
