/**
 * "Switch to post-copy" on a running migration. libvirt refuses it in several ordinary situations
 * (the migration was started without --postcopy, it has just ended, it is already in post-copy);
 * the answer is a value, so the page shows the refusal instead of assuming the VM moved.
 */
import { errorText } from "../../pkg/lib/error-text";
import { _ } from "../../pkg/lib/gettext";
import { isRunError, type Runner } from "../../pkg/lib/runner";
import type { MigrationRecord } from "../history/records";
import { explainMigrationError, libvirtMessage } from "./errors";
import { controls, runControl } from "./job";

export type PostcopyRefusalCause =
    "not-enabled" | "not-migrating" | "already-postcopy" | "unsupported" | "unconfirmed" | "refused";

export interface PostcopyRefusal {
    cause: PostcopyRefusalCause;
    title: string;
    fix: string;
    message: string;
}

export type PostcopyResult = { ok: true } | { ok: false; refusal: PostcopyRefusal };

interface Rule {
    cause: PostcopyRefusalCause;
    test: RegExp;
    title: string;
    fix: string;
}

// libvirt's qemu driver: "switching to post-copy requires migration to be started with
// VIR_MIGRATE_POSTCOPY flag", "post-copy can only be started while outgoing migration is in
// progress", "no job is active on the domain", "post-copy migration already started".
const RULES: Rule[] = [
    {
        cause: "not-enabled",
        test: /requires migration to be started with VIR_MIGRATE_POSTCOPY|post-?copy (is )?not enabled/i,
        title: _("This migration was not started with post-copy allowed"),
        fix: _(
            "It continues in pre-copy. To switch, cancel it and start again with 'Allow post-copy'; or raise the maximum downtime or the bandwidth so that it converges.",
        ),
    },
    {
        cause: "already-postcopy",
        test: /already (started|in post-?copy|running)|post-?copy .*already/i,
        title: _("The migration is already in post-copy"),
        fix: _("Nothing to do: the VM runs on the destination while its memory is fetched."),
    },
    {
        cause: "not-migrating",
        test: /only be started while outgoing migration is in progress|no job is active|not (being )?migrat|migration is not (in progress|active)/i,
        title: _("No migration is in progress to switch"),
        fix: _(
            "It has just ended or has not started copying memory yet: wait for its result in this card, or try again once it copies memory.",
        ),
    },
];

export async function switchToPostcopy(runner: Runner, record: MigrationRecord): Promise<PostcopyResult> {
    try {
        await runControl(runner, controls.postcopy(record));
        return { ok: true };
    } catch (e) {
        return { ok: false, refusal: explainRefusal(e) };
    }
}

export function explainRefusal(e: unknown): PostcopyRefusal {
    if (isRunError(e) && e.cause !== "exit-status") {
        // a timeout or a lost channel: virsh may or may not have switched
        return {
            cause: "unconfirmed",
            title: _("The switch to post-copy was not confirmed"),
            fix: _("The phase in this card shows 'Post-copy' once libvirt has switched; if it does not, try again."),
            message: e.stderr || e.message,
        };
    }
    const stderr = errorText(e, { stderr: true });
    const message = libvirtMessage(stderr);
    const rule = RULES.find((r) => r.test.test(stderr));
    if (rule) return { cause: rule.cause, title: rule.title, fix: rule.fix, message };
    const general = explainMigrationError(stderr);
    if (general.cause === "postcopy-unsupported")
        return { cause: "unsupported", title: general.title, fix: general.fix, message };
    return {
        cause: "refused",
        title: _("libvirt refused to switch to post-copy"),
        fix: _("The migration continues in pre-copy; see libvirt's message."),
        message,
    };
}
