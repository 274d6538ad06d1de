/**
 * Every `virsh` argv is built here (and in the sibling modules of src/virsh/), and the UI shows
 * the very same arrays as "the equivalent command". Values (domain names, URIs, paths) always
 * travel as the data of a named option (`--domain NAME`), so a value that starts with "-" is
 * never read as an option.
 */

import { argProblem } from "../../pkg/lib/runner";
import { _, format } from "../../pkg/lib/gettext";

/** A domain name, URI or path as it must be for virsh: anything but empty or NUL. */
export function checkValue(what: string, value: string): string {
    if (value === "") throw new VirshArgumentError(format(_("The $0 is empty"), what));
    const problem = argProblem(value);
    if (problem) throw new VirshArgumentError(format(_("The $0 $1"), what, problem));
    return value;
}

export class VirshArgumentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "VirshArgumentError";
    }
}

/**
 * A domain's UUID, as libvirt prints it. Every command that acts on a domain takes one: virsh
 * looks `--domain X` up as an ID first, then as a UUID, then as a name, so a VM named `7` (or
 * named like another VM's UUID) would otherwise address another VM. A canonical UUID never
 * parses as an ID and is looked up as a UUID before any name. The brand makes the compiler
 * refuse a plain name where a UUID is wanted.
 */
export type DomainUuid = string & { readonly __domainUuid: unique symbol };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The UUID of a domain, lowercased; null when `s` is not one. */
export function parseDomainUuid(s: string): DomainUuid | null {
    const lower = s.trim().toLowerCase();
    return UUID.test(lower) ? (lower as DomainUuid) : null;
}

export function domainUuid(s: string): DomainUuid {
    const u = parseDomainUuid(s);
    if (!u) throw new VirshArgumentError(format(_("Not a domain UUID: $0"), JSON.stringify(s)));
    return u;
}

/**
 * The value of `--domain`: only ever a canonical UUID, exactly as given. Not trimmed or
 * lowercased here: " UUID" is 37 characters, which virsh would look up as a name.
 */
export function domainArg(uuid: DomainUuid): string {
    if (typeof uuid !== "string" || !UUID.test(uuid))
        throw new VirshArgumentError(format(_("Not a domain UUID: $0"), JSON.stringify(uuid)));
    return uuid;
}

/** `virsh -c URI SUBCOMMAND …`: the connection is always explicit. */
export function virsh(uri: string, subcommand: string, ...args: string[]): string[] {
    return ["virsh", "-c", checkValue(_("connection URI"), uri), subcommand, ...args];
}

/** Names of domains, optionally filtered (`--persistent`, `--transient`, `--autostart`, `--state-running`, …). */
export function listNames(uri: string, ...filters: string[]): string[] {
    return virsh(uri, "list", "--all", "--name", ...filters);
}

/** UUIDs and names of every domain: `UUID NAME` lines, the name padded to 30 columns. */
export function listUuidNames(uri: string): string[] {
    return virsh(uri, "list", "--all", "--uuid", "--name");
}

/** UUIDs of domains, one per line, optionally filtered (`--persistent`, `--autostart`). */
export function listUuids(uri: string, ...filters: string[]): string[] {
    return virsh(uri, "list", "--all", "--uuid", ...filters);
}

/** One bulk query for every domain's state, memory and vCPUs (not one call per domain). */
export function domstatsAll(uri: string): string[] {
    return virsh(uri, "domstats", "--raw", "--state", "--balloon", "--vcpu", "--nowait");
}

/** domstats takes domain names as trailing arguments: after "--", so a name starting with "-" stays a name. */
export function domstats(uri: string, domain: DomainUuid, ...groups: string[]): string[] {
    return virsh(uri, "domstats", "--raw", ...groups, "--", domainArg(domain));
}

export type DirtyRateMode = "page-sampling" | "dirty-bitmap" | "dirty-ring";

export function domdirtyrateCalc(uri: string, domain: DomainUuid, seconds: number, mode?: DirtyRateMode): string[] {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60)
        throw new RangeError(_("The dirty-rate period is 1 to 60 seconds"));
    return virsh(
        uri,
        "domdirtyrate-calc",
        "--domain",
        domainArg(domain),
        "--seconds",
        String(seconds),
        ...(mode ? ["--mode", mode] : []),
    );
}

/** Compares a <cpu> definition given on standard input with what the host's hypervisor can run. */
export function hypervisorCpuCompare(uri: string, virttype: string): string[] {
    return virsh(
        uri,
        "hypervisor-cpu-compare",
        "--virttype",
        checkValue(_("virtualization type"), virttype),
        "--error",
        "/dev/stdin",
    );
}

export function nodeinfo(uri: string): string[] {
    return virsh(uri, "nodeinfo");
}

export function domstatsActive(uri: string): string[] {
    return virsh(uri, "domstats", "--raw", "--balloon", "--vcpu", "--list-active");
}

export function netInfo(uri: string, network: string): string[] {
    return virsh(uri, "net-info", "--network", checkValue(_("network name"), network));
}

export function volInfo(uri: string, path: string): string[] {
    return virsh(uri, "vol-info", "--vol", checkValue(_("volume path"), path));
}

/** A volume by its name in a pool (a type='volume' disk), as the host holding that pool sees it. */
export function volInfoInPool(uri: string, pool: string, volume: string): string[] {
    return virsh(
        uri,
        "vol-info",
        "--pool",
        checkValue(_("pool name"), pool),
        "--vol",
        checkValue(_("volume name"), volume),
    );
}

/** The host's secrets: UUID and usage ("ceph client.libvirt secret"); never their values. */
export function secretList(uri: string): string[] {
    return virsh(uri, "secret-list");
}

export function version(uri: string): string[] {
    return virsh(uri, "version");
}

export function hostname(uri: string): string[] {
    return virsh(uri, "hostname");
}

export function capabilities(uri: string): string[] {
    return virsh(uri, "capabilities");
}

export function sysinfo(uri: string): string[] {
    return virsh(uri, "sysinfo");
}

export function domstate(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "domstate", "--domain", domainArg(domain), "--reason");
}

/** `virsh autostart`: start the VM when that host's libvirtd starts (at boot), or not (`--disable`). */
export function autostart(uri: string, domain: DomainUuid, enable: boolean): string[] {
    return virsh(uri, "autostart", "--domain", domainArg(domain), ...(enable ? [] : ["--disable"]));
}

export function dominfo(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "dominfo", "--domain", domainArg(domain));
}

export interface DumpxmlFlags {
    /** The persistent definition rather than the running one. */
    inactive?: boolean;
    /**
     * Keep secure fields (`<graphics passwd=…>`, …): needed wherever the XML will be defined
     * again, or libvirt defines it without them.
     */
    securityInfo?: boolean;
    /** The live definition as the destination would see it (for checks of a live migration). */
    migratable?: boolean;
}

export function dumpxml(uri: string, domain: DomainUuid, flags: DumpxmlFlags = {}): string[] {
    return virsh(
        uri,
        "dumpxml",
        "--domain",
        domainArg(domain),
        ...(flags.inactive ? ["--inactive"] : []),
        ...(flags.securityInfo ? ["--security-info"] : []),
        ...(flags.migratable ? ["--migratable"] : []),
    );
}

export function domblklist(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "domblklist", "--domain", domainArg(domain), "--details");
}

export function domblkinfoAll(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "domblkinfo", "--domain", domainArg(domain), "--all");
}

/** Renders an argv for display, quoting each element the way a POSIX shell would need. */
export function displayCommand(argv: readonly string[]): string {
    return argv.map((a) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'")).join(" ");
}
