/** What the admin chooses in the Migrate dialog, and the `virsh migrate` argv it means. */
import type { DomainState } from "../domains/types";
import { isActive } from "../domains/types";
import { migrate } from "../virsh/migrate";
import { checkValue, VirshArgumentError, type DomainUuid } from "../virsh/argv";
import { argProblem } from "../../pkg/lib/runner";
import { channelErrors } from "./channel";
import { _, format } from "../../pkg/lib/gettext";

export interface MigrationOptions {
    /** permanent = --persistent --undefinesource; temporary = a transient copy, source definition kept */
    duration: "permanent" | "temporary";
    /** live for running/paused domains; offline (--offline --persistent) for shut-off ones */
    mode: "live" | "offline";
    storage: "shared" | "copy-all" | "copy-inc";
    /**
     * With copy-all/copy-inc: `--migrate-disks T1,T2`, only these disk targets are copied (the
     * others must be visible on the destination); undefined = every disk.
     */
    migrateDisks?: string[] | undefined;
    /** --parallel --parallel-connections N; undefined = off */
    parallelConnections?: number | undefined;
    /** applied with migrate-setmaxdowntime once the job runs (virsh migrate has no flag for it) */
    maxDowntimeMs?: number | undefined;
    postcopy: boolean;
    /** --timeout N --timeout-postcopy */
    postcopyAfterTimeoutS?: number | undefined;
    autoConverge: boolean;
    autoConvergeInitial?: number | undefined;
    autoConvergeIncrement?: number | undefined;
    /** --bandwidth MiB/s */
    bandwidthMiBs?: number | undefined;
    tls: boolean;
    /** --p2p: the source's libvirtd drives the migration and opens the destination URI itself */
    p2p?: boolean | undefined;
    /** --tunnelled (with --p2p): the data travels inside libvirtd's connection, no migration ports (channel.ts) */
    tunnelled?: boolean | undefined;
    compressed: boolean;
    abortOnError: boolean;
    /** --migrateuri, --listen-address: where the destination receives migration data */
    migrateUri?: string | undefined;
    listenAddress?: string | undefined;
    /**
     * Temporary migration of an autostart VM: the admin agrees to `virsh autostart --disable` on
     * the source first (libvirt keeps the source's autostart, and the next boot there would start
     * the VM a second time while it runs on the destination).
     */
    disableSourceAutostart?: boolean | undefined;
    /**
     * A cold move (offline with copy-all): a file already at a destination path is replaced by the
     * verified copy; without it such a file holds the move.
     */
    replaceExisting?: boolean | undefined;
    /** A cold move: the source's files are removed once libvirt on the destination has the VM. */
    removeSourceFiles?: boolean | undefined;
}

/**
 * An offline migration that carries the VM's files (src/coldmove/): libvirt's --offline copies no
 * storage, so the files are copied, verified and placed first, and the definition moves after them.
 */
export const isColdMove = (o: Pick<MigrationOptions, "mode" | "storage">) =>
    o.mode === "offline" && o.storage === "copy-all";

export function defaultOptions(state: DomainState): MigrationOptions {
    return {
        duration: "permanent",
        mode: isActive(state) ? "live" : "offline",
        storage: "shared",
        postcopy: false,
        autoConverge: false,
        tls: false,
        compressed: false,
        abortOnError: false,
    };
}

export type OptionErrors = Partial<Record<keyof MigrationOptions, string>>;
export interface OptionCheck {
    errors: OptionErrors;
    warnings: string[];
}

export interface DomainContext {
    domainState: DomainState;
    persistent: boolean;
    autostart?: boolean;
}

const intIn = (v: number | undefined, lo: number, hi: number) =>
    v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);

/** Never offers what libvirt refuses; warns where data could be lost. */
export function validateOptions(o: MigrationOptions, ctx: DomainContext): OptionCheck {
    const errors: OptionErrors = {};
    const warnings: string[] = [];
    const active = isActive(ctx.domainState);
    if (o.mode === "live" && !active) errors.mode = _("A shut-off VM can only be migrated offline");
    if (o.mode === "offline" && active)
        errors.mode = _("A running VM is migrated live; shut it down for an offline migration");
    if (o.mode === "offline") {
        if (!ctx.persistent) errors.mode = _("A transient VM has no definition to move offline");
        if (o.duration === "temporary")
            errors.duration = _(
                "An offline migration always defines the VM on the destination (libvirt requires --persistent)",
            );
        if (o.storage === "copy-inc")
            errors.storage = _(
                "An offline migration copies whole files: choose Copy all disks, or share the base image and copy the top layer live",
            );
        if (o.migrateDisks !== undefined)
            errors.migrateDisks = _("An offline move carries every file-backed disk: share or copy them all");
        if (o.postcopy) errors.postcopy = _("Post-copy needs a running VM");
        if (o.parallelConnections !== undefined)
            errors.parallelConnections = _("Parallel connections need a live migration");
        if (o.autoConverge) errors.autoConverge = _("Auto-converge needs a live migration");
        if (o.compressed) errors.compressed = _("Compression needs a live migration");
    }
    if (o.duration === "permanent" && !ctx.persistent && o.mode === "live") {
        warnings.push(
            _(
                "This VM is transient: it will be defined on the destination (--persistent) and has no definition to remove here.",
            ),
        );
    }
    if (!intIn(o.parallelConnections, 1, 255)) errors.parallelConnections = _("A whole number from 1 to 255");
    if (!intIn(o.maxDowntimeMs, 1, 2_000_000)) errors.maxDowntimeMs = _("A whole number of milliseconds, at least 1");
    if (!intIn(o.bandwidthMiBs, 1, 1_000_000)) errors.bandwidthMiBs = _("A whole number of MiB/s, at least 1");
    if (!intIn(o.autoConvergeInitial, 0, 100)) errors.autoConvergeInitial = _("A percentage from 0 to 100");
    if (!intIn(o.autoConvergeIncrement, 0, 100)) errors.autoConvergeIncrement = _("A percentage from 0 to 100");
    if ((o.autoConvergeInitial !== undefined || o.autoConvergeIncrement !== undefined) && !o.autoConverge)
        errors.autoConverge = _("Turn on auto-converge to set its throttling");
    if (o.postcopyAfterTimeoutS !== undefined) {
        if (!o.postcopy) errors.postcopyAfterTimeoutS = _("Allow post-copy to switch to it after a timeout");
        else if (!intIn(o.postcopyAfterTimeoutS, 1, 86_400))
            errors.postcopyAfterTimeoutS = _("A whole number of seconds, at least 1");
    }
    for (const [key, value] of [
        ["migrateUri", o.migrateUri],
        ["listenAddress", o.listenAddress],
    ] as const) {
        if (
            value !== undefined &&
            (value === "" || /[\s\0]/.test(value) || value.startsWith("-") || argProblem(value) !== null)
        )
            errors[key] = _("Not a valid address");
    }
    if (o.migrateDisks !== undefined) {
        if (o.storage === "shared") errors.migrateDisks = _("Choose which disks to copy only when copying disks");
        else if (o.migrateDisks.length === 0) errors.migrateDisks = _("No disk to copy: choose shared storage");
        else if (o.migrateDisks.some((t) => migrateDiskProblem(t) !== null))
            errors.migrateDisks = _("Not a disk target (vda, sdb, …)");
    }
    Object.assign(errors, channelErrors(o));
    if (!isColdMove(o) && (o.replaceExisting || o.removeSourceFiles))
        errors.removeSourceFiles = _("Only an offline move that copies the disks replaces or removes files");
    if (o.duration === "temporary" && ctx.autostart && !o.disableSourceAutostart)
        errors.disableSourceAutostart = _(
            "This VM starts automatically on this host: after a Temporary migration the next boot here would start it a second time while it runs on the destination (two QEMUs on one disk). Turn autostart off here for the migration, or migrate it Permanently.",
        );
    if (o.duration === "permanent" && ctx.autostart)
        warnings.push(
            _(
                "This VM starts automatically: libvirt does not carry autostart over, so it is turned on on the destination (virsh autostart) once the VM is there.",
            ),
        );
    if (o.duration === "temporary" && !ctx.persistent && o.mode === "live")
        warnings.push(
            _(
                "This VM is transient: there is no definition here to keep. After the migration it exists only on the destination, until it shuts down there.",
            ),
        );
    if (o.duration === "temporary" && o.storage === "shared" && active)
        warnings.push(
            _(
                "Temporary migration keeps the definition here: never start it here while it runs on the destination, or both hosts will write to the same shared disks and corrupt them.",
            ),
        );
    if (o.duration === "temporary" && o.storage !== "shared")
        warnings.push(
            _(
                "Temporary migration with copied disks: the copies on the destination and the disks here will differ from now on.",
            ),
        );
    if (o.postcopy)
        warnings.push(
            _(
                "During post-copy the VM's memory is split between both hosts: if either host or the network fails, the VM is lost.",
            ),
        );
    return { errors, warnings };
}

/**
 * virsh splits --migrate-disks on every comma (no escape): a target with a comma would name two
 * disks, one starting with "-" reads like an option to the admin copying the command.
 */
function migrateDiskProblem(target: string): string | null {
    if (target === "" || target.includes(",") || target.startsWith("-") || /\s/.test(target))
        return _("is not a disk target");
    return argProblem(target);
}

/** The flags, in a stable order. */
export function migrateFlags(o: MigrationOptions): string[] {
    const f: string[] = [];
    if (o.mode === "offline") f.push("--offline", "--persistent");
    else f.push("--live");
    if (o.duration === "permanent") {
        if (o.mode === "live") f.push("--persistent");
        f.push("--undefinesource");
    }
    // a cold move copies the files itself before the definition moves: libvirt's offline migration copies none
    if (o.storage === "copy-all" && o.mode === "live") f.push("--copy-storage-all");
    if (o.storage === "copy-inc") f.push("--copy-storage-inc");
    if (o.storage !== "shared" && o.mode === "live" && o.migrateDisks !== undefined) {
        const bad = o.migrateDisks.find((t) => migrateDiskProblem(t) !== null);
        if (bad !== undefined || o.migrateDisks.length === 0)
            throw new VirshArgumentError(
                format(_("Not a list of disk targets to copy: $0"), JSON.stringify(o.migrateDisks)),
            );
        f.push("--migrate-disks", o.migrateDisks.join(","));
    }
    if (o.parallelConnections !== undefined)
        f.push("--parallel", "--parallel-connections", String(o.parallelConnections));
    if (o.postcopy) f.push("--postcopy");
    if (o.postcopy && o.postcopyAfterTimeoutS !== undefined)
        f.push("--timeout", String(o.postcopyAfterTimeoutS), "--timeout-postcopy");
    if (o.autoConverge) {
        f.push("--auto-converge");
        if (o.autoConvergeInitial !== undefined) f.push("--auto-converge-initial", String(o.autoConvergeInitial));
        if (o.autoConvergeIncrement !== undefined) f.push("--auto-converge-increment", String(o.autoConvergeIncrement));
    }
    if (o.bandwidthMiBs !== undefined) f.push("--bandwidth", String(o.bandwidthMiBs));
    if (o.compressed) f.push("--compressed");
    if (o.tls) f.push("--tls");
    if (o.p2p) f.push("--p2p");
    if (o.tunnelled) f.push("--tunnelled");
    if (o.abortOnError) f.push("--abort-on-error");
    if (o.migrateUri) f.push("--migrateuri", checkValue(_("migration URI"), o.migrateUri));
    if (o.listenAddress) f.push("--listen-address", checkValue(_("listen address"), o.listenAddress));
    return f;
}

export function migrateArgv(srcUri: string, domain: DomainUuid, destUri: string, o: MigrationOptions): string[] {
    return migrate(srcUri, domain, destUri, migrateFlags(o));
}
