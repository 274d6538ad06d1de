/** virsh argv for the CPU-baseline wizard. CPU documents travel on standard input (/dev/stdin). */
import { checkValue, domainArg, virsh, type DomainUuid } from "./argv";
import { _ } from "../../pkg/lib/gettext";

const virttypeArgs = (virttype?: string) =>
    virttype ? ["--virttype", checkValue(_("virtualization type"), virttype)] : [];

export function domcapabilities(uri: string, virttype?: string): string[] {
    return virsh(uri, "domcapabilities", ...virttypeArgs(virttype));
}

/** The baseline of the <cpu> documents given on standard input. */
export function hypervisorCpuBaseline(
    uri: string,
    options: { virttype?: string; features?: boolean; migratable?: boolean } = {},
): string[] {
    return virsh(
        uri,
        "hypervisor-cpu-baseline",
        ...virttypeArgs(options.virttype),
        ...(options.features ? ["--features"] : []),
        ...(options.migratable ? ["--migratable"] : []),
        "--file",
        "/dev/stdin",
    );
}

/** Whether this host can run the <cpu> given on standard input; --error makes libvirt say why not. */
export function cpuCompare(uri: string, virttype?: string): string[] {
    return virsh(uri, "hypervisor-cpu-compare", ...virttypeArgs(virttype), "--error", "--file", "/dev/stdin");
}

export function defineFromStdin(uri: string): string[] {
    return virsh(uri, "define", "--file", "/dev/stdin");
}

export function shutdown(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "shutdown", "--domain", domainArg(domain));
}

export function destroy(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "destroy", "--domain", domainArg(domain));
}

export function start(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "start", "--domain", domainArg(domain));
}
