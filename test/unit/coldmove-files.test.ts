import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
    allocatedTotal,
    carriedFiles,
    imageInfoArgv,
    loadCarried,
    parseDu,
    parseImageChain,
    tpmStateDir,
} from "../../src/coldmove/files";
import { parseDefinition } from "../../src/domains/definition";
import type { DomainUuid } from "../../src/virsh/argv";

// captured on the lab (qemu-img 7.2): a qcow2 overlay on a qcow2 base, a sparse raw image, a missing file
const fixture = (n: string) => readFileSync(join(__dirname, "fixtures", "coldmove", n), "utf8");
const UUID = "0b3e8a5e-2f0c-4d55-9a3e-6d1c2f7b9e01" as DomainUuid;

const XML = `<domain type='qemu'><name>cold</name><uuid>${UUID}</uuid><memory unit='KiB'>65536</memory><vcpu>1</vcpu>
<os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><nvram>/var/lib/libvirt/qemu/nvram/cold_VARS.fd</nvram></os>
<devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/tmp/h22/top.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/tmp/h22/data.raw'/><target dev='vdb' bus='virtio'/></disk>
<disk type='file' device='cdrom'><source file='/tmp/h22/install.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
<disk type='block' device='disk'><source dev='/dev/sdz'/><target dev='vdc' bus='virtio'/></disk>
<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>
</devices></domain>`;

describe("qemu-img info --backing-chain", () => {
    it("reads the chain, image first, with virtual and allocated sizes and the absolute backing name", () => {
        const chain = parseImageChain(fixture("qemu-img-info-chain.json"));
        expect(chain).toEqual([
            {
                filename: "/tmp/h22/top.qcow2",
                format: "qcow2",
                virtualBytes: 4294967296,
                allocatedBytes: 1314816,
                backing: "/tmp/h22/base.qcow2",
            },
            {
                filename: "/tmp/h22/base.qcow2",
                format: "qcow2",
                virtualBytes: 4294967296,
                allocatedBytes: 3411968,
                backing: null,
            },
        ]);
        expect(parseImageChain(fixture("qemu-img-info-raw.json"))).toEqual([
            {
                filename: "/tmp/h22/data.raw",
                format: "raw",
                virtualBytes: 67108864,
                allocatedBytes: 2097152,
                backing: null,
            },
        ]);
        expect(() => parseImageChain('[{"filename": 3}]')).toThrow();
    });

    it("asks with -U after --, the path a value", () => {
        expect(imageInfoArgv("-x")).toEqual(["qemu-img", "info", "--backing-chain", "-U", "--output=json", "--", "-x"]);
    });
});

describe("the files a cold move carries", () => {
    const d = parseDefinition(XML);
    const chains = new Map([
        ["/tmp/h22/top.qcow2", parseImageChain(fixture("qemu-img-info-chain.json"))],
        ["/tmp/h22/data.raw", parseImageChain(fixture("qemu-img-info-raw.json"))],
    ]);

    it("file disks with their backing file first, the NVRAM file and the TPM state; not the CD-ROM or block disk", () => {
        const files = carriedFiles(d, UUID, chains, new Map([["/tmp/h22/data.raw", "/srv/data.raw"]]));
        expect(files.map((f) => [f.kind, f.target, f.path, f.destPath])).toEqual([
            ["backing", "vda", "/tmp/h22/base.qcow2", "/tmp/h22/base.qcow2"],
            ["disk", "vda", "/tmp/h22/top.qcow2", "/tmp/h22/top.qcow2"],
            ["disk", "vdb", "/tmp/h22/data.raw", "/srv/data.raw"],
            ["nvram", null, "/var/lib/libvirt/qemu/nvram/cold_VARS.fd", "/var/lib/libvirt/qemu/nvram/cold_VARS.fd"],
            ["tpm", null, tpmStateDir(UUID), tpmStateDir(UUID)],
        ]);
        expect(allocatedTotal(files)).toEqual({
            bytes: 3411968 + 1314816 + 2097152,
            unknown: ["/var/lib/libvirt/qemu/nvram/cold_VARS.fd", tpmStateDir(UUID)],
        });
    });

    it("reads each chain and size on the source, and names what it could not read", async () => {
        const asked: string[][] = [];
        const run = async (argv: string[]) => {
            asked.push(argv);
            const path = argv[argv.length - 1]!;
            if (argv[0] === "du") {
                if (path.includes("swtpm")) throw new Error("du: cannot access: Permission denied");
                return `131072\t${path}\n`;
            }
            if (path === "/tmp/h22/data.raw") throw new Error(fixture("qemu-img-info-missing.stderr"));
            return fixture("qemu-img-info-chain.json");
        };
        const c = await loadCarried(run, d, UUID);
        expect(c.files.map((f) => [f.kind, f.allocatedBytes])).toEqual([
            ["backing", 3411968],
            ["disk", 1314816],
            ["disk", null],
            ["nvram", 131072],
            ["tpm", null],
        ]);
        expect(c.problems.map((p) => p.path).sort()).toEqual(["/tmp/h22/data.raw", tpmStateDir(UUID)]);
        expect(c.problems.find((p) => p.path === "/tmp/h22/data.raw")?.message).toContain("No such file");
        expect(c.commands).toHaveLength(4);
        expect(asked).toHaveLength(4);
        expect(parseDu("")).toBeNull();
    });
});

describe("the UEFI variable store", () => {
    it("the named file, or the default one, which is left out when the VM never created it", async () => {
        const noNvram = parseDefinition(XML.replace(/<nvram>.*<\/nvram>/, "").replace(/<tpm[\s\S]*<\/tpm>/, ""));
        const run = async (argv: string[]) => {
            if (argv[0] === "du")
                throw new Error(`du: cannot access '${argv[argv.length - 1]}': No such file or directory`);
            return fixture("qemu-img-info-raw.json");
        };
        const c = await loadCarried(run, noNvram, UUID);
        expect(c.files.map((f) => f.kind)).toEqual(["disk", "disk"]);
        expect(c.problems).toEqual([]);
        expect(carriedFiles(noNvram, UUID, new Map()).map((f) => f.path)).toContain(
            "/var/lib/libvirt/qemu/nvram/cold_VARS.fd",
        );
        // a file the definition names must be there: its absence is said
        const named = await loadCarried(run, parseDefinition(XML), UUID);
        expect(named.problems.map((p) => p.path)).toEqual(["/var/lib/libvirt/qemu/nvram/cold_VARS.fd"]);
    });
});
