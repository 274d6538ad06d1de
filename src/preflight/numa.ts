/** NUMA and CPU pinning: the host CPUs and NUMA nodes a VM pins to must exist on the destination. */
import type { DomainDefinition } from "../domains/definition";
import type { NumaCell } from "../domains/parse";
import type { CheckResult } from "./types";
import { _, format, ngettext } from "../../pkg/lib/gettext";

const list = (n: number[]) => (n.length > 8 ? `${n.slice(0, 8).join(",")}…` : n.join(","));

/** "host CPUs 2,3 and NUMA nodes 1", either part alone, or "" when both are empty. */
function pinned(cpus: number[], nodes: number[]): string {
    const c = format(_("host CPUs $0"), list(cpus)),
        n = format(_("NUMA nodes $0"), list(nodes));
    if (cpus.length && nodes.length) return format(_("$0 and $1"), c, n);
    return cpus.length ? c : nodes.length ? n : "";
}

export function numaCheck(d: DomainDefinition, dest: NumaCell[], label: string, commands: string[][]): CheckResult {
    if (!d.vcpupin && !d.numatune && d.pinnedCpus.length === 0)
        return { id: "numa", severity: "pass", title: _("No vCPU or NUMA pinning"), commands: [] };
    const cpus = new Set(dest.flatMap((c) => c.cpus));
    const nodes = new Set(dest.map((c) => c.id));
    const missingCpus = d.pinnedCpus.filter((c) => !cpus.has(c));
    const missingNodes = d.numaNodes.filter((n) => !nodes.has(n));
    const what = pinned(d.pinnedCpus, d.numaNodes);
    const topology = format(
        _("$0 has $1 and $2."),
        label,
        format(ngettext("$0 NUMA node", "$0 NUMA nodes", dest.length), dest.length),
        format(ngettext("$0 CPU", "$0 CPUs", cpus.size), cpus.size),
    );
    if (dest.length === 0)
        return {
            id: "numa",
            severity: "warning",
            title: format(_("The VM pins $0; $1's NUMA topology is unknown"), what || _("its placement"), label),
            commands,
            fix: _("Check that the destination has the same host CPUs and NUMA nodes, or remove the pinning."),
        };
    if (missingCpus.length || missingNodes.length)
        return {
            id: "numa",
            severity: "error",
            title: format(_("The VM pins $0 that $1 does not have"), pinned(missingCpus, missingNodes), label),
            detail: topology,
            commands,
            fix: _(
                "QEMU cannot start on the destination with this pinning: remove or change the <cputune>/<numatune> pinning (virsh vcpupin, virsh numatune) first.",
            ),
        };
    return {
        id: "numa",
        severity: "warning",
        title: format(_("The VM pins $0: they exist on $1"), what || _("its placement"), label),
        detail: topology,
        commands,
        fix: _(
            "The pinning is kept as is: if the destination's CPUs and nodes are laid out differently, performance may suffer.",
        ),
    };
}
