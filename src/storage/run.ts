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
                return `${i.exportDir} exists on ${step.host.label}`;
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
                return `${r.copied ? "Copied and verified" : "An identical file is already there"}: ${storedPath(i, img)}\nSHA-256 ${r.sha256}`;
            }
            case "export":
                return await exportStep(ctx, record, step);
            case "selinux":
                await run(ctx, step.host, a.setseboolVirtUseNfs());
                return `virt_use_nfs is on on ${step.host.label}`;
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
                return `${r.changed} disk path(s) changed`;
            }
            case "start": {
                const [start, state] = step.commands as [string[], string[]];
                const before = (await run(ctx, step.host, state)).trim();
                if (before !== "running") await run(ctx, step.host, start);
                const after = (await run(ctx, step.host, state)).trim();
                if (after !== "running")
                    throw new StepError({
                        title: `The VM is ${after} after starting`,
                        fix: "Look at the VM's log on the source host",
                    });
                return "The VM is running";
            }
            case "verify":
                for (const img of i.images) {
                    const sum = (await run(ctx, step.host, a.sha256(sharedPath(i, img)))).trim().split(/\s+/)[0];
                    const want = record.checksums[img.path];
                    if (want && sum !== want)
                        throw new StepError(
                            {
                                title: `${step.host.label} sees a different ${sharedPath(i, img)} (SHA-256 ${sum}, copied ${want})`,
                                fix: "Check that it mounts the same export",
                            },
                            out.join("\n"),
                        );
                    out.push(`${sharedPath(i, img)}: SHA-256 ${sum}${want ? " (same as the copy)" : ""}`);
                }
                return out.join("\n");
        }
    } catch (e) {
        if (e instanceof StepError) throw e;
        if (e instanceof CopyError) throw new StepError({ title: e.message, fix: e.fix });
        if (e instanceof ExportsError || e instanceof FstabError)
            throw new StepError({ title: e.message, fix: "Nothing was written." });
        if (isTagConflict(e)) throw new StepError(explainConflict(step.edits[0]?.path ?? "A file", step.host.label));
        throw new StepError({
            title: `${step.title}: ${rawMessage(e)}`,
            fix:
                isRunError(e) && e.cause === "access-denied"
                    ? "Turn on administrative access"
                    : "Fix the cause and run the step again",
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
            `${EXPORTS_PATH}: ${change.kind} “${change.line}” (previous content kept in ${EXPORTS_PATH}.cockpit-migrate.bak)`,
        );
    } else
        out.push(
            change.kind === "covered"
                ? `${EXPORTS_PATH}: line ${change.lineNumber} already exports it; nothing written`
                : `${EXPORTS_PATH}: our line is already there`,
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
                title: `exportfs -v does not list ${i.exportDir} for ${missing.map((c) => c.address).join(", ")}`,
                fix: "Check the export entry and the NFS server",
            });
        return out.filter(Boolean).join("\n");
    } catch (e) {
        const why = e instanceof StepError ? { title: e.message, fix: e.fix } : explainExportfs(step.host.label, e);
        if (newTag !== null) {
            try {
                if (content === null) await run(ctx, step.host, a.removeFile(EXPORTS_PATH));
                else await store.replace(EXPORTS_PATH, content, newTag);
                if (change.kind === "added") record.added.exports = null;
                out.push(`${EXPORTS_PATH} was restored to its content before this step`);
            } catch (r) {
                out.push(
                    `${EXPORTS_PATH} could NOT be restored (${rawMessage(r)}); its previous content is in ${EXPORTS_PATH}.cockpit-migrate.bak`,
                );
            }
            // and the live table: exportfs -a may already have exported our line
            try {
                await run(ctx, step.host, a.exportfsResync());
                out.push("exportfs -r: the live exports follow the file again");
            } catch (r) {
                out.push(
                    `exportfs -r failed (${rawMessage(r)}): run exportfs -r on ${step.host.label}, or the new export stays live`,
                );
            }
        }
        throw new StepError(
            { title: why.title, fix: `${EXPORTS_PATH} was left as it was before the step. ${why.fix}` },
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
                title: `A storage pool named ${i.poolName} already exists on ${h.label}; the flow does not change it`,
                fix: "Choose another pool name",
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
                    exists === null ? `Pool ${i.poolName} was removed again` : "",
                );
            }
        }
        if (!ours) record.added.pools.push({ hostId: h.id, name: i.poolName });
        await run(ctx, h, autostart);
        return `Pool ${i.poolName} is running on ${h.label} (libvirt mounted the export on ${i.mountPoint})`;
    }
    const out: string[] = [];
    const source = nfsSource(i.storage.address, i.exportDir);
    const mounted = await run(ctx, h, a.findmnt(i.mountPoint)).then(
        (o) => o.trim(),
        () => "",
    );
    if (mounted && mounted.split(/\s+/)[0] !== source)
        throw new StepError({
            title: `${mounted.split(/\s+/)[0]} is already mounted on ${i.mountPoint} of ${h.label}`,
            fix: "Unmount it, or choose another mount point",
        });
    if (mounted) out.push(`${source} is already mounted on ${i.mountPoint}`);
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
                `${FSTAB_PATH}: ${change.kind} “${change.line}” (previous content kept in ${FSTAB_PATH}.cockpit-migrate.bak)`,
            );
        } else
            out.push(
                `${FSTAB_PATH}: ${change.kind === "covered" ? `line ${change.lineNumber} already has this mount` : "our line is already there"}`,
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
                    out.push(`${FSTAB_PATH} was restored to its content before this step`);
                } catch (r) {
                    out.push(
                        `${FSTAB_PATH} could NOT be restored (${rawMessage(r)}); its previous content is in ${FSTAB_PATH}.cockpit-migrate.bak`,
                    );
                }
            }
            const why = explainMount(h.label, e);
            throw new StepError(
                {
                    title: why.title,
                    fix: (i.method === "fstab" ? `${FSTAB_PATH} was left as it was before the step. ` : "") + why.fix,
                },
                [...out, rawMessage(e)].join("\n"),
            );
        }
        record.added.mounts.push({ hostId: h.id, mountPoint: i.mountPoint });
        out.push(`Mounted ${source} on ${i.mountPoint}`);
    }
    return out.join("\n");
}
