/** Storage, devices and networks: what the VM is attached to must exist on the destination. */
import type { DomainDefinition } from "../domains/definition";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { cannot, message } from "./util";
import { _, format } from "../../pkg/lib/gettext";

type Run = (a: string[]) => Promise<string>;

/** libvirt's own answer that no pool on the host holds a volume at that path. */
const NO_VOLUME = /Storage volume not found|no storage vol with matching/i;

/**
 * `exists` asks the destination itself whether a path exists (null: no way to ask). Each disk's
 * result carries `disk` (its target and whether the destination sees it), so that a plan copies
 * exactly the disks the destination cannot see.
 */
export async function storage(run: Run, input: PreflightInput, d: DomainDefinition, exists: ((path: string) => Promise<boolean>) | null): Promise<CheckResult[]> {
    const disks = d.disks.filter(x => x.source);
    if (disks.length === 0) return [{ id: "storage", severity: "pass", title: _("No disks to share or copy"), commands: [] }];
    const copying = input.options.storage !== "shared";
    const only = input.options.migrateDisks;
    return Promise.all(disks.map(async (disk): Promise<CheckResult> => {
        const argv = v.volInfo(input.destinationUri, disk.source!);
        const id = `storage:${disk.target ?? disk.source}`;
        if (disk.device === "cdrom" || disk.device === "floppy")
            return { id, severity: "warning", title: format(_("$0: local $1 image $2"), disk.target, disk.device, disk.source), commands: [],
                fix: _("Eject it, or make sure the same image exists on the destination.") };
        let visible: boolean;
        try {
            await run(argv); visible = true;
        } catch (e) {
            // only libvirt's "no such volume" is a verdict: a timeout taken for "not there" would copy a shared image onto itself
            if (!NO_VOLUME.test(message(e))) return cannot(id, format(_("Storage $0"), disk.target ?? disk.source), e, [argv]);
            visible = false;
        }
        const onDisk = !visible && exists ? await exists(disk.source!).catch(() => false) : false;
        const seen = visible || onDisk;
        const found = disk.target ? { disk: { target: disk.target, visible: seen } } : {};
        const copied = copying && (only === undefined || (disk.target !== null && only.includes(disk.target)));
        if (copied && seen)
            return { id, ...found, severity: "error", title: format(_("$0: $1 is visible on $2: copying it would write over the image the destination already has"), disk.target, disk.source, input.destinationLabel), commands: [argv],
                detail: _("libvirt copies into the image at the same path on the destination. On shared storage that is the very image the VM is running from (two QEMUs on one file); otherwise another image of that name is replaced."),
                fix: _("Do not copy this disk: share the storage instead, or copy only the disks the destination cannot see (a plan does that per VM with --migrate-disks). If the file there is unrelated, move or rename it there first.") };
        if (copied) return { id, ...found, severity: "pass", title: format(_("$0: $1 will be copied"), disk.target, disk.source), commands: [argv] };
        if (onDisk) return { id, ...found, severity: "warning", title: format(_("$0: $1 exists on $2, but no storage pool lists it"), disk.target, disk.source, input.destinationLabel), commands: [argv],
            fix: _("Refresh the pool that holds it on the destination (virsh pool-refresh), or define a pool for its directory; libvirt can still use the file.") };
        return visible
            ? { id, ...found, severity: "pass", title: format(_("$0: $1 is visible on $2"), disk.target, disk.source, input.destinationLabel), commands: [argv] }
            : { id, ...found, severity: "error", title: format(_("$0: $1 is not visible on $2"), disk.target, disk.source, input.destinationLabel), commands: [argv],
                detail: _("No storage pool on the destination holds a volume at this path."),
                fix: _("Choose \"Copy all disks\", or share the images (NFS at the same path) and define a storage pool for them.") };
    }));
}

export function devices(d: DomainDefinition): CheckResult {
    if (d.hostdevs.length === 0) return { id: "devices", severity: "pass", title: _("No passthrough, SR-IOV or mediated devices"), commands: [] };
    return { id: "devices", severity: "error", title: format(_("Devices that cannot migrate: $0"), d.hostdevs.join(", ")), commands: [],
        detail: _("PCI passthrough, SR-IOV virtual functions and mediated devices (vGPU) are bound to this host's hardware."),
        fix: _("Detach them before migrating (virsh detach-device), and attach the destination's own afterwards.") };
}

/** Every libvirt network the VM's interfaces use must exist and be active on the destination. */
export async function networks(run: Run, input: PreflightInput, d: DomainDefinition): Promise<CheckResult[]> {
    const nets = [...new Set(d.interfaces.filter(i => i.type === "network" && i.source).map(i => i.source!))];
    const bridges = [...new Set(d.interfaces.filter(i => i.type === "bridge" && i.source).map(i => i.source!))];
    const results: CheckResult[] = await Promise.all(nets.map(async (net): Promise<CheckResult> => {
        const argv = v.netInfo(input.destinationUri, net);
        try {
            const active = /^Active:\s+yes/m.test(await run(argv));
            return active ? { id: `network:${net}`, severity: "pass", title: format(_("Network $0 is active on $1"), net, input.destinationLabel), commands: [argv] }
                : { id: `network:${net}`, severity: "error", title: format(_("Network $0 is not active on $1"), net, input.destinationLabel), commands: [argv], fix: format(_("Start it there: virsh net-start $0"), net) };
        } catch (e) {
            // only libvirt's own answer means "no such network"; a timeout or a lost connection is no verdict
            if (!/network not found|no network with matching/i.test(message(e))) return cannot(`network:${net}`, format(_("Network $0"), net), e, [argv]);
            return { id: `network:${net}`, severity: "error", title: format(_("Network $0 does not exist on $1"), net, input.destinationLabel), detail: message(e), commands: [argv],
                fix: _("Define the same network on the destination, or change the VM's interface.") };
        }
    }));
    for (const br of bridges) results.push({ id: `bridge:${br}`, severity: "info", title: format(_("Bridge $0 must exist on $1"), br, input.destinationLabel), commands: [],
        fix: _("The VM's interface attaches to a host bridge of that name; create it there with the same network behind it.") });
    if (results.length === 0) results.push({ id: "networks", severity: "pass", title: _("No network interfaces to match"), commands: [] });
    return results;
}

