/** Domains (VMs) as libvirt names them. */
import type { DomainUuid } from "../virsh/argv";

export type { DomainUuid } from "../virsh/argv";

/** virDomainState, as `virsh domstats --state` reports it (state.state). */
export type DomainState =
    "nostate" | "running" | "blocked" | "paused" | "shutdown" | "shutoff" | "crashed" | "pmsuspended";

export const DOMAIN_STATES: readonly DomainState[] = [
    "nostate",
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shutoff",
    "crashed",
    "pmsuspended",
];

export interface Domain {
    /** What every command addresses it by. */
    uuid: DomainUuid;
    /** For display and messages only. */
    name: string;
    state: DomainState;
    /** Current memory in KiB (balloon.current), when known. */
    memoryKiB: number | null;
    /** Maximum memory in KiB (balloon.maximum), when known. */
    maxMemoryKiB: number | null;
    vcpus: number | null;
    persistent: boolean;
    autostart: boolean;
}

/** What a model function needs of a domain: the UUID for commands, the name for messages. */
export type DomainRef = Pick<Domain, "uuid" | "name">;

/** The identity of a libvirt host, for telling hosts apart (same host_uuid = "the same host"). */
export interface HostIdentity {
    hostname: string | null;
    libvirtVersion: string | null;
    hypervisor: string | null; // e.g. "QEMU 7.2.0"
    hostUuid: string | null;
    cpuModel: string | null;
    cpuVendor: string | null;
    arch: string | null;
}

/** True for the states in which a domain has a QEMU process (can be live-migrated). */
export function isActive(state: DomainState): boolean {
    return (
        state === "running" ||
        state === "paused" ||
        state === "blocked" ||
        state === "pmsuspended" ||
        state === "shutdown"
    );
}
