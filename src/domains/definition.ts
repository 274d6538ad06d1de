/** What pre-flight needs from a domain's XML definition (`virsh dumpxml`), read with xml-js. */
import { xml2js, type Element } from "xml-js";
import { attr, kid, kids, text, writeXml } from "./xml";
import { _, format } from "../../pkg/lib/gettext";

/** A secret a disk names (`<auth><secret type uuid|usage>`): libvirt looks it up on the host the VM runs on. */
export interface SecretRef {
    type: string | null;
    uuid: string | null;
    usage: string | null;
}

export interface DiskDef {
    /** `<disk type>`: file, block, network, volume, dir, nvme, … (libvirt's default: file) */
    type: string;
    device: string;
    /** file/block: the path; network: the protocol's name (pool/image, iqn/lun); volume: null (see pool, volume) */
    source: string | null;
    target: string | null;
    readonly: boolean;
    shareable: boolean;
    /** type='volume': `<source pool volume>` */
    pool?: string | null;
    volume?: string | null;
    /** type='network': `<source protocol>` and the secret its auth names */
    protocol?: string | null;
    secret?: SecretRef | null;
}
export interface InterfaceDef {
    type: string;
    source: string | null;
}

/**
 * UEFI firmware state. `<nvram>PATH</nvram>` or (libvirt ≥ 8.5) `<nvram type='file'><source file/>`;
 * `type='network'` has no path here. `<os firmware='efi'>` without `<nvram>` (libvirt 9.0 keeps it so
 * in the persistent definition) gets its file when the VM starts: `path` null.
 */
export interface NvramDef {
    type: string;
    path: string | null;
    template: string | null;
}

export interface DomainDefinition {
    /** `<name>`: libvirt names a default NVRAM file after it. */
    name: string | null;
    type: string; // "kvm" | "qemu"
    memoryKiB: number | null;
    vcpus: number | null;
    machine: string | null;
    cpuMode: string | null; // custom | host-model | host-passthrough | maximum
    /** The <cpu> element as XML, for hypervisor-cpu-compare; null when there is none or it names no model. */
    cpuXml: string | null;
    cpuModel: string | null;
    disks: DiskDef[];
    interfaces: InterfaceDef[];
    hostdevs: string[]; // "pci 0000:01:00.0", "mdev <uuid>", …
    vcpupin: boolean;
    numatune: boolean;
    /** Host CPUs named by <vcpupin cpuset> / <emulatorpin> (expanded), and NUMA nodes named by <numatune>. */
    pinnedCpus: number[];
    numaNodes: number[];
    currentMemoryKiB: number | null;
    /** <memoryBacking> asks for locked memory or hugepages: the guest cannot give memory back. */
    memoryLocked: boolean;
    hugepages: boolean;
    /** UEFI: `<os firmware='efi'>` or a pflash `<loader>`; its variable store (null: none named). */
    efi: boolean;
    nvram: NvramDef | null;
    /** An emulated TPM (`<tpm><backend type='emulator'>`): swtpm keeps its state on the host. */
    tpmEmulator: boolean;
}

/** "0-3,^2,8" → [0,1,3,8]; null when the set cannot be read. */
export function parseCpuset(set: string): number[] | null {
    const add = new Set<number>(),
        remove = new Set<number>();
    for (const part of set
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^(\^)?(\d+)(?:-(\d+))?$/.exec(part);
        if (!m) return null;
        const from = Number(m[2]),
            to = Number(m[3] ?? m[2]);
        if (to < from || to - from > 65536) return null;
        for (let i = from; i <= to; i++) (m[1] ? remove : add).add(i);
    }
    return [...add].filter((i) => !remove.has(i)).sort((a, b) => a - b);
}

function toKiB(el: Element | undefined): number | null {
    const t = text(el);
    const v = Number(t);
    if (t === null || !Number.isFinite(v)) return null;
    const unit = (attr(el, "unit") ?? "KiB").toLowerCase();
    const f: Record<string, number> = {
        b: 1 / 1024,
        bytes: 1 / 1024,
        k: 1,
        kib: 1,
        kb: 1000 / 1024,
        m: 1024,
        mib: 1024,
        mb: 1e6 / 1024,
        g: 1048576,
        gib: 1048576,
        gb: 1e9 / 1024,
        t: 1073741824,
        tib: 1073741824,
    };
    return Math.round(v * (f[unit] ?? 1));
}

function union(sets: (string | null)[]): number[] {
    const all = new Set<number>();
    for (const s of sets) for (const n of s ? (parseCpuset(s) ?? []) : []) all.add(n);
    return [...all].sort((a, b) => a - b);
}

function diskDef(d: Element): DiskDef {
    const src = kid(d, "source");
    const type = attr(d, "type") ?? "file";
    const base = {
        type,
        device: attr(d, "device") ?? "disk",
        target: attr(kid(d, "target"), "dev"),
        readonly: !!kid(d, "readonly"),
        shareable: !!kid(d, "shareable"),
    };
    if (type === "volume") return { ...base, source: null, pool: attr(src, "pool"), volume: attr(src, "volume") };
    if (type === "network") {
        // <auth> sits in <source> (libvirt ≥ 3.9) or directly in <disk> (older definitions)
        const secret = kid(kid(src, "auth") ?? kid(d, "auth"), "secret");
        return {
            ...base,
            source: attr(src, "name"),
            protocol: attr(src, "protocol"),
            secret: secret
                ? { type: attr(secret, "type"), uuid: attr(secret, "uuid"), usage: attr(secret, "usage") }
                : null,
        };
    }
    return { ...base, source: attr(src, "file") ?? attr(src, "dev") ?? null };
}

export function parseDefinition(xml: string): DomainDefinition {
    const domain = kid(xml2js(xml, { compact: false }) as Element, "domain");
    if (!domain) throw new Error(_("Not a domain definition"));
    const devices = kid(domain, "devices");
    const cpu = kid(domain, "cpu");
    const model = text(kid(cpu, "model"));
    const hostdevs = kids(devices, "hostdev").map((h) => {
        const type = attr(h, "type") ?? "?";
        const a = kid(kid(h, "source"), "address");
        return type === "pci" && a
            ? `pci ${attr(a, "domain") ?? ""}:${attr(a, "bus") ?? ""}:${attr(a, "slot") ?? ""}.${attr(a, "function") ?? ""}`
            : type === "mdev"
              ? `mdev ${attr(a, "uuid") ?? ""}`
              : type;
    });
    const interfaces = kids(devices, "interface").map((i) => {
        const src = kid(i, "source");
        return {
            type: attr(i, "type") ?? "?",
            source: attr(src, "network") ?? attr(src, "bridge") ?? attr(src, "dev"),
        };
    });
    for (const i of interfaces)
        if (i.type === "hostdev")
            hostdevs.push(i.source ? format(_("SR-IOV interface $0"), i.source) : _("SR-IOV interface"));
    const os = kid(domain, "os"),
        loader = kid(os, "loader"),
        nv = kid(os, "nvram");
    const nvType = attr(nv, "type") ?? "file";
    return {
        name: text(kid(domain, "name")),
        type: attr(domain, "type") ?? "kvm",
        memoryKiB: toKiB(kid(domain, "memory")),
        vcpus: Number(text(kid(domain, "vcpu"))) || null,
        machine: attr(kid(kid(domain, "os"), "type"), "machine"),
        cpuMode: cpu ? (attr(cpu, "mode") ?? "custom") : null,
        cpuXml: cpu && model ? writeXml({ elements: [cpu] }) : null,
        cpuModel: model,
        disks: kids(devices, "disk").map(diskDef),
        interfaces,
        hostdevs,
        vcpupin: kids(kid(domain, "cputune"), "vcpupin").length > 0,
        numatune: !!kid(domain, "numatune"),
        pinnedCpus: union(
            [...kids(kid(domain, "cputune"), "vcpupin"), ...kids(kid(domain, "cputune"), "emulatorpin")].map((p) =>
                attr(p, "cpuset"),
            ),
        ),
        numaNodes: union(
            [kid(kid(domain, "numatune"), "memory"), ...kids(kid(domain, "numatune"), "memnode")].map((m) =>
                attr(m, "nodeset"),
            ),
        ),
        currentMemoryKiB: toKiB(kid(domain, "currentMemory")),
        memoryLocked: !!kid(kid(domain, "memoryBacking"), "locked"),
        hugepages: !!kid(kid(domain, "memoryBacking"), "hugepages"),
        efi: attr(os, "firmware") === "efi" || attr(loader, "type") === "pflash" || !!nv,
        nvram: nv
            ? {
                  type: nvType,
                  path: nvType === "file" ? (text(nv) ?? attr(kid(nv, "source"), "file")) : null,
                  template: attr(nv, "template"),
              }
            : null,
        tpmEmulator: kids(devices, "tpm").some((t) => attr(kid(t, "backend"), "type") === "emulator"),
    };
}
