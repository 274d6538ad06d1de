/**
 * Running a plan: each move is one migration of the single-VM engine (detached virsh migrate,
 * history record, verification on both hosts), at most `perSource` at a time from each source
 * host; pause, cancel the rest, stop on the first failure or go on; a final report.
 */
import { errorText } from "../../pkg/lib/error-text";
import { autostart, capabilities, displayCommand, hostname } from "../virsh/argv";
import { migrateArgv, type MigrationOptions } from "../migration/options";
import { finishMigration, startMigration, type Deps } from "../migration/job";
import { followJob } from "../migration/follow";
import type { Finished } from "../migration/outcome";
import type { MigrationRecord } from "../history/records";
import type { Domain } from "../domains/types";
import { isActive } from "../domains/types";
import { withMigrationAddress } from "../migration/address";
import { parseLibvirtUri } from "../hosts/uri";
import type { HostRef } from "./gather";
import type { Move, PlanVm } from "./placement";
import { _, format } from "../../pkg/lib/gettext";

export type MoveState = "waiting" | "running" | "completed" | "failed" | "cancelled" | "skipped";

export interface MoveStatus {
    move: Move;
    state: MoveState;
    record?: MigrationRecord;
    message?: string;
    where?: string;
}

/**
 * The VMs as gathered for a plan that copies disks (each knows, per destination, the disks that
 * destination cannot see); null: the plan copies nothing.
 */
export type Copies = readonly PlanVm[] | null;

/** The disk targets a move copies: only those its destination cannot see; the others are shared. */
export function copyDisksOf(copies: Copies, move: Move): string[] {
    if (!copies) return [];
    return copies.find((v) => v.uuid === move.uuid && v.hostId === move.from)?.copyDisks?.[move.to] ?? [];
}

/**
 * The options each move migrates with: live for running VMs, offline for shut-off ones, permanent.
 * Disks are copied per VM with --migrate-disks, never all of them: --copy-storage-all on a disk
 * the destination already sees (shared storage) mirrors the image onto itself.
 */
export function moveOptions(domain: Domain | undefined, dest: HostRef, copyDisks: string[]): MigrationOptions {
    const live = domain ? isActive(domain.state) : true;
    const copy = live && copyDisks.length > 0;
    const options: MigrationOptions = {
        duration: "permanent",
        mode: live ? "live" : "offline",
        storage: copy ? "copy-all" : "shared",
        ...(copy ? { migrateDisks: copyDisks } : {}),
        postcopy: false,
        autoConverge: false,
        tls: false,
        compressed: false,
        abortOnError: false,
    };
    // the same rule as the Migrate dialog's, offline moves included (see withMigrationAddress)
    return withMigrationAddress(options, dest.migrationAddress);
}

export function moveArgv(move: Move, refs: HostRef[], domains: Domain[], copies: Copies): string[] {
    const from = refs.find((r) => r.id === move.from)!,
        to = refs.find((r) => r.id === move.to)!;
    return migrateArgv(
        from.uri,
        move.uuid,
        to.uri,
        moveOptions(
            domains.find((d) => d.uuid === move.uuid),
            to,
            copyDisksOf(copies, move),
        ),
    );
}

/**
 * The commands of one move: the migration, then, for a VM that starts at boot, `virsh autostart`
 * on the destination (libvirt does not carry autostart over: the moved VM would not start at boot).
 */
export function moveCommands(move: Move, refs: HostRef[], domains: Domain[], copies: Copies): string[][] {
    const to = refs.find((r) => r.id === move.to)!;
    const carry = domains.find((d) => d.uuid === move.uuid)?.autostart ? [autostart(to.uri, move.uuid, true)] : [];
    return [moveArgv(move, refs, domains, copies), ...carry];
}

/**
 * The whole plan as a shell script of `virsh migrate` lines (each argument quoted). Each VM is
 * addressed by its UUID; a comment above names it (as a JSON string: nothing in a name can end
 * the comment). A local URI (`qemu:///system`) means the machine that runs the script, which is
 * not necessarily the one the plan was made on: for each local URI the script uses, it first
 * checks that libvirt there is that machine (`machines`: "HOST-UUID HOSTNAME" per URI, as
 * machineOf reads it) and stops before any move if not.
 */
export function planScript(
    moves: Move[],
    refs: HostRef[],
    domains: Domain[],
    copies: Copies,
    machines: Record<string, string | null> = {},
): string {
    // the hosts the moves use that libvirt reaches by a local socket (a URI without a host)
    const used = new Set(moves.flatMap((m) => [m.from, m.to]));
    const local = [
        ...new Set(refs.filter((r) => used.has(r.id) && parseLibvirtUri(r.uri)?.host === null).map((r) => r.uri)),
    ];
    return (
        [
            "#!/bin/sh",
            "# cockpit-migrate plan: one virsh migrate per VM, in order; stops at the first failure",
            "set -e",
            ...local.flatMap((uri) => localGuard(uri, machines[uri] ?? null)),
            ...moves.flatMap((m) => [
                `# ${JSON.stringify(m.vm).replace(/[\r\n\u2028\u2029]/g, " ")}`,
                ...moveCommands(m, refs, domains, copies).map(displayCommand),
            ]),
        ].join("\n") + "\n"
    );
}

/** The script's first lines for a local URI: stop unless it reaches the machine the plan was made on. */
function localGuard(uri: string, machine: string | null): string[] {
    const [uuid, ...name] = machine?.split(" ") ?? [];
    if (!uuid || name.length === 0)
        return [`# ${uri} means the machine that runs this script: run it on the one the plan was made on`];
    const host = name.join(" ");
    const stop = displayCommand([
        "echo",
        format(_("This plan is for $0 (host UUID $1): $2 here is another machine"), host, uuid, uri),
    ]);
    return [
        `# ${uri} means the machine that runs this script: it must be ${JSON.stringify(host)} (host UUID ${uuid})`,
        `[ "$(${displayCommand(hostname(uri))})" = ${displayCommand([host])} ] && ` +
            `${displayCommand(capabilities(uri))} | grep -qiF ${displayCommand([`<uuid>${uuid}</uuid>`])} || ` +
            `{ ${stop} >&2; exit 1; }`,
    ];
}

export interface RunControl {
    paused: boolean;
    cancelled: boolean;
}

export interface RunOptions {
    perSource: number;
    stopOnFailure: boolean;
    copies: Copies;
    user: string | null;
}

/**
 * Follows a started move's job to its end as the progress card does (`followJob`: the job's lock
 * tells the end at once, the poll is the fallback) and finishes it (verification, the history).
 * A failed status read is reported and read again; a failed finish fails the move.
 */
function untilFinished(deps: Deps, record: MigrationRecord, onReadError: (e: unknown) => void): Promise<Finished> {
    return new Promise((resolve, reject) => {
        followJob(
            deps.runner,
            record,
            {
                onStatus: () => undefined,
                onError: onReadError,
                onEnd: (job) => finishMigration(deps, record, job, null).then(resolve, reject),
            },
            deps.sleep ? { now: deps.now, sleep: (ms) => deps.sleep!(ms) } : { now: deps.now },
        );
    });
}

/** Runs the moves; `onUpdate` gets every status change. Returns the final statuses. */
export async function runPlan(
    deps: Deps,
    refs: HostRef[],
    domains: Domain[],
    moves: Move[],
    o: RunOptions,
    control: RunControl,
    onUpdate: (s: MoveStatus[]) => void,
): Promise<MoveStatus[]> {
    const status: MoveStatus[] = moves.map((move) => ({ move, state: "waiting" }));
    const emit = () => onUpdate(status.map((s) => ({ ...s })));
    const sleep = deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    let failed = false;
    const active = new Map<string, number>();
    const one = async (s: MoveStatus) => {
        const from = refs.find((r) => r.id === s.move.from)!,
            to = refs.find((r) => r.id === s.move.to)!;
        const domain = domains.find((d) => d.uuid === s.move.uuid);
        const options = moveOptions(domain, to, copyDisksOf(o.copies, s.move));
        s.state = "running";
        emit();
        try {
            let record = await startMigration(deps, {
                domain: { uuid: s.move.uuid, name: s.move.vm },
                argv: migrateArgv(from.uri, s.move.uuid, to.uri, options),
                options,
                wasRunning: domain ? isActive(domain.state) : true,
                wasPersistent: domain?.persistent ?? true,
                wasAutostart: domain?.autostart ?? false,
                user: o.user,
                source: { hostId: from.id, label: from.label, uri: from.uri },
                destination: { hostId: to.id, label: to.label, uri: to.uri },
            });
            s.record = record;
            emit();
            const finished = await untilFinished(deps, record, (e) => {
                // the follow reads again: say why the move shows no change meanwhile
                s.message = format(_("The migration's status cannot be read: $0"), errorText(e));
                emit();
            });
            record = finished.record;
            s.record = record;
            s.state =
                record.outcome === "completed" ? "completed" : record.outcome === "cancelled" ? "cancelled" : "failed";
            s.message =
                [record.explanation?.title ?? record.message, record.autostart?.text].filter(Boolean).join(" ") ||
                undefined;
            if (finished.unrecorded)
                s.message = [s.message, format(_("The outcome could not be recorded: $0"), finished.unrecorded.message)]
                    .filter(Boolean)
                    .join(". ");
            s.where = record.verification?.where;
        } catch (e) {
            s.state = "failed";
            s.message = errorText(e);
        }
        if (s.state === "failed") failed = true;
        emit();
    };
    const running: Promise<void>[] = [];
    for (const s of status) {
        for (;;) {
            if (control.cancelled || (failed && o.stopOnFailure)) break;
            if (!control.paused && (active.get(s.move.from) ?? 0) < o.perSource) break;
            await Promise.race([sleep(300), ...running]);
        }
        if (control.cancelled || (failed && o.stopOnFailure)) {
            s.state = "skipped";
            s.message = control.cancelled ? _("Cancelled before it started") : _("Not started: an earlier move failed");
            emit();
            continue;
        }
        active.set(s.move.from, (active.get(s.move.from) ?? 0) + 1);
        const p: Promise<void> = one(s).finally(() => {
            active.set(s.move.from, (active.get(s.move.from) ?? 1) - 1);
            running.splice(running.indexOf(p), 1);
        });
        running.push(p);
    }
    await Promise.all(running);
    emit();
    return status;
}
