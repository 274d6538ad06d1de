/**
 * Host operating systems and the machine type against the supported-migration table of the
 * RHEL procedure (10.8): RHEL 7.6+ ↔ 8.x with i440fx and q35 across major releases; q35 only
 * across minor releases on RHEL 8. Other distributions get information, not a false error.
 */
import type { CheckResult } from "./types";
import { _, format } from "../../pkg/lib/gettext";

export interface OsRelease {
    id: string;
    versionId: string;
    pretty: string;
}

export function parseOsRelease(text: string): OsRelease {
    const get = (k: string) => {
        const m = new RegExp(`^${k}=(.*)$`, "m").exec(text);
        return m ? m[1]!.trim().replace(/^(["'])(.*)\1$/, "$2") : "";
    };
    return {
        id: get("ID"),
        versionId: get("VERSION_ID"),
        pretty: get("PRETTY_NAME") || `${get("NAME")} ${get("VERSION_ID")}`.trim(),
    };
}

const version = (v: string) => v.split(".").map((n) => Number(n) || 0);
const atLeast = (v: number[], major: number, minor: number) =>
    (v[0] ?? 0) > major || ((v[0] ?? 0) === major && (v[1] ?? 0) >= minor);

export function machineFamily(machine: string | null): "q35" | "i440fx" | "other" {
    if (!machine) return "other";
    if (/q35/.test(machine)) return "q35";
    if (/i440fx|^pc$|^pc-\d/.test(machine)) return "i440fx";
    return "other";
}

export function supportedPath(
    src: OsRelease,
    dst: OsRelease,
    machine: string | null,
    commands: string[][],
): CheckResult {
    const id = "host-versions";
    const both = `${src.pretty || "?"} → ${dst.pretty || "?"}`;
    const family = machineFamily(machine);
    if (src.id !== "rhel" || dst.id !== "rhel") {
        if (src.id === dst.id && src.versionId === dst.versionId)
            return { id, severity: "pass", title: format(_("Same release on both hosts: $0"), src.pretty), commands };
        return {
            id,
            severity: "info",
            title: format(_("$0: the RHEL support table does not apply"), both),
            commands,
            detail: _(
                "Migrating to an older QEMU can fail when the VM's machine type or devices are newer than the destination offers; the machine-type check covers the first.",
            ),
        };
    }
    const s = version(src.versionId),
        d = version(dst.versionId);
    const ok = (why: string): CheckResult => ({
        id,
        severity: "pass",
        title: format(_("$0: $1"), both, why),
        commands,
    });
    const unsupported = (why: string, fix: string): CheckResult => ({
        id,
        severity: "warning",
        title: format(_("$0: $1"), both, why),
        fix,
        commands,
    });
    if (s[0] === d[0] && s[1] === d[1]) return ok(_("same release"));
    if (s[0] === 7 && d[0] === 8)
        return atLeast(s, 7, 6) && family !== "other"
            ? ok(format(_("supported (forward, $0)"), family))
            : unsupported(_("not a supported path"), _("Use RHEL 7.6 or later with an i440fx or q35 machine type."));
    if (s[0] === 8 && d[0] === 7)
        return atLeast(d, 7, 6) && family !== "other"
            ? ok(format(_("supported (backward, $0)"), family))
            : unsupported(
                  _("not a supported path"),
                  _("The RHEL 7 host must be 7.6 or later; use an i440fx or q35 machine type."),
              );
    if (s[0] === 8 && d[0] === 8)
        return family === "q35"
            ? ok(_("supported (minor release, q35)"))
            : unsupported(
                  _("across RHEL 8 minor releases only q35 is supported"),
                  _("Use a q35 machine type for VMs that move between RHEL 8 minor releases."),
              );
    if (s[0] === 7 && d[0] === 7)
        return atLeast(s, 7, 6) && atLeast(d, 7, 6)
            ? ok(format(_("supported ($0)"), family))
            : unsupported(_("RHEL 7 before 7.6 is not supported"), _("Update both hosts to RHEL 7.6 or later."));
    return { id, severity: "info", title: format(_("$0: not covered by the RHEL 7/8 table"), both), commands };
}
