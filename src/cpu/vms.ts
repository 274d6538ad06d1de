/**
 * The VMs a CPU baseline is for: those of every chosen host (each machine once), with the
 * virtualization type each runs as (`<domain type='kvm|qemu'>`). A baseline is computed for one
 * type (`--virttype`): the CPU models QEMU offers under KVM and under TCG differ, so a model
 * computed for KVM given to a TCG guest (or the reverse) is a CPU for another accelerator.
 */
import { xml2js, type Element } from "xml-js";
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import { _, format, ngettext } from "../../pkg/lib/gettext";
import { errorText } from "../../pkg/lib/error-text";
import { attr, kid } from "../domains/xml";
import { loadDomains } from "../domains/load";
import type { Domain, DomainUuid } from "../domains/types";
import { machineOf } from "../hosts/machine";
import { onePerMachine } from "../hosts/names";
import * as v from "../virsh/argv";
import type { ApplyResult, CpuHost } from "./apply";

/** The type of a domain definition (`<domain type=…>`); null when it is not a domain definition. */
export function domainVirtType(xml: string): string | null {
    try {
        return attr(kid(xml2js(xml, { compact: false }) as Element, "domain"), "type");
    } catch {
        return null;
    }
}

/** A VM with its host and the type its persistent definition runs as (null: could not be read). */
export interface CpuVm {
    host: CpuHost;
    domain: Domain;
    virttype: string | null;
}

/** What the type choice is based on: the type most VMs run as, and every type they run as (most first). */
export interface VirtTypeChoice {
    virttype: string;
    /** The known types, the most common first; more than one means the VMs differ. */
    types: string[];
}

/** The default when no VM says (libvirt's own default for a host with KVM). */
export const DEFAULT_VIRTTYPE = "kvm";

/**
 * The virtualization type a baseline for these VMs is computed for: the one they run as. When they
 * differ, the one most of them run as (a tie goes to the first in order); with no VM, KVM.
 */
export function virtTypeFor(vms: readonly Pick<CpuVm, "virttype">[]): VirtTypeChoice {
    const counts = new Map<string, number>();
    for (const vm of vms) if (vm.virttype) counts.set(vm.virttype, (counts.get(vm.virttype) ?? 0) + 1);
    const types = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    return { virttype: types[0] ?? DEFAULT_VIRTTYPE, types };
}

/** The VMs that run as another type than the baseline is computed for. */
export function otherTypeVms<T extends Pick<CpuVm, "virttype">>(virttype: string, vms: readonly T[]): T[] {
    return vms.filter((vm) => vm.virttype !== null && vm.virttype !== virttype);
}

/**
 * The warning for a baseline of `virttype` and these VMs, or null when they all run as it: the VMs
 * of another type, by name, and what applying it would do to them.
 */
export function virtTypeWarning(virttype: string, vms: readonly CpuVm[]): string | null {
    const other = otherTypeVms(virttype, vms);
    if (other.length === 0) return null;
    const names = other.map((vm) => `${vm.domain.name} (${vm.virttype})`).join(", ");
    return format(
        ngettext(
            "$0 VM does not run as $1: $2. Applying would give it a CPU computed for another accelerator.",
            "$0 VMs do not run as $1: $2. Applying would give them a CPU computed for another accelerator.",
            other.length,
        ),
        other.length,
        virttype,
        names,
    );
}

/** One chosen host's VMs, or why they could not be listed. */
export interface HostVms {
    host: CpuHost;
    vms: CpuVm[];
    error: string | null;
}

/**
 * The persistent VMs of each host with their types, each machine once (onePerMachine: this host is
 * often a known host too; its VMs are listed once, as This host's). A host that cannot be read is
 * reported, not dropped. One `dumpxml --inactive` per persistent VM: the type is in no bulk listing.
 */
export async function loadHostVms(runner: Runner, hosts: readonly CpuHost[]): Promise<HostVms[]> {
    const machines = await Promise.all(hosts.map(async (h) => [h.uri, await machineOf(runner, h.uri)] as const));
    const once = onePerMachine(hosts, Object.fromEntries(machines));
    return Promise.all(
        once.map(async (host): Promise<HostVms> => {
            try {
                const domains = (await loadDomains(runner, host.uri)).filter((d) => d.persistent);
                const vms = await Promise.all(
                    domains.map(async (domain): Promise<CpuVm> => {
                        try {
                            const xml = await runner.run(LOCAL, v.dumpxml(host.uri, domain.uuid, { inactive: true }), {
                                timeoutMs: 30_000,
                            });
                            return { host, domain, virttype: domainVirtType(xml) };
                        } catch {
                            return { host, domain, virttype: null };
                        }
                    }),
                );
                return { host, vms, error: null };
            } catch (e) {
                return {
                    host,
                    vms: [],
                    error: format(_("The VMs of $0 could not be listed: $1"), host.label, errorText(e)),
                };
            }
        }),
    );
}

/** An apply result with the host it was applied on (restore and restart run there). */
export type HostApplyResult = ApplyResult & { uri: string; host: string };

/** A VM's key in the apply step's choice: its host and UUID (names repeat across hosts). */
export const vmKey = (vm: Pick<CpuVm, "host" | "domain">) => `${vm.host.uri}\n${vm.domain.uuid}`;

/** The VMs of `hosts` whose keys are chosen, grouped by host in the hosts' order (applyBaseline runs per host). */
export function chosenByHost(
    hosts: readonly HostVms[],
    chosen: ReadonlySet<string>,
): { host: CpuHost; vms: CpuVm[] }[] {
    return hosts
        .map((h) => ({ host: h.host, vms: h.vms.filter((vm) => chosen.has(vmKey(vm))) }))
        .filter((h) => h.vms.length > 0);
}

/**
 * The VMs the type is decided by: the one VM the wizard was opened for (from its failed CPU check), by its UUID
 * (never its name: another host's VM of the same name is another VM), on its host or, when that host is listed
 * under another URI, wherever it is listed; else every VM.
 */
export function typeBasis(vms: readonly CpuVm[], preset?: { uuid: DomainUuid; sourceUri: string }): CpuVm[] {
    if (!preset) return [...vms];
    const it = vms.filter((vm) => vm.domain.uuid === preset.uuid);
    const there = it.filter((vm) => vm.host.uri === preset.sourceUri);
    return there.length > 0 ? there : it.length > 0 ? it : [...vms];
}
