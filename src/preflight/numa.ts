/** NUMA and CPU pinning: the host CPUs and NUMA nodes a VM pins to must exist on the destination. */
import type { DomainDefinition } from "../domains/definition";
import type { NumaCell } from "../domains/parse";
import type { CheckResult } from "./types";
import { _, format } from "../../pkg/lib/gettext";

const list = (n: number[]) => (n.length > 8 ? `${n.slice(0, 8).join(",")}…` : n.join(","));

export function numaCheck(d: DomainDefinition, dest: NumaCell[], label: string, commands: string[][]): CheckResult {
    if (!d.vcpupin && !d.numatune && d.pinnedCpus.length === 0)
        return { id: "numa", severity: "pass", title: _("No vCPU or NUMA pinning"), commands: [] };
    const cpus = new Set(dest.flatMap((c) => c.cpus));
    const nodes = new Set(dest.map((c) => c.id));
    const missingCpus = d.pinnedCpus.filter((c) => !cpus.has(c));
    const missingNodes = d.numaNodes.filter((n) => !nodes.has(n));
    const what = [
        d.pinnedCpus.length && `host CPUs ${list(d.pinnedCpus)}`,
        d.numaNodes.length && `NUMA nodes ${list(d.numaNodes)}`,
    ]
        .filter(Boolean)
        .join(" and ");
    const topology = `${label} has ${dest.length} NUMA node(s) and ${cpus.size} CPUs.`;
    if (dest.length === 0)
        return {
            id: "numa",
            severity: "warning",
            title: format(_("The VM pins $0; $1's NUMA topology is unknown"), what || "its placement", label),
            commands,
            fix: _("Check that the destination has the same host CPUs and NUMA nodes, or remove the pinning."),
        };
    if (missingCpus.length || missingNodes.length)
        return {
            id: "numa",
            severity: "error",
            title: format(
                _("The VM pins $0 that $1 does not have"),
                [
                    missingCpus.length && `host CPUs ${list(missingCpus)}`,
                    missingNodes.length && `NUMA nodes ${list(missingNodes)}`,
                ]
                    .filter(Boolean)
                    .join(" and "),
                label,
            ),
            detail: topology,
            commands,
            fix: _(
                "QEMU cannot start on the destination with this pinning: remove or change the <cputune>/<numatune> pinning (virsh vcpupin, virsh numatune) first.",
            ),
        };
    return {
        id: "numa",
        severity: "warning",
        title: format(_("The VM pins $0: they exist on $1"), what || "its placement", label),
        detail: topology,
        commands,
        fix: _(
            "The pinning is kept as is: if the destination's CPUs and nodes are laid out differently, performance may suffer.",
        ),
    };
}
