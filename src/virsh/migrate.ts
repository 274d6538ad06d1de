/** virsh argvs of migration jobs. Values are always the data of named options. */
import { checkValue, virsh } from "./argv";

export function migrate(srcUri: string, domain: string, destUri: string, flags: string[]): string[] {
    return virsh(srcUri, "migrate", ...flags, "--domain", checkValue("domain name", domain), "--desturi", checkValue("destination URI", destUri));
}

export function domjobinfo(uri: string, domain: string, completed = false): string[] {
    return virsh(uri, "domjobinfo", "--domain", checkValue("domain name", domain), "--rawstats", ...(completed ? ["--completed"] : []));
}

export function domjobabort(uri: string, domain: string): string[] {
    return virsh(uri, "domjobabort", "--domain", checkValue("domain name", domain));
}

export function migratePostcopy(uri: string, domain: string): string[] {
    return virsh(uri, "migrate-postcopy", "--domain", checkValue("domain name", domain));
}

export function migrateSetMaxDowntime(uri: string, domain: string, ms: number): string[] {
    return virsh(uri, "migrate-setmaxdowntime", "--domain", checkValue("domain name", domain), "--downtime", String(Math.round(ms)));
}

export function migrateSetSpeed(uri: string, domain: string, mibPerSecond: number): string[] {
    return virsh(uri, "migrate-setspeed", "--domain", checkValue("domain name", domain), "--bandwidth", String(Math.round(mibPerSecond)));
}
