import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../src/domains/definition";
import { runPreflight } from "../../src/preflight/checks";
import { copyArgv } from "../../src/preflight/firmware";
import { defaultOptions } from "../../src/migration/options";
import { displayCommand } from "../../src/virsh/argv";
import { sshArgv } from "../../pkg/lib/ssh";
import { RunError, type Runner, type RunTarget } from "../../pkg/lib/runner";
import type { CheckResult } from "../../src/preflight/types";
import { uuidOf } from "./refs";

const NVRAM = "/var/lib/libvirt/qemu/nvram/vm_VARS.fd";
const dom = (
    os: string,
    devices = "",
) => `<domain type='kvm'><name>vm</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>
<os${os.startsWith(" ") ? os.slice(0, os.indexOf(">")) : ""}><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>${os.startsWith(" ") ? os.slice(os.indexOf(">") + 1) : os}</os>
<features><acpi/></features><devices>${devices}</devices></domain>`;
// the forms libvirt 9.0 accepts and gives back (checked with virsh define of throw-away domains)
const UEFI = dom(
    `<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>${NVRAM}</nvram>`,
);
const UEFI_SOURCE = dom(
    `<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram type='file'><source file='/srv/nv/vm_VARS.fd'/></nvram>`,
);
const AUTO_EFI = dom(" firmware='efi'>");
const TPM = dom("", "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>");

describe("parseDefinition: UEFI and TPM", () => {
    it("reads the NVRAM file in both forms, firmware='efi' without one, and an emulated TPM", () => {
        expect(parseDefinition(UEFI)).toMatchObject({
            name: "vm",
            efi: true,
            nvram: { type: "file", path: NVRAM, template: "/usr/share/OVMF/OVMF_VARS_4M.fd" },
            tpmEmulator: false,
        });
        expect(parseDefinition(UEFI_SOURCE)).toMatchObject({
            efi: true,
            nvram: { type: "file", path: "/srv/nv/vm_VARS.fd", template: null },
        });
        expect(parseDefinition(AUTO_EFI)).toMatchObject({ efi: true, nvram: null });
        expect(parseDefinition(TPM)).toMatchObject({ efi: false, nvram: null, tpmEmulator: true });
        expect(
            parseDefinition(
                dom("", "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/></backend></tpm>"),
            ).tpmEmulator,
        ).toBe(false);
    });
});

const A: RunTarget = { kind: "ssh", address: "10.0.0.1", user: "root" },
    B: RunTarget = { kind: "ssh", address: "10.0.0.2", user: "root" };

/** `onB`: the paths that exist on B; `pooled`: the paths a storage pool on B lists. */
function scripted(xml: string, onB: string[], pooled: string[] = [], volInfoError?: string) {
    const calls: { target: RunTarget; argv: readonly string[] }[] = [];
    const runner: Runner = {
        run: async (target, argv) => {
            calls.push({ target, argv });
            if (target.kind === "ssh") {
                if (argv[0] === "test") {
                    if (target === B && onB.includes(argv[2]!)) return "";
                    throw new RunError("exit-status", "no", argv, 1, "");
                }
                if (argv[0] === "cat") return "0\n0\n";
                return "";
            }
            const sub = argv[3];
            if (sub === "dumpxml") return xml;
            if (sub === "vol-info") {
                if (volInfoError) throw new RunError("timeout", "timed out", argv, null, volInfoError);
                if (pooled.includes(argv.at(-1)!)) return "Name: x\n";
                throw new RunError(
                    "exit-status",
                    "no vol",
                    argv,
                    1,
                    "error: failed to get vol '/x'\nerror: Storage volume not found: no storage vol with matching path",
                );
            }
            if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
            if (sub === "capabilities") return `<capabilities><host><uuid>${argv[2]}</uuid></host></capabilities>`;
            if (sub === "hostname") return `${argv[2]}\n`;
            return "";
        },
    };
    return { runner, calls };
}

const SRC = "qemu+ssh://root@10.0.0.1/system",
    DST = "qemu+ssh://root@10.0.0.2/system";
async function check(
    xml: string,
    live: boolean,
    onB: string[],
    pooled: string[] = [],
    volInfoError?: string,
): Promise<CheckResult[]> {
    const { runner } = scripted(xml, onB, pooled, volInfoError);
    const results = await runPreflight(
        { runner, sleep: async () => undefined },
        {
            domain: "vm",
            uuid: uuidOf("vm"),
            sourceUri: SRC,
            destinationUri: DST,
            destinationLabel: "B",
            options: defaultOptions(live ? "running" : "shutoff"),
            live,
            measureDirtyRate: false,
            sourceTarget: A,
            destinationTarget: B,
        },
    );
    return results.filter((r) => r.id === "nvram" || r.id === "tpm" || r.id === "firmware");
}

const copyNvram = displayCommand(copyArgv(A, B, "/var/lib/libvirt/qemu/nvram", "vm_VARS.fd")!);

describe("UEFI variables (NVRAM)", () => {
    it("offline, not on the destination: an error that says libvirt does not copy it, and the exact copy command", async () => {
        const [r] = await check(UEFI, false, []);
        expect(r).toMatchObject({
            id: "nvram",
            severity: "error",
            title: `UEFI variables ${NVRAM} are not on B: an offline migration does not copy them`,
        });
        expect(r!.detail).toMatch(/not even with --copy-storage-all/);
        expect(r!.fix).toBe(`Copy it while the VM is shut off, before migrating. Run on this host: ${copyNvram}`);
        expect(r!.commands).toEqual([["virsh", "-c", DST, "vol-info", "--vol", NVRAM]]);
    });
    it("visible on the destination (a pool lists it, or only the file is there): a pass", async () => {
        expect((await check(UEFI, false, [], [NVRAM]))[0]).toMatchObject({
            id: "nvram",
            severity: "pass",
            title: `UEFI variables ${NVRAM} are visible on B`,
        });
        expect((await check(UEFI_SOURCE, true, ["/srv/nv/vm_VARS.fd"]))[0]).toMatchObject({
            severity: "pass",
            title: "UEFI variables /srv/nv/vm_VARS.fd are visible on B",
        });
    });
    it("live, not on the destination, its template there: a pass (libvirt creates it, QEMU fills it: seen on the lab)", async () => {
        const [r] = await check(UEFI, true, ["/usr/share/OVMF/OVMF_VARS_4M.fd"]);
        expect(r).toMatchObject({
            id: "nvram",
            severity: "pass",
            title: `UEFI variables ${NVRAM} are created on B from the template /usr/share/OVMF/OVMF_VARS_4M.fd and receive the migrated variables`,
        });
        expect(r!.commands).toEqual([
            ["virsh", "-c", DST, "vol-info", "--vol", NVRAM],
            ["virsh", "-c", DST, "vol-info", "--vol", "/usr/share/OVMF/OVMF_VARS_4M.fd"],
        ]);
    });
    it("live, neither the file nor its template on the destination: an error (the migration fails) with the copy command", async () => {
        const [r] = await check(UEFI, true, []);
        expect(r).toMatchObject({
            id: "nvram",
            severity: "error",
            title: `Neither the UEFI variables ${NVRAM} nor their template /usr/share/OVMF/OVMF_VARS_4M.fd are on B: the migration would fail`,
        });
        expect(r!.detail).toContain("Failed to open file '/usr/share/OVMF/OVMF_VARS_4M.fd'");
        expect(r!.fix).toContain(copyNvram);
    });
    it("live, no template named: a warning that is not a pass", async () => {
        const [r] = await check(UEFI_SOURCE, true, []);
        expect(r).toMatchObject({ id: "nvram", severity: "warning", unchecked: true });
        expect(r!.fix).toMatch(/^Install the same UEFI firmware on the destination/);
    });
    it("firmware='efi' without <nvram>: libvirt's default file for the VM's name is looked for", async () => {
        const [r] = await check(AUTO_EFI, false, ["/var/lib/libvirt/qemu/nvram/vm_VARS.fd"]);
        expect(r).toMatchObject({
            id: "nvram",
            severity: "pass",
            title: "UEFI variables /var/lib/libvirt/qemu/nvram/vm_VARS.fd are visible on B",
        });
    });
    it("a vol-info that fails for another reason is not checked, never 'not there'", async () => {
        expect((await check(UEFI, false, [], [], "error: Timed out during operation"))[0]).toMatchObject({
            id: "nvram",
            severity: "warning",
            unchecked: true,
        });
    });
});

describe("emulated TPM state", () => {
    const dir = `/var/lib/libvirt/swtpm/${uuidOf("vm")}`;
    it("offline, not on the destination: an error with the copy command for /var/lib/libvirt/swtpm/UUID", async () => {
        const [r] = await check(TPM, false, []);
        expect(r).toMatchObject({
            id: "tpm",
            severity: "error",
            title: `Emulated TPM state ${dir} is not on B: an offline migration does not copy it`,
        });
        expect(r!.fix).toContain(displayCommand(copyArgv(A, B, "/var/lib/libvirt", `swtpm/${uuidOf("vm")}`)!));
    });
    it("offline, already there: a pass; live: the state moves in the migration stream", async () => {
        expect((await check(TPM, false, [dir]))[0]).toMatchObject({ id: "tpm", severity: "pass" });
        expect((await check(TPM, true, []))[0]).toMatchObject({
            id: "tpm",
            severity: "pass",
            title: "Emulated TPM: its state moves with the live migration",
        });
    });
});

it("a VM with neither: one pass", async () => {
    expect(await check(dom(""), false, [])).toEqual([expect.objectContaining({ id: "firmware", severity: "pass" })]);
});

describe("copyArgv", () => {
    it("tar on the source into tar on the destination, each over its own ssh, the path as data", () => {
        const path = "vm 'x'$(id)_VARS.fd";
        const argv = copyArgv(A, B, "/var/lib/libvirt/qemu/nvram", path)!;
        const reader = sshArgv("10.0.0.1", "root", undefined, [
            "tar",
            "-C",
            "/var/lib/libvirt/qemu/nvram",
            "-cf",
            "-",
            "--",
            path,
        ]);
        const writer = sshArgv("10.0.0.2", "root", undefined, [
            "tar",
            "-C",
            "/var/lib/libvirt/qemu/nvram",
            "-xpf",
            "-",
        ]);
        expect(argv.slice(0, 2)).toEqual(["bash", "-c"]);
        expect(argv.slice(3)).toEqual(["copy", String(reader.length), ...reader, ...writer]);
        expect(copyArgv(A, null, "/x", "y")).toBeNull();
    });
    it("the constant script runs the reader into the writer as given (a real bash)", async () => {
        const { spawnSync } = await import("node:child_process");
        const argv = copyArgv({ kind: "local" }, { kind: "local" }, "/x", "y")!;
        // keep the script, put printf and wc in the reader's and writer's place
        const reader = ["printf", "%s", "a b'$(c)"],
            writer = ["wc", "-c"];
        const r = spawnSync("bash", ["-c", argv[2]!, "copy", String(reader.length), ...reader, ...writer], {
            encoding: "utf8",
        });
        expect(r.stdout.trim()).toBe("8");
        const failing = spawnSync("bash", ["-c", argv[2]!, "copy", "1", "false", "cat"], { encoding: "utf8" });
        expect(failing.status).not.toBe(0);
    });
});
