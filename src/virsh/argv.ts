/**
 * Every `virsh` argv is built here (and in the sibling modules of src/virsh/), and the UI shows
 * the very same arrays as "the equivalent command". Values (domain names, URIs, paths) always
 * travel as the data of a named option (`--domain NAME`), so a value that starts with "-" is
 * never read as an option.
 */

import { argProblem } from "../../pkg/lib/runner";

/** A domain name, URI or path as it must be for virsh: anything but empty or NUL. */
export function checkValue(what: string, value: string): string {
    if (value === "") throw new VirshArgumentError(`The ${what} is empty`);
    const problem = argProblem(value);
    if (problem) throw new VirshArgumentError(`The ${what} ${problem}`);
    return value;
}

export class VirshArgumentError extends Error {
    constructor(message: string) { super(message); this.name = "VirshArgumentError" }
}

/** `virsh -c URI SUBCOMMAND …`: the connection is always explicit. */
export function virsh(uri: string, subcommand: string, ...args: string[]): string[] {
    return ["virsh", "-c", checkValue("connection URI", uri), subcommand, ...args];
}

/** Names of domains, optionally filtered (`--persistent`, `--transient`, `--autostart`, `--state-running`, …). */
export function listNames(uri: string, ...filters: string[]): string[] {
    return virsh(uri, "list", "--all", "--name", ...filters);
}

/** One bulk query for every domain's state, memory and vCPUs (not one call per domain). */
export function domstatsAll(uri: string): string[] {
    return virsh(uri, "domstats", "--raw", "--state", "--balloon", "--vcpu", "--nowait");
}

/** domstats takes domain names as trailing arguments: after "--", so a name starting with "-" stays a name. */
export function domstats(uri: string, domain: string, ...groups: string[]): string[] {
    return virsh(uri, "domstats", "--raw", ...groups, "--", checkValue("domain name", domain));
}

export type DirtyRateMode = "page-sampling" | "dirty-bitmap" | "dirty-ring";

export function domdirtyrateCalc(uri: string, domain: string, seconds: number, mode?: DirtyRateMode): string[] {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) throw new RangeError("The dirty-rate period is 1 to 60 seconds");
    return virsh(uri, "domdirtyrate-calc", "--domain", checkValue("domain name", domain), "--seconds", String(seconds), ...(mode ? ["--mode", mode] : []));
}

/** Compares a <cpu> definition given on standard input with what the host's hypervisor can run. */
export function hypervisorCpuCompare(uri: string, virttype: string): string[] {
    return virsh(uri, "hypervisor-cpu-compare", "--virttype", checkValue("virtualization type", virttype), "--error", "/dev/stdin");
}

export function nodeinfo(uri: string): string[] {
    return virsh(uri, "nodeinfo");
}

export function domstatsActive(uri: string): string[] {
    return virsh(uri, "domstats", "--raw", "--balloon", "--vcpu", "--list-active");
}

export function netInfo(uri: string, network: string): string[] {
    return virsh(uri, "net-info", "--network", checkValue("network name", network));
}

export function volInfo(uri: string, path: string): string[] {
    return virsh(uri, "vol-info", "--vol", checkValue("volume path", path));
}

/** A volume by its name in a pool (a type='volume' disk), as the host holding that pool sees it. */
export function volInfoInPool(uri: string, pool: string, volume: string): string[] {
    return virsh(uri, "vol-info", "--pool", checkValue("pool name", pool), "--vol", checkValue("volume name", volume));
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

export function domstate(uri: string, domain: string): string[] {
    return virsh(uri, "domstate", "--domain", checkValue("domain name", domain), "--reason");
}

/** `virsh autostart`: start the VM when that host's libvirtd starts (at boot), or not (`--disable`). */
export function autostart(uri: string, domain: string, enable: boolean): string[] {
    return virsh(uri, "autostart", "--domain", checkValue("domain name", domain), ...(enable ? [] : ["--disable"]));
}

export function dominfo(uri: string, domain: string): string[] {
    return virsh(uri, "dominfo", "--domain", checkValue("domain name", domain));
}

export function dumpxml(uri: string, domain: string, inactive = false): string[] {
    return virsh(uri, "dumpxml", "--domain", checkValue("domain name", domain), ...(inactive ? ["--inactive"] : []));
}

export function domblklist(uri: string, domain: string): string[] {
    return virsh(uri, "domblklist", "--domain", checkValue("domain name", domain), "--details");
}

export function domblkinfoAll(uri: string, domain: string): string[] {
    return virsh(uri, "domblkinfo", "--domain", checkValue("domain name", domain), "--all");
}

/** Renders an argv for display, quoting each element the way a POSIX shell would need. */
export function displayCommand(argv: readonly string[]): string {
    return argv.map(a => /^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'").join(" ");
}
