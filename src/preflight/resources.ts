/** Storage, devices and networks: what the VM is attached to must exist on the destination. */
import type { DomainDefinition } from "../domains/definition";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { message } from "./util";

type Run = (a: string[]) => Promise<string>;

/** `exists` asks the destination itself whether a path exists (null: no way to ask). */
export async function storage(run: Run, input: PreflightInput, d: DomainDefinition, exists: ((path: string) => Promise<boolean>) | null): Promise<CheckResult[]> {
    const disks = d.disks.filter(x => x.source);
    if (disks.length === 0) return [{ id: "storage", severity: "pass", title: "No disks to share or copy", commands: [] }];
    const copying = input.options.storage !== "shared";
    return Promise.all(disks.map(async (disk): Promise<CheckResult> => {
        const argv = v.volInfo(input.destinationUri, disk.source!);
        const id = `storage:${disk.target ?? disk.source}`;
        if (disk.device === "cdrom" || disk.device === "floppy")
            return { id, severity: "warning", title: `${disk.target}: local ${disk.device} image ${disk.source}`, commands: [],
                fix: "Eject it, or make sure the same image exists on the destination." };
        let visible = false;
        try { await run(argv); visible = true } catch { visible = false }
        const onDisk = !visible && exists ? await exists(disk.source!).catch(() => false) : false;
        if (copying) return { id, severity: "pass", title: `${disk.target}: ${disk.source} will be copied`, commands: [argv],
            ...(visible ? { detail: "The destination already has a volume at that path: it will be overwritten by the copy." } : {}) };
        if (onDisk) return { id, severity: "warning", title: `${disk.target}: ${disk.source} exists on ${input.destinationLabel}, but no storage pool lists it`, commands: [argv],
            fix: "Refresh the pool that holds it on the destination (virsh pool-refresh), or define a pool for its directory; libvirt can still use the file." };
        return visible
            ? { id, severity: "pass", title: `${disk.target}: ${disk.source} is visible on ${input.destinationLabel}`, commands: [argv] }
            : { id, severity: "error", title: `${disk.target}: ${disk.source} is not visible on ${input.destinationLabel}`, commands: [argv],
                detail: "No storage pool on the destination holds a volume at this path.",
                fix: "Choose \"Copy all disks\", or share the images (NFS at the same path) and define a storage pool for them." };
    }));
}

export function devices(d: DomainDefinition): CheckResult {
    if (d.hostdevs.length === 0) return { id: "devices", severity: "pass", title: "No passthrough, SR-IOV or mediated devices", commands: [] };
    return { id: "devices", severity: "error", title: `Devices that cannot migrate: ${d.hostdevs.join(", ")}`, commands: [],
        detail: "PCI passthrough, SR-IOV virtual functions and mediated devices (vGPU) are bound to this host's hardware.",
        fix: "Detach them before migrating (virsh detach-device), and attach the destination's own afterwards." };
}

/** Every libvirt network the VM's interfaces use must exist and be active on the destination. */
export async function networks(run: Run, input: PreflightInput, d: DomainDefinition): Promise<CheckResult[]> {
    const nets = [...new Set(d.interfaces.filter(i => i.type === "network" && i.source).map(i => i.source!))];
    const bridges = [...new Set(d.interfaces.filter(i => i.type === "bridge" && i.source).map(i => i.source!))];
    const results: CheckResult[] = await Promise.all(nets.map(async (net): Promise<CheckResult> => {
        const argv = v.netInfo(input.destinationUri, net);
        try {
            const active = /^Active:\s+yes/m.test(await run(argv));
            return active ? { id: `network:${net}`, severity: "pass", title: `Network ${net} is active on ${input.destinationLabel}`, commands: [argv] }
                : { id: `network:${net}`, severity: "error", title: `Network ${net} is not active on ${input.destinationLabel}`, commands: [argv], fix: `Start it there: virsh net-start ${net}` };
        } catch (e) {
            return { id: `network:${net}`, severity: "error", title: `Network ${net} does not exist on ${input.destinationLabel}`, detail: message(e), commands: [argv],
                fix: "Define the same network on the destination, or change the VM's interface." };
        }
    }));
    for (const br of bridges) results.push({ id: `bridge:${br}`, severity: "info", title: `Bridge ${br} must exist on ${input.destinationLabel}`, commands: [],
        fix: "The VM's interface attaches to a host bridge of that name; create it there with the same network behind it." });
    if (results.length === 0) results.push({ id: "networks", severity: "pass", title: "No network interfaces to match", commands: [] });
    return results;
}

