/**
 * Undo: removes exactly what the flow added (pools it defined, mounts it made, its fstab lines, its
 * exports line, disk paths it changed), newest first. Copied images and created directories stay:
 * they are data, listed for the admin to remove by hand.
 */
import { isTagConflict, modifyFile } from "../../pkg/lib/filestore";
import { dumpxml } from "../virsh/argv";
import { EXPORTS_PATH, removeOurExport } from "./exports";
import { FSTAB_PATH, removeOurMount } from "./fstab";
import { rawMessage } from "./errors";
import { commandTarget, storedPath } from "./plan";
import { repointDisks } from "./repoint";
import type { FlowContext } from "./run";
import * as a from "./argv";
import { _, format, ngettext } from "../../pkg/lib/gettext";
import type { FlowRecord, NfsHost } from "./types";

export interface UndoAction {
    id: string;
    host: NfsHost;
    title: string;
    commands: string[][];
    edits: { path: string; line: string }[];
}

function hostsOf(r: FlowRecord): NfsHost[] {
    return [r.inputs.storage, r.inputs.source, ...r.inputs.clients];
}
const byId = (r: FlowRecord, id: string) => hostsOf(r).find((h) => h.id === id)!;

export function undoPlan(r: FlowRecord): UndoAction[] {
    const out: UndoAction[] = [];
    for (const p of r.added.pools) {
        const h = byId(r, p.hostId);
        out.push({
            id: `pool-${p.hostId}`,
            host: h,
            title: format(_("Stop and remove libvirt pool $0 on $1"), p.name, h.label),
            commands: [a.poolDestroy(h.uri, p.name), a.poolUndefine(h.uri, p.name)],
            edits: [],
        });
    }
    for (const m of r.added.mounts) {
        const h = byId(r, m.hostId);
        out.push({
            id: `umount-${m.hostId}`,
            host: h,
            title: format(_("Unmount $0 on $1"), m.mountPoint, h.label),
            commands: [a.umount(m.mountPoint)],
            edits: [],
        });
    }
    for (const f of r.added.fstab) {
        const h = byId(r, f.hostId);
        out.push({
            id: `fstab-${f.hostId}`,
            host: h,
            title: format(_("Remove the flow's line for $0 from $1 on $2"), f.mountPoint, FSTAB_PATH, h.label),
            commands: [],
            edits: [{ path: FSTAB_PATH, line: "" }],
        });
    }
    if (r.added.exports) {
        const h = byId(r, r.added.exports.hostId);
        out.push({
            id: "exports",
            host: h,
            title: format(
                r.added.exports.created
                    ? _(
                          "Remove the flow's line for $0 from $1 on $2 (and the file, which the flow created, if nothing else is in it) and re-export",
                      )
                    : _("Remove the flow's line for $0 from $1 on $2 and re-export"),
                r.added.exports.path,
                EXPORTS_PATH,
                h.label,
            ),
            commands: [...(r.added.exports.created ? [a.removeFile(EXPORTS_PATH)] : []), a.exportfsResync()],
            edits: [{ path: EXPORTS_PATH, line: "" }],
        });
    }
    for (const d of [...new Set(r.added.repointed.map((x) => x.domain))]) {
        const uuid = r.added.repointed.find((x) => x.domain === d)!.uuid;
        out.push({
            id: `repoint-${d}`,
            host: r.inputs.source,
            title: format(_("Point $0's disks back at their previous paths"), d),
            commands: [
                dumpxml(r.inputs.source.uri, uuid, { inactive: true, securityInfo: true }),
                a.defineStdin(r.inputs.source.uri),
            ],
            edits: [],
        });
    }
    return out;
}

/** What Undo leaves on purpose. */
export function keptData(r: FlowRecord): string[] {
    return [...new Set(r.inputs.images.filter((img) => r.checksums[img.path]).map((img) => storedPath(r.inputs, img)))];
}

/** Runs one undo action; on success removes it from the record's `added`. */
export async function undoAction(ctx: FlowContext, r: FlowRecord, action: UndoAction): Promise<string> {
    const h = action.host;
    const run = (argv: string[], input?: string) =>
        ctx.runner.run(commandTarget(h, argv), argv, { superuser: "try", ...(input !== undefined ? { input } : {}) });
    try {
        if (action.id.startsWith("pool-")) {
            const name = r.added.pools.find((p) => p.hostId === h.id)!.name;
            await run(a.poolDestroy(h.uri, name)).catch((e) => {
                if (!/not active/i.test(rawMessage(e))) throw e;
            });
            await run(a.poolUndefine(h.uri, name));
            r.added.pools = r.added.pools.filter((p) => p.hostId !== h.id);
            return format(_("Pool $0 removed"), name);
        }
        if (action.id.startsWith("umount-")) {
            const m = r.added.mounts.find((x) => x.hostId === h.id)!;
            await run(a.umount(m.mountPoint)).catch((e) => {
                if (!/not mounted/i.test(rawMessage(e))) throw e;
            });
            r.added.mounts = r.added.mounts.filter((x) => x.hostId !== h.id);
            return format(_("$0 unmounted"), m.mountPoint);
        }
        if (action.id.startsWith("fstab-")) {
            const f = r.added.fstab.find((x) => x.hostId === h.id)!;
            await modifyFile(ctx.files(h), FSTAB_PATH, (c) => removeOurMount(c, f.mountPoint).content);
            r.added.fstab = r.added.fstab.filter((x) => x.hostId !== h.id);
            return format(_("$0: the flow's line removed"), FSTAB_PATH);
        }
        if (action.id === "exports") {
            const { path, created } = r.added.exports!;
            let emptied = false;
            await modifyFile(ctx.files(h), EXPORTS_PATH, (c) => {
                const next = removeOurExport(c, path).content;
                emptied = !!created && next.trim() === "";
                return next;
            });
            // the flow created the file and nobody added to it since: give back its absence, not an empty file
            if (emptied) await run(a.removeFile(EXPORTS_PATH));
            r.added.exports = null;
            await run(a.exportfsResync());
            return emptied
                ? format(_("$0: removed again (the flow had created it)"), EXPORTS_PATH)
                : format(_("$0: the flow's line removed; exports re-read"), EXPORTS_PATH);
        }
        if (action.id.startsWith("repoint-")) {
            const d = action.id.slice(8);
            const back = new Map(r.added.repointed.filter((x) => x.domain === d).map((x) => [x.to, x.from] as const));
            const res = repointDisks(await run(action.commands[0]!), back);
            if (res.changed) await run(a.defineStdin(h.uri), res.xml);
            r.added.repointed = r.added.repointed.filter((x) => x.domain !== d);
            return format(ngettext("$0 disk path restored", "$0 disk paths restored", res.changed), res.changed);
        }
        return "";
    } catch (e) {
        throw new Error(
            isTagConflict(e)
                ? format(_("$0: the file changed while being edited; run Undo again"), action.title)
                : format(_("$0: $1"), action.title, rawMessage(e)),
        );
    }
}
