/** The NFS shared-storage flow (RHEL "Sharing virtual machine disk images with other hosts"), typed. */
import type { Host } from "../hosts/types";
import type { RunTarget } from "../../pkg/lib/runner";
import type { DomainRef, DomainUuid } from "../domains/types";

/** A host taking part: where its commands run, its libvirt URI, and the address other hosts use for it. */
export interface NfsHost extends Pick<Host, "id" | "label" | "uri"> {
    target: RunTarget;
    address: string;
}

/** mount: a plain mount; fstab: the same, persisted in /etc/fstab; pool: a libvirt netfs pool mounts it. */
export type MountMethod = "mount" | "fstab" | "pool";

/** A disk image of a VM on the source host. */
/** A disk image of a VM on the source host; `domain` is the VM's name (display), `uuid` addresses it. */
export interface Image {
    domain: string;
    uuid: DomainUuid;
    target: string;
    path: string;
}

export interface NfsInputs {
    storage: NfsHost;
    exportDir: string;
    exportOptions: string;
    source: NfsHost;
    /** Hosts that mount the export (default: source and destination). */
    clients: NfsHost[];
    mountPoint: string;
    mountOptions: string;
    method: MountMethod;
    poolName: string;
    domains: DomainRef[];
    images: Image[];
    /** Replace an existing, different file of the same name in the export directory. */
    overwrite: boolean;
}

export type StepKind = "mkdir" | "copy" | "export" | "selinux" | "mount" | "repoint" | "start" | "verify";
export type StepStatus = "pending" | "running" | "done" | "failed" | "skipped";

export interface Step {
    id: string;
    kind: StepKind;
    host: NfsHost;
    title: string;
    /** The exact commands the step runs, in order (file edits are described in `edits`). */
    commands: string[][];
    /** System files the step edits (through the tag-checked file store), and the line it writes. */
    edits: { path: string; line: string }[];
    /** Set when the step has nothing to do, with the reason. */
    skipReason?: string;
    image?: Image;
    domain?: DomainRef;
}

export interface StepState {
    status: StepStatus;
    output: string;
    /** Why it failed, in words, and what to do. */
    error?: string;
    fix?: string;
    progress?: { bytes: number; total: number; rate: string | null };
    /** The detached copy job's directory while it runs: running the step again reattaches to it. */
    job?: string;
}

/** What the flow changed, so that Undo removes exactly that. */
export interface Added {
    /**
     * `created`: /etc/exports did not exist before the flow wrote it (Undo then removes it again when only our line was
     * in it).
     */
    exports: { hostId: string; path: string; created?: boolean } | null;
    fstab: { hostId: string; mountPoint: string }[];
    mounts: { hostId: string; mountPoint: string }[];
    pools: { hostId: string; name: string }[];
    repointed: { domain: string; uuid: DomainUuid; from: string; to: string }[];
}

export interface FlowRecord {
    version: 1;
    /** Which flow this is: work begun on one flow is never merged into another (started over meanwhile). */
    id?: string;
    inputs: NfsInputs;
    steps: Record<string, StepState>;
    added: Added;
    /** SHA-256 of each copied image (by source path), to confirm the clients see the same bytes. */
    checksums: Record<string, string>;
    /** Hosts where SELinux is enforcing or permissive (virt_use_nfs matters there). */
    selinuxHosts: string[];
}

export const emptyAdded = (): Added => ({ exports: null, fstab: [], mounts: [], pools: [], repointed: [] });

export function basename(path: string): string {
    return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(dir: string, name: string): string {
    return dir.replace(/\/+$/, "") + "/" + name;
}
