/** A domain's disks with their sizes (`virsh domblklist --details` + `domblkinfo --all`). */
import type { Runner } from "../../pkg/lib/runner";
import { domblkinfoAll, domblklist, type DomainUuid } from "../virsh/argv";

export interface Disk {
    target: string;
    type: string;
    device: string;
    source: string | null;
    capacityBytes: number | null;
    readonly: boolean;
}

/** `domblklist --details`: Type Device Target Source, after a header and a dashed line. */
export function parseDomblklist(out: string): Omit<Disk, "capacityBytes" | "readonly">[] {
    return out
        .split("\n")
        .slice(2)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
            const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(l);
            if (!m) return null;
            return { type: m[1]!, device: m[2]!, target: m[3]!, source: m[4] === "-" ? null : m[4]! };
        })
        .filter((d): d is NonNullable<typeof d> => d !== null);
}

/** `domblkinfo --all`: Target Capacity Allocation Physical (bytes), after a header and a dashed line. */
export function parseDomblkinfoAll(out: string): Map<string, number | null> {
    const sizes = new Map<string, number | null>();
    for (const l of out.split("\n").slice(2)) {
        const m = /^\s*(\S+)\s+(\S+)/.exec(l);
        if (m) sizes.set(m[1]!, /^\d+$/.test(m[2]!) ? Number(m[2]) : null);
    }
    return sizes;
}

export async function loadDisks(runner: Runner, uri: string, domain: DomainUuid): Promise<Disk[]> {
    const local = { kind: "local" } as const;
    const [list, info] = await Promise.all([
        runner.run(local, domblklist(uri, domain)),
        runner.run(local, domblkinfoAll(uri, domain)).catch(() => ""),
    ]);
    const sizes = parseDomblkinfoAll(info);
    return parseDomblklist(list).map((d) => ({
        ...d,
        capacityBytes: sizes.get(d.target) ?? null,
        readonly: d.device === "cdrom",
    }));
}
