/**
 * UEFI and TPM state: files on the host that libvirt does not treat as disks. An offline migration
 * moves only the definition (no disks, no NVRAM, no TPM state); a live one carries the TPM state in
 * the migration stream but not the NVRAM file, and `--copy-storage-all` copies only `<disk>`s.
 * Whether the file is visible on the destination is decided as for disks (./storage.ts).
 */
import type { RunTarget } from "../../pkg/lib/runner";
import { onTarget } from "../../pkg/lib/ssh";
import type { DomainDefinition } from "../domains/definition";
import { parseLibvirtUri } from "../hosts/uri";
import * as v from "../virsh/argv";
import type { CheckResult } from "./types";
import type { PreflightInput } from "./checks";
import { pathOnDestination } from "./storage";
import { cannot } from "./util";
import { isColdMove } from "../migration/options";
import { _, format } from "../../pkg/lib/gettext";

type Run = (a: string[]) => Promise<string>;
type Exists = ((path: string) => Promise<boolean>) | null;

/** qemu.conf's defaults for the system daemon (nvram_dir; swtpm's state directory per VM UUID). */
const NVRAM_DIR = "/var/lib/libvirt/qemu/nvram";
const SWTPM_DIR = "/var/lib/libvirt/swtpm";

const isSystem = (uri: string) => parseLibvirtUri(uri)?.path === "/system";

// Constant script: the reader argv (count first) and the writer argv arrive as positional parameters.
const PIPE = 'n=$1; shift; set -o pipefail; "${@:1:$n}" | "${@:$((n + 1))}"';

/**
 * The argv, run on this host, that copies `path` from the source to the same path on the
 * destination with tar (owner, mode and a directory's contents kept): null when either host
 * cannot be reached from here. `parent` is where tar runs; the member is the rest of the path.
 */
export function copyArgv(
    source: RunTarget | null | undefined,
    destination: RunTarget | null | undefined,
    parent: string,
    member: string,
): string[] | null {
    if (!source || !destination) return null;
    const reader = onTarget(source, ["tar", "-C", parent, "-cf", "-", "--", member]);
    const writer = onTarget(destination, ["tar", "-C", parent, "-xpf", "-"]);
    return ["bash", "-c", PIPE, "copy", String(reader.length), ...reader, ...writer];
}

function split(path: string): { parent: string; member: string } {
    const i = path.lastIndexOf("/");
    return i > 0
        ? { parent: path.slice(0, i), member: path.slice(i + 1) }
        : { parent: "/", member: path.replace(/^\/+/, "") };
}

function howToCopy(input: PreflightInput, parent: string, member: string): string {
    const argv = copyArgv(input.sourceTarget, input.destinationTarget, parent, member);
    return argv
        ? format(_("Run on this host: $0"), v.displayCommand(argv))
        : format(
              _(
                  "Copy $0/$1 from the source to the same path on $2, keeping its owner and mode (tar -C $0 -cf - $1 there, tar -C $0 -xpf - here).",
              ),
              parent,
              member,
              input.destinationLabel,
          );
}

export async function firmware(
    run: Run,
    input: PreflightInput,
    d: DomainDefinition,
    exists: Exists,
): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    if (d.efi) results.push(await nvram(run, input, d, exists));
    if (d.tpmEmulator) results.push(await tpm(input, exists));
    if (results.length === 0)
        results.push({
            id: "firmware",
            severity: "pass",
            title: _("No UEFI variable store and no emulated TPM"),
            commands: [],
        });
    return results;
}

async function nvram(run: Run, input: PreflightInput, d: DomainDefinition, exists: Exists): Promise<CheckResult> {
    const id = "nvram";
    if (d.nvram && d.nvram.type !== "file")
        return {
            id,
            severity: "info",
            title: format(_("UEFI variables on $0 storage: the destination opens the same store"), d.nvram.type),
            commands: [],
        };
    // libvirt 9.0 names the file of <os firmware='efi'> only when the VM starts: its default is nvram_dir/NAME_VARS.fd
    const path = d.nvram?.path ?? (isSystem(input.sourceUri) && d.name ? `${NVRAM_DIR}/${d.name}_VARS.fd` : null);
    if (!path)
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands: [],
            title: _("UEFI variables: the definition names no NVRAM file to look for"),
            fix: _(
                "Start the VM once (libvirt then names its NVRAM file), or name it in <os><nvram>, and check again.",
            ),
        };
    if (isColdMove(input.options))
        return {
            id,
            severity: "pass",
            title: format(_("UEFI variables $0 are carried with the disks"), path),
            commands: [],
        };
    const argv = v.volInfo(input.destinationUri, path);
    let where: Awaited<ReturnType<typeof pathOnDestination>>;
    try {
        where = await pathOnDestination(run, input.destinationUri, path, exists);
    } catch (e) {
        return cannot(id, format(_("UEFI variables $0"), path), e, [argv]);
    }
    const commands = [argv];
    const notCopied = _(
        "libvirt does not copy the NVRAM file in any migration, not even with --copy-storage-all (it copies only disks).",
    );
    if (where === "pool" || where === "file")
        return {
            id,
            severity: "pass",
            title: format(_("UEFI variables $0 are visible on $1"), path, input.destinationLabel),
            commands,
            detail: format(
                _(
                    "$0 The destination uses the file at this path: on shared storage the VM's own; if it is another copy, the VM runs with that copy's variables.",
                ),
                notCopied,
            ),
        };
    const { parent, member } = split(path);
    const fix = howToCopy(input, parent, member);
    if (where === "unasked")
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands,
            title: format(
                _("UEFI variables $0: no storage pool on $1 lists it, and there is no way to look for the file there"),
                path,
                input.destinationLabel,
            ),
            detail: notCopied,
            fix: format(_("Make sure the file is there before migrating. $0"), fix),
        };
    if (!input.live)
        return {
            id,
            severity: "error",
            commands,
            title: format(
                _("UEFI variables $0 are not on $1: an offline migration does not copy them"),
                path,
                input.destinationLabel,
            ),
            detail: format(
                _(
                    "$0 When the VM first starts there, libvirt creates a new NVRAM from the template (or refuses to start without one): boot entries and enrolled Secure Boot keys are lost.",
                ),
                notCopied,
            ),
            fix: format(_("Copy it while the VM is shut off, before migrating. $0"), fix),
        };
    return await liveWithoutNvram(run, input, d.nvram?.template ?? null, path, fix, exists);
}

/**
 * A live migration to a host without the VM's NVRAM file: libvirt creates it there from the
 * template named in <nvram template=...>, and QEMU writes the migrated variables into it (pflash is
 * migrated with the guest's memory). Seen on the lab (libvirt 9.0, QEMU 7.2): with the template on
 * the destination the VM runs there; without it the migration fails before it starts ("Failed to
 * open file '<template>'") and the VM keeps running on the source.
 */
async function liveWithoutNvram(
    run: Run,
    input: PreflightInput,
    template: string | null,
    path: string,
    fix: string,
    exists: Exists,
): Promise<CheckResult> {
    const id = "nvram";
    const commands = [v.volInfo(input.destinationUri, path)];
    if (!template)
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands,
            title: format(_("UEFI variables $0 are not on $1"), path, input.destinationLabel),
            detail: _(
                "libvirt creates them there from the firmware's variable template and QEMU writes the migrated variables into them; the definition names no template to look for on the destination.",
            ),
            fix: format(_("Install the same UEFI firmware on the destination, or copy the file there. $0"), fix),
        };
    commands.push(v.volInfo(input.destinationUri, template));
    let where: Awaited<ReturnType<typeof pathOnDestination>>;
    try {
        where = await pathOnDestination(run, input.destinationUri, template, exists);
    } catch (e) {
        return cannot(id, format(_("UEFI variable template $0"), template), e, commands);
    }
    if (where === "pool" || where === "file")
        return {
            id,
            severity: "pass",
            commands,
            title: format(
                _("UEFI variables $0 are created on $1 from the template $2 and receive the migrated variables"),
                path,
                input.destinationLabel,
                template,
            ),
            detail: _(
                "libvirt creates the missing NVRAM file from the template when the migration starts, and QEMU writes the VM's variables into it: boot entries and enrolled keys move with the VM.",
            ),
        };
    if (where === "unasked")
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands,
            title: format(
                _("UEFI variables $0 are not on $1, and there is no way to look for the template $2 there"),
                path,
                input.destinationLabel,
                template,
            ),
            detail: _(
                "libvirt creates the NVRAM file from the template when the migration starts; without the template the migration fails.",
            ),
            fix: format(_("Make sure the template or the file is there before migrating. $0"), fix),
        };
    return {
        id,
        severity: "error",
        commands,
        title: format(
            _("Neither the UEFI variables $0 nor their template $1 are on $2: the migration would fail"),
            path,
            template,
            input.destinationLabel,
        ),
        detail: format(
            _(
                "libvirt creates a missing NVRAM file from its template when the migration starts, and refuses to start it without one (\"Failed to open file '$0'\"). The VM would keep running on the source.",
            ),
            template,
        ),
        fix: format(_("Copy the VM's variables to the destination before migrating. $0"), fix),
    };
}

async function tpm(input: PreflightInput, exists: Exists): Promise<CheckResult> {
    const id = "tpm";
    if (input.live)
        return {
            id,
            severity: "pass",
            commands: [],
            title: _("Emulated TPM: its state moves with the live migration"),
            detail: _("libvirt carries swtpm's state in the migration stream; the destination needs swtpm installed."),
        };
    if (isColdMove(input.options))
        return {
            id,
            severity: "pass",
            commands: [],
            title: format(_("Emulated TPM: its state $0 is carried with the disks"), `${SWTPM_DIR}/${input.uuid}`),
        };
    if (!isSystem(input.sourceUri) || !isSystem(input.destinationUri))
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands: [],
            title: _(
                "Emulated TPM: its state is not copied by an offline migration, and its directory is unknown for this connection",
            ),
            fix: _("Copy the VM's swtpm state directory to the destination before migrating."),
        };
    const dir = `${SWTPM_DIR}/${input.uuid}`;
    const fix = howToCopy(input, "/var/lib/libvirt", `swtpm/${input.uuid}`);
    const lost = _(
        "libvirt's offline migration moves only the definition. Without this directory the VM gets a new, empty TPM there: keys sealed to the old one (BitLocker, LUKS bound to the TPM, measured-boot secrets) no longer open. A Permanent move may also remove the state on the source with the definition (virsh undefine does so unless --keep-tpm): copy first.",
    );
    if (!exists)
        return {
            id,
            severity: "warning",
            unchecked: true,
            commands: [],
            title: format(_("Emulated TPM: no way to look for its state $0 on $1"), dir, input.destinationLabel),
            detail: lost,
            fix: format(_("Make sure it is there before migrating. $0"), fix),
        };
    if (await exists(dir).catch(() => false))
        return {
            id,
            severity: "pass",
            commands: [],
            title: format(_("Emulated TPM state $0 is on $1"), dir, input.destinationLabel),
            detail: _(
                "An offline migration does not copy it: the VM uses the state that is there (a copy made earlier holds the TPM as it was then).",
            ),
        };
    return {
        id,
        severity: "error",
        commands: [],
        title: format(
            _("Emulated TPM state $0 is not on $1: an offline migration does not copy it"),
            dir,
            input.destinationLabel,
        ),
        detail: lost,
        fix: format(_("Copy it while the VM is shut off, before migrating. $0"), fix),
    };
}
