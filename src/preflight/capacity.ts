/**
 * Destination capacity under the admin's overcommit policy: the memory and vCPUs promised to the
 * guests already running there plus this one, against what the host has, the guest's class
 * (locked memory/hugepages = guaranteed; balloon below maximum = burstable), and the host's
 * vm.overcommit_memory / vm.panic_on_oom.
 */
import type { DomainDefinition } from "../domains/definition";
import type { RawStats } from "../domains/parse";
import type { OvercommitPolicy } from "./policy";
import type { CheckResult } from "./types";
import { _, format, ngettext } from "../../pkg/lib/gettext";

export type GuestClass = "guaranteed" | "burstable";

export interface NodeInfo {
    memoryKiB: number;
    cpus: number;
}

export interface HostSysctl {
    overcommitMemory: number | null;
    panicOnOom: number | null;
}

/** `virsh nodeinfo` (C locale). */
export function parseNodeinfo(out: string): NodeInfo {
    const memoryKiB = Number(/^Memory size:\s+(\d+) KiB/m.exec(out)?.[1] ?? NaN);
    const cpus = Number(/^CPU\(s\):\s+(\d+)/m.exec(out)?.[1] ?? NaN);
    if (!Number.isFinite(memoryKiB) || !Number.isFinite(cpus))
        throw new Error(_("virsh nodeinfo gave no memory size or CPU count"));
    return { memoryKiB, cpus };
}

/** Two numbers from `cat /proc/sys/vm/overcommit_memory /proc/sys/vm/panic_on_oom`. */
export function parseSysctl(out: string): HostSysctl {
    const [a, b] = out
        .trim()
        .split(/\s+/)
        .map((x) => (/^\d+$/.test(x) ? Number(x) : null));
    return { overcommitMemory: a ?? null, panicOnOom: b ?? null };
}

export function guestClass(d: DomainDefinition): GuestClass {
    return d.memoryLocked || d.hugepages ? "guaranteed" : "burstable";
}

export interface Commitment {
    memoryKiB: number;
    vcpus: number;
    guests: number;
}

/**
 * What the running guests of a host are promised: a guest whose balloon is below its maximum counts what it has now.
 */
export function committed(stats: RawStats[]): Commitment {
    let memoryKiB = 0,
        vcpus = 0;
    for (const s of stats) {
        const cur = Number(s.fields.get("balloon.current") ?? NaN);
        const max = Number(s.fields.get("balloon.maximum") ?? NaN);
        memoryKiB += Number.isFinite(cur) ? cur : Number.isFinite(max) ? max : 0;
        vcpus += Number(s.fields.get("vcpu.current") ?? 0) || 0;
    }
    return { memoryKiB, vcpus, guests: stats.length };
}

/** What the migrating guest adds: a guaranteed guest counts its full memory, a burstable one its current balloon. */
export function guestNeeds(d: DomainDefinition): { memoryKiB: number; vcpus: number } {
    const full = d.memoryKiB ?? 0;
    const memoryKiB = guestClass(d) === "guaranteed" ? full : Math.min(full, d.currentMemoryKiB ?? full);
    return { memoryKiB, vcpus: d.vcpus ?? 1 };
}

const gib = (kib: number) => (kib / 1048576).toFixed(1);
const pct = (x: number) => `${Math.round(x * 100)}%`;

export interface CapacityInput {
    label: string;
    node: NodeInfo;
    running: Commitment;
    guest: DomainDefinition;
    policy: OvercommitPolicy;
    sysctl: HostSysctl | null;
    /** Why the sysctls could not be read, when they were asked for and the read failed. */
    sysctlError?: string;
    commands: string[][];
}

/** One result for memory and one for CPUs. */
export function assessCapacity(i: CapacityInput): CheckResult[] {
    const need = guestNeeds(i.guest);
    const cls = guestClass(i.guest);
    const usableKiB = Math.max(0, i.node.memoryKiB - i.policy.hostReserveMiB * 1024);
    const memKiB = i.running.memoryKiB + need.memoryKiB;
    const physical = memKiB / Math.max(1, usableKiB);
    const allowed = i.policy.memoryCommitPercent / 100;
    const memTitle = format(
        _("$0: $1 of $2 GiB guest memory committed with this VM ($3; policy $4%)"),
        i.label,
        gib(memKiB),
        gib(usableKiB),
        pct(physical),
        i.policy.memoryCommitPercent,
    );
    const policyText = [
        format(
            _("Policy: memory commit $0%, CPU commit $1%, $2 MiB kept for the host."),
            i.policy.memoryCommitPercent,
            i.policy.cpuCommitPercent,
            i.policy.hostReserveMiB,
        ),
        cls === "guaranteed"
            ? _("This VM is guaranteed (locked memory or hugepages: all of its memory must be there);")
            : _("This VM is burstable (counted at its current balloon size);"),
        format(ngettext("$0 running guest there.", "$0 running guests there.", i.running.guests), i.running.guests),
    ].join(" ");
    const sysctlText = i.sysctl
        ? format(
              _("vm.overcommit_memory=$0, vm.panic_on_oom=$1."),
              i.sysctl.overcommitMemory ?? "?",
              i.sysctl.panicOnOom ?? "?",
          )
        : i.sysctlError
          ? format(_("vm.overcommit_memory and vm.panic_on_oom could not be read: $0."), i.sysctlError)
          : _("vm.overcommit_memory and vm.panic_on_oom could not be read.");
    const detail = `${policyText} ${sysctlText}`;
    const commands = i.commands;
    const memory: CheckResult = (() => {
        if (physical > 1 && cls === "guaranteed")
            return {
                id: "capacity",
                severity: "error",
                title: memTitle,
                detail,
                commands,
                fix: _(
                    "This VM locks its memory or uses hugepages and cannot be overcommitted: choose a destination with more free memory, or move other VMs away first.",
                ),
            };
        if (physical > 1 && i.sysctl?.overcommitMemory === 2)
            return {
                id: "capacity",
                severity: "error",
                title: memTitle,
                detail,
                commands,
                fix: _(
                    "The destination uses strict memory accounting (vm.overcommit_memory=2): QEMU's allocations would fail. Free memory there first.",
                ),
            };
        if (physical > 1 && i.sysctl?.panicOnOom && i.sysctl.panicOnOom > 0)
            return {
                id: "capacity",
                severity: "error",
                title: memTitle,
                detail,
                commands,
                fix: _(
                    "The destination panics on out-of-memory (vm.panic_on_oom): an overcommitted host would crash with all its VMs. Free memory there first.",
                ),
            };
        // overcommitted and the two settings that turn that into a failure unknown: not a pass
        if (physical > 1 && i.sysctlError !== undefined)
            return {
                id: "capacity",
                severity: "warning",
                unchecked: true,
                title: format(_("$0; strict accounting and panic-on-OOM not checked"), memTitle),
                detail,
                commands,
                fix: _(
                    "Could not read vm.overcommit_memory and vm.panic_on_oom on the destination: check them there (sysctl vm.overcommit_memory vm.panic_on_oom), or choose a destination with free memory.",
                ),
            };
        if (physical > allowed)
            return {
                id: "capacity",
                severity: "warning",
                title: memTitle,
                detail,
                commands,
                fix:
                    physical > 1
                        ? _(
                              "Running VMs would be promised more memory than the host has: it may swap, or the OOM killer may end a VM. Choose another destination or move VMs away first.",
                          )
                        : _(
                              "The destination would be committed beyond the overcommit policy. Choose another destination, or change the policy.",
                          ),
            };
        return { id: "capacity", severity: "pass", title: memTitle, detail, commands };
    })();
    const vcpus = i.running.vcpus + need.vcpus;
    const cpuRatio = vcpus / Math.max(1, i.node.cpus);
    const cpuTitle = format(
        _("$0: $1 on $2 with this VM ($3; policy $4%)"),
        i.label,
        format(ngettext("$0 vCPU", "$0 vCPUs", vcpus), vcpus),
        format(ngettext("$0 CPU", "$0 CPUs", i.node.cpus), i.node.cpus),
        pct(cpuRatio),
        i.policy.cpuCommitPercent,
    );
    const cpu: CheckResult =
        cpuRatio > i.policy.cpuCommitPercent / 100
            ? {
                  id: "capacity-cpu",
                  severity: "warning",
                  title: cpuTitle,
                  commands,
                  fix: _("Guests there would share the CPUs more than the policy allows: expect them to run slower."),
              }
            : { id: "capacity-cpu", severity: "pass", title: cpuTitle, commands };
    return [memory, cpu];
}
