/**
 * A size in bytes as people read it: the unit picked for the value ("64.0 MiB", not "0.06 GiB" or
 * "0.00 GiB"), three significant figures at most, binary units as libvirt and virsh print them.
 */
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function formatBytes(n: number | null | undefined): string {
    if (n === null || n === undefined || !Number.isFinite(n)) return "—";
    const sign = n < 0 ? "-" : "";
    let v = Math.abs(n),
        i = 0;
    while (v >= 1024 && i < UNITS.length - 1) {
        v /= 1024;
        i++;
    }
    // 1023.97 KiB rounds to "1024 KiB": say "1.0 MiB"
    if (i > 0 && Math.round(v) >= 1024 && i < UNITS.length - 1) {
        v /= 1024;
        i++;
    }
    const text = i === 0 || v >= 100 ? String(Math.round(v)) : v.toFixed(1);
    return `${sign}${text} ${UNITS[i]}`;
}
