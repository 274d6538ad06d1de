/** virsh argvs of migration jobs. Values are always the data of named options. */
import { checkValue, domainArg, virsh, type DomainUuid } from "./argv";
import { _ } from "../../pkg/lib/gettext";

export function migrate(srcUri: string, domain: DomainUuid, destUri: string, flags: string[]): string[] {
    return virsh(
        srcUri,
        "migrate",
        ...flags,
        "--domain",
        domainArg(domain),
        "--desturi",
        checkValue(_("destination URI"), destUri),
    );
}

/**
 * `virsh domjobinfo --rawstats`. `completed` reads the domain's last completed job instead of the
 * running one; libvirt discards those stats once read unless `keep` (`--keep-completed`, which virsh
 * accepts only with `--completed`).
 */
export function domjobinfo(uri: string, domain: DomainUuid, completed = false, keep = false): string[] {
    return virsh(
        uri,
        "domjobinfo",
        "--domain",
        domainArg(domain),
        "--rawstats",
        ...(completed ? ["--completed", ...(keep ? ["--keep-completed"] : [])] : []),
    );
}

export function domjobabort(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "domjobabort", "--domain", domainArg(domain));
}

export function migratePostcopy(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "migrate-postcopy", "--domain", domainArg(domain));
}

export function migrateSetMaxDowntime(uri: string, domain: DomainUuid, ms: number): string[] {
    return virsh(uri, "migrate-setmaxdowntime", "--domain", domainArg(domain), "--downtime", String(Math.round(ms)));
}

export function migrateSetSpeed(uri: string, domain: DomainUuid, mibPerSecond: number): string[] {
    return virsh(
        uri,
        "migrate-setspeed",
        "--domain",
        domainArg(domain),
        "--bandwidth",
        String(Math.round(mibPerSecond)),
    );
}

/** `virsh suspend`: pauses the guest; a migration of a paused guest has nothing re-dirtied and finishes. */
export function suspend(uri: string, domain: DomainUuid): string[] {
    return virsh(uri, "suspend", "--domain", domainArg(domain));
}
