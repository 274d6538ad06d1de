/**
 * Placement for host maintenance: where each VM of a host can go (evacuate), or which moves bring
 * the hosts' committed memory closer to even (rebalance), under hard constraints (pre-flight
 * errors) and the admin's overcommit policy. Pure and deterministic: the same input, the same plan.
 */
import type { Host } from "../hosts/types";
import type { OvercommitPolicy } from "../preflight/policy";
import type { DomainUuid } from "../domains/types";
import { _, format } from "../../pkg/lib/gettext";

export interface PlanHost extends Pick<Host, "id" | "label" | "uri"> {
    memoryKiB: number;
    cpus: number;
    /** What the running guests there are promised now. */
    committedKiB: number;
    committedVcpus: number;
}

export interface PlanVm {
    /** For display; the plan's commands address the VM by `uuid`. */
    name: string;
    uuid: DomainUuid;
    hostId: string;
    running: boolean;
    /** What the VM counts on a host (guaranteed: its memory; burstable: its current balloon). */
    memoryKiB: number;
    vcpus: number;
    /** Hosts it cannot move to, with the reason (pre-flight errors); absent = allowed. */
    blocked: Record<string, string>;
    /** When the plan copies disks: per destination host, the disk targets that host cannot see (--migrate-disks). */
    copyDisks?: Record<string, string[]>;
}

export interface Move {
    vm: string;
    uuid: DomainUuid;
    from: string;
    to: string;
    memoryKiB: number;
    vcpus: number;
}
export interface Unmovable {
    vm: string;
    reason: string;
}
export interface Plan {
    moves: Move[];
    unmovable: Unmovable[];
    before: HostUse[];
    after: HostUse[];
}
export interface HostUse {
    hostId: string;
    label: string;
    memoryKiB: number;
    limitKiB: number;
    vcpus: number;
    vcpuLimit: number;
    ratio: number;
}

const gib = (k: number) => (k / 1048576).toFixed(1);

/** The memory and vCPUs a host may be promised under the policy. */
export function limits(h: PlanHost, p: OvercommitPolicy): { memoryKiB: number; vcpus: number } {
    return {
        memoryKiB: (Math.max(0, h.memoryKiB - p.hostReserveMiB * 1024) * p.memoryCommitPercent) / 100,
        vcpus: (h.cpus * p.cpuCommitPercent) / 100,
    };
}

function hostUse(hosts: PlanHost[], p: OvercommitPolicy, extra: Map<string, { mem: number; cpu: number }>): HostUse[] {
    return hosts.map((h) => {
        const l = limits(h, p),
            e = extra.get(h.id) ?? { mem: 0, cpu: 0 };
        const memoryKiB = h.committedKiB + e.mem;
        return {
            hostId: h.id,
            label: h.label,
            memoryKiB,
            limitKiB: l.memoryKiB,
            vcpus: h.committedVcpus + e.cpu,
            vcpuLimit: l.vcpus,
            ratio: l.memoryKiB > 0 ? memoryKiB / l.memoryKiB : Infinity,
        };
    });
}

function applyMoves(moves: Move[]): Map<string, { mem: number; cpu: number }> {
    const extra = new Map<string, { mem: number; cpu: number }>();
    const add = (id: string, mem: number, cpu: number) => {
        const e = extra.get(id) ?? { mem: 0, cpu: 0 };
        extra.set(id, { mem: e.mem + mem, cpu: e.cpu + cpu });
    };
    for (const m of moves) {
        add(m.to, m.memoryKiB, m.vcpus);
        add(m.from, -m.memoryKiB, -m.vcpus);
    }
    return extra;
}

/** Only the VMs that count on a host: running ones (a shut-off VM promises nothing until it starts). */
const counts = (vm: PlanVm) => vm.running;

/**
 * Evacuate `hostId`: every running VM (and shut-off ones if asked) gets the destination with the
 * most memory headroom left under the policy, largest VMs first; a VM no host can take is listed
 * with the reason.
 */
export function planEvacuation(
    hostId: string,
    hosts: PlanHost[],
    vms: PlanVm[],
    policy: OvercommitPolicy,
    includeShutOff = false,
): Plan {
    const targets = hosts.filter((h) => h.id !== hostId);
    const moves: Move[] = [],
        unmovable: Unmovable[] = [];
    const ordered = vms
        .filter((v) => v.hostId === hostId && (v.running || includeShutOff))
        .sort((a, b) => b.memoryKiB - a.memoryKiB || b.vcpus - a.vcpus || a.name.localeCompare(b.name));
    for (const vm of ordered) {
        const extra = applyMoves(moves);
        const usage = hostUse(targets, policy, extra);
        const reasons: string[] = [];
        const fits = targets.filter((h, i) => {
            if (vm.blocked[h.id]) {
                reasons.push(format(_("$0: $1"), h.label, vm.blocked[h.id]));
                return false;
            }
            if (!counts(vm)) return true;
            const u = usage[i]!;
            if (u.memoryKiB + vm.memoryKiB > u.limitKiB) {
                reasons.push(
                    format(
                        _("$0: not enough memory under the policy ($1 GiB free, $2 GiB needed)"),
                        h.label,
                        gib(u.limitKiB - u.memoryKiB),
                        gib(vm.memoryKiB),
                    ),
                );
                return false;
            }
            if (u.vcpus + vm.vcpus > u.vcpuLimit) {
                reasons.push(format(_("$0: too many vCPUs under the policy"), h.label));
                return false;
            }
            return true;
        });
        if (fits.length === 0) {
            unmovable.push({ vm: vm.name, reason: reasons.join("; ") || _("there is no other host") });
            continue;
        }
        const headroom = (h: PlanHost) => {
            const u = usage[targets.indexOf(h)]!;
            return u.limitKiB - u.memoryKiB;
        };
        const best = [...fits].sort((a, b) => headroom(b) - headroom(a) || a.label.localeCompare(b.label))[0]!;
        moves.push({
            vm: vm.name,
            uuid: vm.uuid,
            from: hostId,
            to: best.id,
            memoryKiB: counts(vm) ? vm.memoryKiB : 0,
            vcpus: counts(vm) ? vm.vcpus : 0,
        });
    }
    return {
        moves,
        unmovable,
        before: hostUse(hosts, policy, new Map()),
        after: hostUse(hosts, policy, applyMoves(moves)),
    };
}

/**
 * Rebalance: repeatedly move one running VM from the host with the highest committed-memory ratio
 * to the one with the lowest, when that lowers the spread between them, within the policy.
 */
export function planRebalance(hosts: PlanHost[], vms: PlanVm[], policy: OvercommitPolicy, maxMoves = 10): Plan {
    const moves: Move[] = [];
    const where = new Map(vms.map((v) => [v.name, v.hostId]));
    for (let n = 0; n < maxMoves; n++) {
        const usage = hostUse(hosts, policy, applyMoves(moves));
        const sorted = [...usage].sort((a, b) => b.ratio - a.ratio || a.label.localeCompare(b.label));
        const high = sorted[0]!,
            low = sorted.at(-1)!;
        if (high.hostId === low.hostId) break;
        const spread = high.ratio - low.ratio;
        const candidates = vms
            .filter((v) => v.running && where.get(v.name) === high.hostId && !v.blocked[low.hostId])
            .map((v) => {
                const hi = (high.memoryKiB - v.memoryKiB) / high.limitKiB,
                    lo = (low.memoryKiB + v.memoryKiB) / low.limitKiB;
                return {
                    v,
                    spread: Math.abs(hi - lo),
                    fits: low.memoryKiB + v.memoryKiB <= low.limitKiB && low.vcpus + v.vcpus <= low.vcpuLimit,
                };
            })
            .filter((x) => x.fits && x.spread < spread - 1e-9)
            .sort((a, b) => a.spread - b.spread || a.v.name.localeCompare(b.v.name));
        const pick = candidates[0];
        if (!pick) break;
        moves.push({
            vm: pick.v.name,
            uuid: pick.v.uuid,
            from: high.hostId,
            to: low.hostId,
            memoryKiB: pick.v.memoryKiB,
            vcpus: pick.v.vcpus,
        });
        where.set(pick.v.name, low.hostId);
    }
    return {
        moves,
        unmovable: [],
        before: hostUse(hosts, policy, new Map()),
        after: hostUse(hosts, policy, applyMoves(moves)),
    };
}
