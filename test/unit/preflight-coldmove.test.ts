import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coldMoveChecks, parseDf, parseProbe } from "../../src/preflight/coldmove";
import { parseDefinition } from "../../src/domains/definition";
import { defaultOptions } from "../../src/migration/options";
import type { PreflightInput } from "../../src/preflight/checks";
import { RunError, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { LocalRunner } from "./storage-helpers";
import { uuidOf } from "./refs";

const root = mkdtempSync(join(tmpdir(), "cold-preflight-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sh = (...argv: string[]) => expect(spawnSync(argv[0]!, argv.slice(1)).status).toBe(0);

const src = join(root, "src");
mkdirSync(src);
sh("qemu-img", "create", "-q", "-f", "qcow2", join(src, "base.qcow2"), "1G");
sh("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", join(src, "base.qcow2"), join(src, "top.qcow2"));
sh("truncate", "-s", "16M", join(src, "data.raw"));

const xml = (top: string, data: string) => `<domain type='qemu'><name>cold</name><memory unit='KiB'>65536</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${top}'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${data}'/><target dev='vdb' bus='virtio'/></disk>
</devices></domain>`;

const input = (over: Partial<PreflightInput> = {}): PreflightInput => ({
    domain: "cold",
    uuid: uuidOf("cold"),
    sourceUri: "qemu:///system",
    destinationUri: "qemu+ssh://root@127.0.0.2/system",
    destinationLabel: "B",
    options: { ...defaultOptions("shutoff"), storage: "copy-all" },
    live: false,
    sourceTarget: { kind: "local" },
    destinationTarget: { kind: "local" },
    ...over,
});

const byId = (rs: { id: string; severity: string }[]) => Object.fromEntries(rs.map((r) => [r.id, r.severity]));

describe("pre-flight of a cold move, run for real on this machine as both hosts", { timeout: 30_000 }, () => {
    it("lists each file with its sizes, the chain base first, and the free space for them", async () => {
        const d = parseDefinition(xml(join(src, "top.qcow2"), join(src, "data.raw")));
        // the destination paths are the source's: on one machine they all exist
        const rs = await coldMoveChecks(new LocalRunner(), input(), d);
        const s = byId(rs);
        expect(s[`cold-move:${join(src, "base.qcow2")}`]).toBe("pass");
        expect(s[`cold-move:${join(src, "top.qcow2")}`]).toBe("pass");
        expect(s["cold-move:backing:vda"]).toBe("info");
        expect(rs.find((r) => r.id === "cold-move:backing:vda")?.fix).toContain("qemu-img convert -O qcow2");
        expect(rs.find((r) => r.id === `cold-move:${join(src, "data.raw")}`)?.title).toMatch(
            /vdb: .*data.raw is carried \(raw, 16.0 MiB virtual, 0 B allocated\)/,
        );
        expect(s[`cold-move:dest:${join(src, "data.raw")}`]).toBe("error");
        expect(rs.find((r) => r.id.startsWith("cold-move:space:"))?.severity).toBe("pass");

        const replacing = byId(
            await coldMoveChecks(
                new LocalRunner(),
                input({ options: { ...input().options, replaceExisting: true } }),
                d,
            ),
        );
        expect(replacing[`cold-move:dest:${join(src, "data.raw")}`]).toBe("warning");
    });

    it("a file missing on the source is an error, not left out; the destination's answers are read", async () => {
        const d = parseDefinition(xml(join(src, "gone.qcow2"), join(src, "data.raw")));
        const rs = await coldMoveChecks(new LocalRunner(), input(), d);
        expect(byId(rs)[`cold-move:${join(src, "gone.qcow2")}`]).toBe("error");
        expect(rs.find((r) => r.id === `cold-move:${join(src, "gone.qcow2")}`)?.detail).toMatch(/No such file/);
        expect(parseProbe("missing\nabsent\ntar\n")).toEqual({ dir: "missing", exists: false, tar: true });
        expect(parseProbe("readonly\nabsent\n")).toEqual({ dir: "readonly", exists: false, tar: false });
        expect(parseProbe("")).toBeNull();
    });
});

describe("pre-flight of a cold move, scripted", () => {
    const d = parseDefinition(xml("/var/lib/libvirt/images/a.qcow2", "/srv/b.raw"));
    const info = (path: string, size: number) =>
        JSON.stringify([{ "virtual-size": 2 ** 30, filename: path, format: "qcow2", "actual-size": size }]);
    const B: RunTarget = { kind: "ssh", address: "127.0.0.2", user: "root" };
    const C: RunTarget = { kind: "ssh", address: "127.0.0.3", user: "root" };
    const runner = (df: Record<string, string>, sshOk = true): Runner => ({
        async run(target, argv) {
            const words = argv.join(" ");
            if (argv[0] === "ssh" && argv[argv.length - 1]!.includes("true"))
                if (sshOk) return "";
                else
                    throw new RunError(
                        "exit-status",
                        "Permission denied (publickey).",
                        argv,
                        255,
                        "Permission denied (publickey).",
                    );
            const last = argv[argv.length - 1]!;
            if (words.startsWith("ssh") && words.includes("qemu-img")) return info(last.replace(/'/g, ""), 3 * 2 ** 30);
            if (argv[0] === "qemu-img") return info(last, 3 * 2 ** 30);
            if (words.includes("probe")) return "writable\nabsent\ntar\n";
            if (words.includes("df")) {
                const dir = Object.keys(df).find((k) => words.includes(k));
                return df[dir!]!;
            }
            throw new Error(`unexpected ${words} on ${target.kind}`);
        },
    });
    const dfLine = (avail: number, mount: string) => `/dev/vda1 100000000000 1 ${avail} 50% ${mount}\n`;

    it("adds up the files of one file system, and refuses when they do not fit", async () => {
        const one = { "/var/lib/libvirt/images": dfLine(5 * 2 ** 30, "/"), "/srv": dfLine(5 * 2 ** 30, "/") };
        const rs = await coldMoveChecks(runner(one), input(), d);
        const space = rs.filter((r) => r.id.startsWith("cold-move:space:"));
        expect(space).toHaveLength(1);
        expect(space[0]!.severity).toBe("error");
        expect(space[0]!.title).toMatch(/5.0 GiB free, 6.0 GiB needed/);
        const two = { "/var/lib/libvirt/images": dfLine(5 * 2 ** 30, "/var"), "/srv": dfLine(5 * 2 ** 30, "/srv") };
        expect((await coldMoveChecks(runner(two), input(), d)).filter((r) => r.severity === "error")).toEqual([]);
    });

    it("neither end this host: the source's ssh must reach the destination", async () => {
        const df = { "/var/lib/libvirt/images": dfLine(50 * 2 ** 30, "/"), "/srv": dfLine(50 * 2 ** 30, "/") };
        const on = input({ sourceTarget: B, destinationTarget: C });
        expect(byId(await coldMoveChecks(runner(df), on, d))["cold-move:ssh"]).toBe("pass");
        const rs = await coldMoveChecks(runner(df, false), on, d);
        expect(rs.find((r) => r.id === "cold-move:ssh")).toMatchObject({
            severity: "error",
            detail: expect.stringMatching(/publickey/),
        });
        expect(byId(await coldMoveChecks(runner(df), input({ destinationTarget: null }), d))["cold-move"]).toBe(
            "error",
        );
    });

    it("reads the mount point of df's last line, spaces and all", () => {
        expect(
            parseDf("Filesystem 1-blocks Used Available Capacity Mounted on\n/dev/x 10 2 8 20% /mnt/my disk\n"),
        ).toEqual({
            avail: 8,
            mount: "/mnt/my disk",
        });
        expect(parseDf("nonsense")).toBeNull();
    });
});
