/** Runs one step of the plan; records what it added (for Undo) in the flow record. */
import { isRunError, type Runner } from "../../pkg/lib/runner";
import { isTagConflict, type FileStore } from "../../pkg/lib/filestore";
import { copyImage, CopyError } from "./copy";
import { EXPORTS_PATH, ExportsError, parseExportfsVerbose, setOurExport } from "./exports";
import { FSTAB_PATH, FstabError, nfsSource, setOurMount } from "./fstab";
import { explainConflict, explainExportfs, explainMount, rawMessage } from "./errors";
import type { Explained } from "../../pkg/lib/explained";
import { commandTarget, exportSpec, mountSpec, sharedPath, storedPath } from "./plan";
import { repointDisks } from "./repoint";
import * as a from "./argv";
import { _, format, ngettext } from "../../pkg/lib/gettext";
import type { FlowRecord, NfsHost, Step, StepState } from "./types";

export interface FlowContext {
    runner: Runner;
    /** The tag-checked file store of a host (Cockpit's files here, SSH elsewhere). */
    files(host: NfsHost): FileStore;
    /** A fresh directory for a detached copy job. */
    jobDir(stepId: string): string;
    sleep?(ms: number): Promise<void>;
}

export class StepError extends Error {
    constructor(
        e: Explained,
        readonly output = "",
    ) {
        super(e.title);
        this.name = "StepError";
        this.fix = e.fix;
    }
    readonly fix: string;
}

const run = (ctx: FlowContext, host: NfsHost, argv: string[], input?: string) =>
    ctx.runner.run(commandTarget(host, argv), argv, { superuser: "try", ...(input !== undefined ? { input } : {}) });

/** Tag-checked write that also keeps a copy of the previous content next to the file. */
async function writeWithBackup(
    store: FileStore,
    path: string,
    before: string | null,
    tag: string | null,
    next: string,
): Promise<string> {
    if (before !== null) {
        const backup = `${path}.cockpit-migrate.bak`;
        const old = await store.read(backup);
        await store.replace(backup, before, old.tag);
    }
    return store.replace(path, next, tag);
}

/**
 * `report` shows progress; a part naming a copy `job` is awaited (the caller records it, so that a later run can
 * reattach).
 */
export async function executeStep(
    ctx: FlowContext,
    record: FlowRecord,
    step: Step,
    report: (s: Partial<StepState>) => void | Promise<void> = () => undefined,
): Promise<string> {
    const i = record.inputs;
    const out: string[] = [];
    try {
        switch (step.kind) {
            case "mkdir":
                await run(ctx, step.host, a.mkdirArgv(i.exportDir));
                return format(_("$0 exists on $1"), i.exportDir, step.host.label);
            case "copy": {
                const img = step.image!;
                const r = await copyImage(
                    ctx.runner,
                    {
                        source: i.source,
                        sourcePath: img.path,
                        storage: i.storage,
                        dest: storedPath(i, img),
                        overwrite: i.overwrite,
                        jobDir: ctx.jobDir(step.id),
                        attach: record.steps[step.id]?.job,
                        onJob: async (job) => {
                            await report({ job });
                        },
                    },
                    (p) => void report({ progress: { bytes: p.bytes, total: p.total, rate: p.rate } }),
                    ctx.sleep,
                );
                record.checksums[img.path] = r.sha256;
                return format(
                    r.copied
                        ? _("Copied and verified: $0\nSHA-256 $1")
                        : _("An identical file is already there: $0\nSHA-256 $1"),
                    storedPath(i, img),
                    r.sha256,
                );
            }
            case "export":
                return await exportStep(ctx, record, step);
            case "selinux":
                await run(ctx, step.host, a.setseboolVirtUseNfs());
                return format(_("virt_use_nfs is on on $0"), step.host.label);
            case "mount":
                return await mountStep(ctx, record, step);
            case "repoint": {
                const xml = await run(ctx, step.host, step.commands[0]!);
                const map = new Map(
                    i.images
                        .filter((img) => img.uuid === step.domain!.uuid)
                        .map((img) => [img.path, sharedPath(i, img)] as const),
                );
                const r = repointDisks(xml, map);
                if (r.changed > 0) {
                    await run(ctx, step.host, a.defineStdin(i.source.uri), r.xml);
                    for (const [from, to] of map)
                        record.added.repointed.push({ domain: step.domain!.name, uuid: step.domain!.uuid, from, to });
                }
                return format(ngettext("$0 disk path changed", "$0 disk paths changed", r.changed), r.changed);
            }
            case "start": {
                const [start, state] = step.commands as [string[], string[]];
                const before = (await run(ctx, step.host, state)).trim();
                if (before !== "running") await run(ctx, step.host, start);
                const after = (await run(ctx, step.host, state)).trim();
                if (after !== "running")
                    throw new StepError({
                        title: format(_("The VM is $0 after starting"), after),
                        fix: _("Look at the VM's log on the source host"),
                    });
                return _("The VM is running");
            }
            case "verify":
                for (const img of i.images) {
                    const sum = (await run(ctx, step.host, a.sha256(sharedPath(i, img)))).trim().split(/\s+/)[0];
                    const want = record.checksums[img.path];
                    if (want && sum !== want)
                        throw new StepError(
                            {
                                title: format(
                                    _("$0 sees a different $1 (SHA-256 $2, copied $3)"),
                                    step.host.label,
                                    sharedPath(i, img),
                                    sum,
                                    want,
                                ),
                                fix: _("Check that it mounts the same export"),
                            },
                            out.join("\n"),
                        );
                    out.push(
                        format(
                            want ? _("$0: SHA-256 $1 (same as the copy)") : _("$0: SHA-256 $1"),
                            sharedPath(i, img),
                            sum,
                        ),
                    );
                }
                return out.join("\n");
        }
    } catch (e) {
        if (e instanceof StepError) throw e;
        if (e instanceof CopyError) throw new StepError({ title: e.message, fix: e.fix });
        if (e instanceof ExportsError || e instanceof FstabError)
            throw new StepError({ title: e.message, fix: _("Nothing was written.") });
        if (isTagConflict(e)) throw new StepError(explainConflict(step.edits[0]?.path ?? _("A file"), step.host.label));
        throw new StepError({
            title: format(_("$0: $1"), step.title, rawMessage(e)),
            fix:
                isRunError(e) && e.cause === "access-denied"
                    ? _("Turn on administrative access")
                    : _("Fix the cause and run the step again"),
        });
    }
    return "";
}

async function exportStep(ctx: FlowContext, record: FlowRecord, step: Step): Promise<string> {
    const i = record.inputs;
    const store = ctx.files(step.host);
    const { content, tag } = await store.read(EXPORTS_PATH);
    const change = setOurExport(content, exportSpec(i));
    const out: string[] = [];
    let newTag: string | null = null;
    if (change.kind === "added" || change.kind === "updated") {
        newTag = await writeWithBackup(store, EXPORTS_PATH, content, tag, change.content);
        if (change.kind === "added")
            record.added.exports = {
                hostId: step.host.id,
                path: i.exportDir,
                ...(content === null ? { created: true } : {}),
            };
        out.push(
            format(
                _("$0: $1 “$2” (previous content kept in $0.cockpit-migrate.bak)"),
                EXPORTS_PATH,
                change.kind,
                change.line,
            ),
        );
    } else
        out.push(
            change.kind === "covered"
                ? format(_("$0: line $1 already exports it; nothing written"), EXPORTS_PATH, change.lineNumber)
                : format(_("$0: our line is already there"), EXPORTS_PATH),
        );
    try {
        out.push((await run(ctx, step.host, a.exportfsAll())).trim());
        const listed = await run(ctx, step.host, a.exportfsVerbose());
        out.push(listed.trim());
        // exact path and client names: "10.0.0.1(" is also in "110.0.0.1(", the path in any longer path
        const exported = parseExportfsVerbose(listed).get(i.exportDir) ?? new Set<string>();
        const missing = i.clients.filter((c) => !exported.has(c.address));
        if (missing.length)
            throw new StepError({
                title: format(
                    _("exportfs -v does not list $0 for $1"),
                    i.exportDir,
                    missing.map((c) => c.address).join(", "),
                ),
                fix: _("Check the export entry and the NFS server"),
            });
        return out.filter(Boolean).join("\n");
    } catch (e) {
        const why = e instanceof StepError ? { title: e.message, fix: e.fix } : explainExportfs(step.host.label, e);
        if (newTag !== null) {
            try {
                if (content === null) await run(ctx, step.host, a.removeFile(EXPORTS_PATH));
                else await store.replace(EXPORTS_PATH, content, newTag);
                if (change.kind === "added") record.added.exports = null;
                out.push(format(_("$0 was restored to its content before this step"), EXPORTS_PATH));
            } catch (r) {
                out.push(
                    format(
                        _("$0 could NOT be restored ($1); its previous content is in $0.cockpit-migrate.bak"),
                        EXPORTS_PATH,
                        rawMessage(r),
                    ),
                );
            }
            // and the live table: exportfs -a may already have exported our line
            try {
                await run(ctx, step.host, a.exportfsResync());
                out.push(_("exportfs -r: the live exports follow the file again"));
            } catch (r) {
                out.push(
                    format(
                        _("exportfs -r failed ($0): run exportfs -r on $1, or the new export stays live"),
                        rawMessage(r),
                        step.host.label,
                    ),
                );
            }
        }
        throw new StepError(
            { title: why.title, fix: format(_("$0 was left as it was before the step. $1"), EXPORTS_PATH, why.fix) },
            [...out, rawMessage(e)].join("\n"),
        );
    }
}

async function mountStep(ctx: FlowContext, record: FlowRecord, step: Step): Promise<string> {
    const i = record.inputs;
    const h = step.host;
    if (i.method === "pool") {
        const [define, build, start, autostart] = step.commands as [string[], string[], string[], string[]];
        const ours = record.added.pools.some((p) => p.hostId === h.id && p.name === i.poolName);
        const exists = await run(ctx, h, a.poolInfo(h.uri, i.poolName)).then(
            (info) => info,
            () => null,
        );
        if (exists !== null && !ours)
            throw new StepError({
                title: format(
                    _("A storage pool named $0 already exists on $1; the flow does not change it"),
                    i.poolName,
                    h.label,
                ),
                fix: _("Choose another pool name"),
            });
        if (exists === null) await run(ctx, h, define);
        if (exists === null || !/State:\s+running/.test(exists)) {
            try {
                if (exists === null) await run(ctx, h, build);
                await run(ctx, h, start);
            } catch (e) {
                if (exists === null) await run(ctx, h, a.poolUndefine(h.uri, i.poolName)).catch(() => undefined);
                throw new StepError(
                    explainMount(h.label, e),
                    exists === null ? format(_("Pool $0 was removed again"), i.poolName) : "",
                );
            }
        }
        if (!ours) record.added.pools.push({ hostId: h.id, name: i.poolName });
        await run(ctx, h, autostart);
        return format(
            _("Pool $0 is running on $1 (libvirt mounted the export on $2)"),
            i.poolName,
            h.label,
            i.mountPoint,
        );
    }
    const out: string[] = [];
    const source = nfsSource(i.storage.address, i.exportDir);
    const mounted = await run(ctx, h, a.findmnt(i.mountPoint)).then(
        (o) => o.trim(),
        () => "",
    );
    if (mounted && mounted.split(/\s+/)[0] !== source)
        throw new StepError({
            title: format(_("$0 is already mounted on $1 of $2"), mounted.split(/\s+/)[0], i.mountPoint, h.label),
            fix: _("Unmount it, or choose another mount point"),
        });
    if (mounted) out.push(format(_("$0 is already mounted on $1"), source, i.mountPoint));
    else await run(ctx, h, a.mkdirArgv(i.mountPoint));
    // fstab: our line first, then `mount MOUNTPOINT` reads it; a failed mount takes the line out again.
    let restore: (() => Promise<void>) | null = null;
    if (i.method === "fstab") {
        const store = ctx.files(h);
        const { content, tag } = await store.read(FSTAB_PATH);
        const change = setOurMount(content, mountSpec(i));
        if (change.kind === "added" || change.kind === "updated") {
            const newTag = await writeWithBackup(store, FSTAB_PATH, content, tag, change.content);
            if (change.kind === "added") record.added.fstab.push({ hostId: h.id, mountPoint: i.mountPoint });
            restore = async () => {
                await store.replace(FSTAB_PATH, content ?? "", newTag);
                if (change.kind === "added") record.added.fstab = record.added.fstab.filter((f) => f.hostId !== h.id);
            };
            out.push(
                format(
                    _("$0: $1 “$2” (previous content kept in $0.cockpit-migrate.bak)"),
                    FSTAB_PATH,
                    change.kind,
                    change.line,
                ),
            );
        } else
            out.push(
                change.kind === "covered"
                    ? format(_("$0: line $1 already has this mount"), FSTAB_PATH, change.lineNumber)
                    : format(_("$0: our line is already there"), FSTAB_PATH),
            );
    }
    if (!mounted) {
        try {
            await run(
                ctx,
                h,
                i.method === "fstab"
                    ? a.mountFromFstab(i.mountPoint)
                    : a.mountNfs(i.storage.address, i.exportDir, i.mountPoint, i.mountOptions),
            );
        } catch (e) {
            if (restore) {
                try {
                    await restore();
                    out.push(format(_("$0 was restored to its content before this step"), FSTAB_PATH));
                } catch (r) {
                    out.push(
                        format(
                            _("$0 could NOT be restored ($1); its previous content is in $0.cockpit-migrate.bak"),
                            FSTAB_PATH,
                            rawMessage(r),
                        ),
                    );
                }
            }
            const why = explainMount(h.label, e);
            throw new StepError(
                {
                    title: why.title,
                    fix:
                        i.method === "fstab"
                            ? format(_("$0 was left as it was before the step. $1"), FSTAB_PATH, why.fix)
                            : why.fix,
                },
                [...out, rawMessage(e)].join("\n"),
            );
        }
        record.added.mounts.push({ hostId: h.id, mountPoint: i.mountPoint });
        out.push(format(_("Mounted $0 on $1"), source, i.mountPoint));
    }
    return out.join("\n");
}
