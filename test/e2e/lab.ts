/** The lab as the browser tests see it: hosts, virsh on each host (through libvirt, not the UI). */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const LAB_STATE = "/var/lib/cockpit-migrate-lab";
export const HOSTS_CONFIG = "/etc/cockpit-migrate/hosts.json";

export interface LabHost {
    name: string;
    address: string;
    uri: string;
    sshUri: string;
    hostUuid?: string;
}

export function labHosts(): LabHost[] {
    return JSON.parse(readFileSync(`${LAB_STATE}/hosts.json`, "utf8")) as LabHost[];
}

export function labHost(letter: "a" | "b" | "c"): LabHost {
    const h = labHosts().find((x) => x.name === `lab-${letter}`);
    if (!h) throw new Error(`lab host ${letter} is not up: run 'npm run lab -- up'`);
    return h;
}

/** virsh on a lab host; returns stdout, throws with stderr. */
export function virsh(uri: string, ...args: string[]): string {
    return execFileSync("virsh", ["-c", uri, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function tryVirsh(uri: string, ...args: string[]): { ok: boolean; out: string; err: string } {
    const r = spawnSync("virsh", ["-c", uri, ...args], { encoding: "utf8" });
    return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

/**
 * The UUID of a domain on a host, by its name (virsh domuuid looks names up after IDs and UUIDs: lab names are
 * neither).
 */
export function domUuid(uri: string, name: string): string {
    return virsh(uri, "domuuid", "--domain", name).trim();
}

/** "running", "shut off", … or null when the domain is not on that host. */
export function domState(uri: string, domain: string): string | null {
    const r = tryVirsh(uri, "domstate", "--domain", domain);
    return r.ok ? r.out.trim() : null;
}

export function isPersistent(uri: string, domain: string): boolean | null {
    const r = tryVirsh(uri, "dominfo", "--domain", domain);
    if (!r.ok) return null;
    return /^Persistent:\s+yes/m.test(r.out);
}

/** (Re)creates a lab guest in a known state on one host, removing it from every lab host first. */
export function labGuest(
    host: "a" | "b" | "c",
    name: string,
    kind:
        | "tiny"
        | "disk"
        | "bigram"
        | "dirty"
        | "secure"
        | "hostmodel"
        | "uefi"
        | "uefi-local-template"
        | "cold"
        | "cold-big"
        | "cold-uefi",
    start = true,
    dirtyMiBs?: number,
): void {
    execFileSync(
        "bash",
        [
            "test/lab/lab.sh",
            "guest",
            host,
            name,
            kind,
            ...(start ? ["--start"] : []),
            ...(dirtyMiBs !== undefined ? ["--dirty-mb", String(dirtyMiBs)] : []),
        ],
        { stdio: "inherit" },
    );
}

export function lab(...args: string[]): void {
    execFileSync("bash", ["test/lab/lab.sh", ...args], { stdio: "inherit" });
}
