/** Parsers for virsh output (C locale). Pure functions, tested on captured real outputs. */
import { xml2js, type Element } from "xml-js";
import { attr, kid, kids, text } from "./xml";
import type { Domain, DomainUuid, HostIdentity } from "./types";
import { parseDomainUuid } from "../virsh/argv";

/** `virsh list --uuid`: one UUID per line. */
export function parseUuidList(out: string): Set<DomainUuid> {
    const result = new Set<DomainUuid>();
    for (const line of out.split("\n")) {
        const u = parseDomainUuid(line);
        if (u) result.add(u);
    }
    return result;
}

/**
 * `virsh list --all --uuid --name`: `UUID NAME` lines. virsh 9 prints the name as it is; older
 * versions padded it to 30 columns (`%-36s %-30s`). Kept as printed, to be matched against the
 * exact names: trimming would make `a` and `a ` the same name.
 */
export function parseUuidNames(out: string): { uuid: DomainUuid; printed: string }[] {
    const result: { uuid: DomainUuid; printed: string }[] = [];
    for (const line of out.split("\n")) {
        const uuid = parseDomainUuid(line.slice(0, 36));
        if (uuid && line[36] === " ") result.push({ uuid, printed: line.slice(37) });
    }
    return result;
}

/** The UUID printed for an exact name (as is, or padded by an older virsh); null when two UUIDs print alike. */
function uuidForName(byPrinted: Map<string, DomainUuid | null>, name: string): DomainUuid | null {
    const exact = byPrinted.get(name);
    return exact !== undefined ? exact : (byPrinted.get(name.padEnd(30, " ")) ?? null);
}

export { parseDomstats, stateFromNumber, type RawStats } from "./domstats";
import { stateFromNumber, type RawStats } from "./domstats";

function num(fields: Map<string, string>, key: string): number | null {
    const v = fields.get(key);
    if (v === undefined || v === "") return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
}

/**
 * Combines the bulk domstats (which names domains) with the UUID list and the persistent and
 * autostart UUID lists. A domain whose UUID is not known for certain (defined between the two
 * calls, or two names that virsh prints alike) is left out of this load: it could not be
 * addressed safely, and the next load shows it.
 */
export function domainsFrom(
    stats: RawStats[],
    uuidNames: { uuid: DomainUuid; printed: string }[],
    persistent: Set<DomainUuid>,
    autostart: Set<DomainUuid>,
): Domain[] {
    const byPrinted = new Map<string, DomainUuid | null>();
    for (const { uuid, printed } of uuidNames) byPrinted.set(printed, byPrinted.has(printed) ? null : uuid);
    const known = stats.flatMap((s) => {
        const uuid = uuidForName(byPrinted, s.name);
        return uuid ? [{ s, uuid }] : [];
    });
    return known
        .map(({ s, uuid }) => ({
            uuid,
            name: s.name,
            state: stateFromNumber(num(s.fields, "state.state") ?? 0),
            memoryKiB: num(s.fields, "balloon.current"),
            maxMemoryKiB: num(s.fields, "balloon.maximum"),
            vcpus: num(s.fields, "vcpu.current"),
            persistent: persistent.has(uuid),
            autostart: autostart.has(uuid),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** `virsh version`: library and hypervisor versions. */
export function parseVersion(out: string): { libvirtVersion: string | null; hypervisor: string | null } {
    const lib = /^Using library: libvirt (\S+)/m.exec(out);
    const hyp = /^Running hypervisor: (.+)$/m.exec(out);
    return { libvirtVersion: lib?.[1] ?? null, hypervisor: hyp?.[1]?.trim() ?? null };
}

/** `virsh capabilities`: host UUID, CPU arch/model/vendor. */
export function parseCapabilities(xml: string): Pick<HostIdentity, "hostUuid" | "cpuModel" | "cpuVendor" | "arch"> {
    const doc = xml2js(xml, { compact: false }) as Element;
    const host = kid(kid(doc, "capabilities"), "host");
    const cpu = kid(host, "cpu");
    return {
        hostUuid: text(kid(host, "uuid")),
        arch: text(kid(cpu, "arch")),
        cpuModel: text(kid(cpu, "model")),
        cpuVendor: text(kid(cpu, "vendor")),
    };
}

export interface NumaCell {
    id: number;
    memoryKiB: number | null;
    cpus: number[];
    hugepages: { sizeKiB: number; count: number }[];
}

/** The host's NUMA cells (`<host><topology><cells>` of `virsh capabilities`). */
export function parseTopology(xml: string): NumaCell[] {
    const doc = xml2js(xml, { compact: false }) as Element;
    const cells = kid(kid(kid(kid(doc, "capabilities"), "host"), "topology"), "cells");
    return kids(cells, "cell").map((c) => ({
        id: Number(attr(c, "id")),
        memoryKiB: Number(text(kid(c, "memory"))) || null,
        cpus: kids(kid(c, "cpus"), "cpu")
            .map((x) => Number(attr(x, "id")))
            .filter(Number.isInteger),
        hugepages: kids(c, "pages")
            .map((p) => ({ sizeKiB: Number(attr(p, "size")), count: Number(text(p)) }))
            .filter((p) => p.sizeKiB > 4 && Number.isFinite(p.count)),
    }));
}

/** Machine types (and their aliases) the host's QEMU offers per guest architecture, from `virsh capabilities`. */
export function parseMachineTypes(xml: string): Map<string, Set<string>> {
    const doc = xml2js(xml, { compact: false }) as Element;
    const result = new Map<string, Set<string>>();
    for (const guest of kids(kid(doc, "capabilities"), "guest")) {
        const arch = kid(guest, "arch");
        const name = attr(arch, "name") ?? "";
        const set = result.get(name) ?? new Set<string>();
        const add = (el: Element | undefined) => {
            for (const m of kids(el, "machine")) {
                const t = text(m);
                if (t) set.add(t);
                const canonical = attr(m, "canonical");
                if (canonical) set.add(canonical);
            }
        };
        add(arch);
        for (const d of kids(arch, "domain")) add(d);
        result.set(name, set);
    }
    return result;
}
