/** Storage, devices and networks: what the VM is attached to must exist on the destination. */
import type { DomainDefinition } from "../domains/definition";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { cannot, message } from "./util";
import { _, format } from "../../pkg/lib/gettext";

type Run = (a: string[]) => Promise<string>;

/** `exists` asks the destination itself whether a path exists (null: no way to ask). */
export async function storage(run: Run, input: PreflightInput, d: DomainDefinition, exists: ((path: string) => Promise<boolean>) | null): Promise<CheckResult[]> {
    const disks = d.disks.filter(x => x.source);
    if (disks.length === 0) return [{ id: "storage", severity: "pass", title: _("No disks to share or copy"), commands: [] }];
    const copying = input.options.storage !== "shared";
    return Promise.all(disks.map(async (disk): Promise<CheckResult> => {
        const argv = v.volInfo(input.destinationUri, disk.source!);
        const id = `storage:${disk.target ?? disk.source}`;
        if (disk.device === "cdrom" || disk.device === "floppy")
            return { id, severity: "warning", title: format(_("$0: local $1 image $2"), disk.target, disk.device, disk.source), commands: [],
                fix: _("Eject it, or make sure the same image exists on the destination.") };
        let visible = false;
        try { await run(argv); visible = true } catch { visible = false }
        const onDisk = !visible && exists ? await exists(disk.source!).catch(() => false) : false;
        if (copying && (visible || onDisk))
            return { id, severity: "warning", title: format(_("$0: $1 already exists on $2 and the copy will overwrite it"), disk.target, disk.source, input.destinationLabel), commands: [argv],
                detail: _("libvirt copies into an image that already exists at the same path: whatever that file holds on the destination is replaced."),
                fix: _("Make sure no other VM on the destination uses that file (move or rename it there first), or share the storage instead of copying.") };
        if (copying) return { id, severity: "pass", title: format(_("$0: $1 will be copied"), disk.target, disk.source), commands: [argv] };
        if (onDisk) return { id, severity: "warning", title: format(_("$0: $1 exists on $2, but no storage pool lists it"), disk.target, disk.source, input.destinationLabel), commands: [argv],
            fix: _("Refresh the pool that holds it on the destination (virsh pool-refresh), or define a pool for its directory; libvirt can still use the file.") };
        return visible
            ? { id, severity: "pass", title: format(_("$0: $1 is visible on $2"), disk.target, disk.source, input.destinationLabel), commands: [argv] }
            : { id, severity: "error", title: format(_("$0: $1 is not visible on $2"), disk.target, disk.source, input.destinationLabel), commands: [argv],
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

