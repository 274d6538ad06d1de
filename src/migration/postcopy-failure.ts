/**
 * A migration that fails after the switch to post-copy. The guest then runs from memory split
 * between both hosts: libvirt (≥ 8.5) leaves the source "paused (post-copy failed)" and the
 * destination "running (post-copy failed)". Neither side is a whole VM: destroying either loses
 * the guest, so this is its own verdict, never "it runs on both hosts, shut one down". Once the
 * link between the hosts is back, `virsh migrate --postcopy-resume` with the original flags
 * finishes it. libvirt before 8.5 has neither the reason nor the resume.
 */
import { recordUuid, type MigrationRecord } from "../history/records";
import { migrate } from "../virsh/migrate";
import { migrateFlags } from "./options";
import type { Verification } from "./verify";
import { _, format } from "../../pkg/lib/gettext";

/** `virsh domstate --reason`: "paused (post-copy failed)". */
export interface StateReason {
    state: string;
    reason: string | null;
}

export function parseStateReason(out: string): StateReason {
    const line = out.trim().split("\n")[0]?.trim() ?? "";
    const m = /^(.*?)\s*\((.*)\)$/.exec(line);
    return m ? { state: m[1]!, reason: m[2]! } : { state: line, reason: null };
}

const FAILED = "post-copy failed";

/**
 * Whether libvirt can resume: the destination's "running (post-copy failed)" reason came with
 * --postcopy-resume in libvirt 8.5; older versions only mark the source "paused (post-copy failed)".
 */
export function postcopyResumable(destination: StateReason | null): boolean {
    return destination?.state === "running" && destination.reason === FAILED;
}

/** Whether libvirt says post-copy failed on either host. */
export function postcopyFailed(source: StateReason | null, destination: StateReason | null): boolean {
    return source?.reason === FAILED || destination?.reason === FAILED;
}

/** The resume: the same `virsh migrate` (libvirt wants the original flags) with --postcopy-resume. */
export function postcopyResumeArgv(record: MigrationRecord): string[] {
    const o = record.options;
    return migrate(record.source.uri, recordUuid(record), record.destination.uri, [
        ...migrateFlags({ ...o, postcopy: true }),
        "--postcopy-resume",
    ]);
}

/** libvirt's state and reason (its own words) on a host. */
const said = (s: StateReason | null, host: string) =>
    !s
        ? format(_("not found on $0"), host)
        : s.reason
          ? format(_("$0 ($1) on $2"), s.state, s.reason, host)
          : format(_("$0 on $1"), s.state, host);

/** The verdict when post-copy failed: the guest is split; keep both sides, restore the link, resume. */
export function postcopyVerdict(
    source: StateReason | null,
    destination: StateReason | null,
    names: { source: string; destination: string },
): Verification & { title: string; fix: string } {
    const resumable = postcopyResumable(destination);
    const where = `${said(source, names.source)}, ${said(destination, names.destination)}`;
    return {
        ok: false,
        where: where.charAt(0).toUpperCase() + where.slice(1),
        runningOn: destination?.state === "running" ? ["destination"] : [],
        title: _("Post-copy failed: the VM's memory is split between both hosts"),
        problems: [
            format(
                _(
                    "Do not shut down, destroy or start the VM on $0 or on $1: each holds part of its memory, and either side alone loses the guest.",
                ),
                names.source,
                names.destination,
            ),
            resumable
                ? format(
                      _(
                          "Restore the connection between $0 and $1 (network, libvirtd, the migration port), then resume the migration with --postcopy-resume.",
                      ),
                      names.source,
                      names.destination,
                  )
                : format(
                      _(
                          "libvirt on $0 cannot resume a failed post-copy (--postcopy-resume needs libvirt 8.5 or later on both hosts): restore the connection between $1 and $0 and keep both sides.",
                      ),
                      names.destination,
                      names.source,
                  ),
        ],
        fix: resumable
            ? _(
                  "Keep both sides as they are, restore the link, then resume: virsh migrate --postcopy-resume with the same options.",
              )
            : _("Keep both sides as they are and restore the link; libvirt here cannot resume the migration."),
    };
}
