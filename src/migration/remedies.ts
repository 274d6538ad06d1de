/**
 * What makes a running pre-copy finish, ranked by what it costs the guest: a longer pause at the
 * switch-over (the maximum downtime), throttled vCPUs (auto-converge), running on the destination
 * before its memory is there (post-copy), and last a pause until everything is sent (suspend).
 * Each comes with its predicted effect and the exact argv that applies it; auto-converge is a
 * flag of `virsh migrate` only (QEMU refuses to change it while a migration runs), so for a running
 * migration it is either on already or not available.
 */
import { _, format } from "../../pkg/lib/gettext";
import type { DomainUuid } from "../virsh/argv";
import { migratePostcopy, migrateSetMaxDowntime, suspend } from "../virsh/migrate";
import type { Sample } from "./samples";

export type RemedyId = "downtime" | "auto-converge" | "postcopy" | "suspend";

export interface Remedy {
    id: RemedyId;
    /** What it does and what it is predicted to do, in words. */
    effect: string;
    /** The argv that applies it; null when it cannot be applied to this migration (then `why`). */
    argv: string[] | null;
    why?: string;
    /** downtime: the new maximum downtime */
    ms?: number;
}

export interface RemedyInput {
    uri: string;
    domain: DomainUuid;
    last: Sample;
    maxDowntimeMs: number;
    postcopyAllowed: boolean;
    autoConverge: boolean;
}

const seconds = (s: number) => Math.max(1, Math.ceil(s));

/**
 * The maximum downtime that lets QEMU switch over at the end of the current pass: what libvirt
 * expects the pause to be (or what the guest dirties during one pass, sent at this rate), a quarter
 * more for the rate's noise, rounded up to 100 ms.
 */
export function downtimeNeededMs(s: Sample): number | null {
    if (s.bps <= 0) return null;
    const pass = s.remaining / s.bps;
    const pending = s.iteration > 1 ? Math.min(s.remaining, s.dirtyBps * pass) : s.remaining;
    const ms = Math.max(s.expectedDowntimeMs ?? 0, (pending / s.bps) * 1000);
    return Math.ceil((ms * 1.25) / 100) * 100;
}

export function remedies(i: RemedyInput): Remedy[] {
    const s = i.last;
    const pass = s.bps > 0 ? s.remaining / s.bps : null;
    const out: Remedy[] = [];
    const need = downtimeNeededMs(s);
    if (need !== null && need > i.maxDowntimeMs && pass !== null)
        out.push({
            id: "downtime",
            ms: need,
            effect: format(
                _(
                    "Raise the maximum downtime to $0 ms: it switches over at the end of this pass (about $1 s); the guest pauses up to $0 ms.",
                ),
                need,
                seconds(pass),
            ),
            argv: migrateSetMaxDowntime(i.uri, i.domain, need),
        });
    out.push(
        i.autoConverge
            ? {
                  id: "auto-converge",
                  effect: _(
                      "Auto-converge is on: QEMU slows the guest's vCPUs more with each pass that does not converge.",
                  ),
                  argv: null,
                  why: _("Already on"),
              }
            : {
                  id: "auto-converge",
                  effect: _("Auto-converge: QEMU slows the guest's vCPUs until it dirties less than is sent."),
                  argv: null,
                  why: _(
                      "Only when the migration starts (virsh migrate --auto-converge): cancel and start again with it.",
                  ),
              },
    );
    out.push({
        id: "postcopy",
        effect:
            pass === null
                ? _(
                      "Switch to post-copy: the guest runs on the destination at once and fetches the rest of its memory.",
                  )
                : format(
                      _(
                          "Switch to post-copy: the guest runs on the destination at once; the rest ($0 MiB) follows, and a network failure meanwhile loses the guest.",
                      ),
                      Math.ceil(s.remaining / 1048576),
                  ),
        argv: i.postcopyAllowed ? migratePostcopy(i.uri, i.domain) : null,
        ...(i.postcopyAllowed ? {} : { why: _("The migration was started without 'Allow post-copy'") }),
    });
    out.push({
        id: "suspend",
        effect:
            pass === null
                ? _(
                      "Pause the guest: nothing is dirtied any more, the migration finishes, the guest stays paused until then.",
                  )
                : format(
                      _(
                          "Pause the guest: nothing is dirtied any more; it finishes in about $0 s, the guest paused all that time.",
                      ),
                      seconds(pass),
                  ),
        argv: suspend(i.uri, i.domain),
    });
    return out;
}
