import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseCpuset, parseDefinition } from "../../src/domains/definition";
import { parseDomstats, parseTopology } from "../../src/domains/parse";
import { assessCapacity, committed, guestClass, parseNodeinfo, parseSysctl } from "../../src/preflight/capacity";
import {
    DEFAULT_POLICY,
    parsePolicy,
    serializePolicy,
    validatePolicy,
    writePolicy,
    POLICY_PATH,
} from "../../src/preflight/policy";
import { iptablesVerdict, nftVerdict, portChecks, probeArgv, transportPort } from "../../src/preflight/ports";
import { numaCheck } from "../../src/preflight/numa";
import { measureDirtyRate, predictPrecopy } from "../../src/preflight/dirtyrate";
import { PreflightCache, preflightKey } from "../../src/preflight/cache";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { diskVisibility, storage } from "../../src/preflight/storage";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";
import { MemoryFiles } from "./fakes";

const fixture = (name: string) => readFileSync(new URL(`fixtures/preflight/${name}`, import.meta.url), "utf8");
const domain = (extra = "", memory = "<memory unit='GiB'>2</memory><currentMemory unit='GiB'>1</currentMemory>") =>
    parseDefinition(
        `<domain type='kvm'><name>vm</name>${memory}<vcpu>2</vcpu>${extra}<os><type machine='pc'>hvm</type></os></domain>`,
    );

describe("overcommit policy", () => {
    it("defaults when there is no file; missing fields take defaults", () => {
        expect(parsePolicy(null)).toEqual(DEFAULT_POLICY);
        expect(parsePolicy('{"memoryCommitPercent": 150}')).toEqual({ ...DEFAULT_POLICY, memoryCommitPercent: 150 });
    });
    it("a damaged file is an error, never silently replaced by defaults", () => {
        expect(() => parsePolicy("{")).toThrow(/not valid JSON/);
        expect(() => parsePolicy("[]")).toThrow(/policy object/);
        expect(() => parsePolicy('{"cpuCommitPercent": -5}')).toThrow(/cpuCommitPercent/);
    });
    it("validates every field", () => {
        expect(validatePolicy(DEFAULT_POLICY)).toEqual({});
        expect(
            Object.keys(validatePolicy({ memoryCommitPercent: 0, cpuCommitPercent: 1.5, hostReserveMiB: -1 })).sort(),
        ).toEqual(["cpuCommitPercent", "hostReserveMiB", "memoryCommitPercent"]);
    });
    it("is written with the file's tag and reads back", async () => {
        const store = new MemoryFiles();
        const files = store.files;
        await writePolicy(store, { memoryCommitPercent: 80, cpuCommitPercent: 200, hostReserveMiB: 1024 });
        expect(parsePolicy(files.get(POLICY_PATH)!.content)).toEqual({
            memoryCommitPercent: 80,
            cpuCommitPercent: 200,
            hostReserveMiB: 1024,
        });
        expect(serializePolicy(DEFAULT_POLICY)).toContain('"version": 1');
        await expect(writePolicy(store, { ...DEFAULT_POLICY, memoryCommitPercent: 0 })).rejects.toThrow(/invalid/);
    });
});

describe("capacity", () => {
    const node = parseNodeinfo(fixture("nodeinfo-lab.txt"));
    it("reads real nodeinfo and sysctls", () => {
        expect(node).toEqual({ memoryKiB: expect.any(Number), cpus: 2 });
        expect(parseSysctl("0\n1\n")).toEqual({ overcommitMemory: 0, panicOnOom: 1 });
        expect(parseSysctl("")).toEqual({ overcommitMemory: null, panicOnOom: null });
        expect(() => parseNodeinfo("error")).toThrow(/nodeinfo/);
    });
    it("guest class: locked memory or hugepages is guaranteed, otherwise burstable at its current balloon", () => {
        expect(guestClass(domain())).toBe("burstable");
        expect(guestClass(domain("<memoryBacking><locked/></memoryBacking>"))).toBe("guaranteed");
        expect(guestClass(domain("<memoryBacking><hugepages/></memoryBacking>"))).toBe("guaranteed");
    });
    it("counts running guests by balloon and vCPUs", () => {
        const stats = parseDomstats(
            "Domain: 'a'\n  balloon.current=1048576\n  balloon.maximum=2097152\n  vcpu.current=2\nDomain: 'b'\n  balloon.maximum=524288\n  vcpu.current=1\n",
        );
        expect(committed(stats)).toEqual({ memoryKiB: 1572864, vcpus: 3, guests: 2 });
    });
    const base = {
        label: "B",
        node: { memoryKiB: 4 * 1048576, cpus: 4 },
        policy: DEFAULT_POLICY,
        sysctl: { overcommitMemory: 0, panicOnOom: 0 },
        commands: [],
    };
    it("within the policy passes; beyond it warns", () => {
        const [mem, cpu] = assessCapacity({
            ...base,
            running: { memoryKiB: 1048576, vcpus: 2, guests: 1 },
            guest: domain(),
        });
        expect(mem).toMatchObject({
            severity: "pass",
            title: "B: 2.0 of 3.5 GiB guest memory committed with this VM (57%; policy 100%)",
        });
        expect(cpu).toMatchObject({ severity: "pass", title: "B: 4 vCPUs on 4 CPUs with this VM (100%; policy 400%)" });
        const strict = assessCapacity({
            ...base,
            policy: { memoryCommitPercent: 50, cpuCommitPercent: 50, hostReserveMiB: 512 },
            running: { memoryKiB: 1048576, vcpus: 2, guests: 1 },
            guest: domain(),
        });
        expect(strict[0]).toMatchObject({
            severity: "warning",
            fix: expect.stringMatching(/beyond the overcommit policy/),
        });
        expect(strict[1]).toMatchObject({ severity: "warning" });
    });
    it("overcommitting a guaranteed guest, or a host with strict accounting or panic_on_oom, is an error", () => {
        const running = { memoryKiB: 3 * 1048576, vcpus: 1, guests: 1 };
        const loose = { ...base, policy: { ...DEFAULT_POLICY, memoryCommitPercent: 200 } };
        expect(assessCapacity({ ...loose, running, guest: domain() })[0]!.severity).toBe("pass");
        expect(
            assessCapacity({ ...loose, running, guest: domain("<memoryBacking><locked/></memoryBacking>") })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/locks its memory/) });
        expect(
            assessCapacity({ ...loose, running, guest: domain(), sysctl: { overcommitMemory: 2, panicOnOom: 0 } })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/overcommit_memory=2/) });
        expect(
            assessCapacity({ ...loose, running, guest: domain(), sysctl: { overcommitMemory: 0, panicOnOom: 1 } })[0],
        ).toMatchObject({ severity: "error", fix: expect.stringMatching(/panic_on_oom/) });
        expect(assessCapacity({ ...base, running, guest: domain(), sysctl: null })[0]).toMatchObject({
            severity: "warning",
            detail: expect.stringMatching(/could not be read/),
        });
        // overcommitted within a loose policy, and the sysctls could not be read: not checked, never a pass
        expect(
            assessCapacity({
                ...loose,
                running,
                guest: domain(),
                sysctl: null,
                sysctlError: "Permission denied (publickey)",
            })[0],
        ).toMatchObject({
            severity: "warning",
            unchecked: true,
            detail: expect.stringMatching(/could not be read: Permission denied/),
        });
    });
});

describe("ports and firewall", () => {
    it("the transport port of a URI", () => {
        expect(transportPort("qemu+ssh://root@b.example/system")).toEqual({
            host: "b.example",
            port: 22,
            transport: "ssh",
        });
        expect(transportPort("qemu+tcp://127.0.0.2/system")).toEqual({
            host: "127.0.0.2",
            port: 16509,
            transport: "tcp",
        });
        expect(transportPort("qemu://h/system")).toEqual({ host: "h", port: 16514, transport: "tls" });
        expect(transportPort("qemu+ssh://[fe80::1]:2222/system")).toEqual({
            host: "fe80::1",
            port: 2222,
            transport: "ssh",
        });
        expect(transportPort("qemu:///system")).toBeNull();
    });
    it("the probe's script is constant; hostile hosts are refused, never run", () => {
        const argv = probeArgv("127.0.0.2", 22);
        expect(argv.slice(0, 6)).toEqual([
            "timeout",
            "5",
            "bash",
            "-c",
            'exec 3<>"/dev/tcp/$1/$2"',
            "cockpit-migrate-probe",
        ]);
        for (const h of HOSTILE.filter((s) => !/^[A-Za-z0-9.:_]+$/.test(s)))
            expect(() => probeArgv(h, 22), JSON.stringify(h)).toThrow(RangeError);
        expect(() => probeArgv("h", 0)).toThrow(RangeError);
    });
    it("reads nft and iptables rulesets", () => {
        expect(nftVerdict(fixture("nft-firewalld-drop.txt"))).toBe("blocked");
        expect(nftVerdict(fixture("nft-open-range.txt"))).toBe("open");
        expect(nftVerdict("")).toBe("none");
        expect(iptablesVerdict(fixture("iptables-drop.txt"))).toBe("blocked");
        expect(iptablesVerdict(fixture("iptables-open-range.txt"))).toBe("open");
        expect(iptablesVerdict("")).toBe("none");
        expect(iptablesVerdict("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")).toBe("open");
    });
    it("a refused port is an error with the fix; an unreadable firewall is information", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                throw new RunError(
                    argv[0] === "timeout" ? "exit-status" : "not-found",
                    "no",
                    argv,
                    1,
                    "Connection refused",
                );
            },
        };
        const r = await portChecks(runner, {
            destinationUri: "qemu+tcp://127.0.0.9/system",
            destinationLabel: "X",
            probeFrom: { kind: "local" },
            destinationTarget: { kind: "local" },
        });
        expect(r[0]).toMatchObject({
            severity: "error",
            title: "Port 16509 (tcp) on 127.0.0.9 does not accept connections",
            fix: expect.stringMatching(/listen_tcp/),
        });
        expect(r[1]).toMatchObject({
            severity: "info",
            title: expect.stringMatching(/could not be read/),
            commands: [["nft", "list", "ruleset"], ["iptables-save"]],
        });
    });
    it("a dropping firewall warns", async () => {
        const runner: Runner = {
            run: async (_t, argv) => (argv[0] === "nft" ? fixture("nft-firewalld-drop.txt") : ""),
        };
        const r = await portChecks(runner, {
            destinationUri: "qemu+ssh://root@127.0.0.2/system",
            destinationLabel: "B",
            probeFrom: { kind: "local" },
            destinationTarget: { kind: "local" },
        });
        expect(r.map((x) => x.severity)).toEqual(["pass", "warning"]);
        expect(r[1]!.fix).toMatch(/49152-49215\/tcp/);
    });
});

describe("NUMA", () => {
    it("cpusets", () => {
        expect(parseCpuset("0-3,^2,8")).toEqual([0, 1, 3, 8]);
        expect(parseCpuset("1")).toEqual([1]);
        expect(parseCpuset("x")).toBeNull();
    });
    const topology = parseTopology(fixture("capabilities-lab.xml"));
    it("reads the lab host's real topology", () => {
        expect(topology).toEqual([
            { id: 0, memoryKiB: expect.any(Number), cpus: [0, 1], hugepages: expect.any(Array) },
        ]);
    });
    it("pinning to CPUs and nodes that exist warns; to ones that do not is an error", () => {
        const ok = domain(
            "<cputune><vcpupin vcpu='0' cpuset='0-1'/></cputune><numatune><memory nodeset='0'/></numatune>",
        );
        expect(numaCheck(ok, topology, "B", [])).toMatchObject({
            severity: "warning",
            title: "The VM pins host CPUs 0,1 and NUMA nodes 0: they exist on B",
        });
        const bad = domain(
            "<cputune><vcpupin vcpu='0' cpuset='3'/><emulatorpin cpuset='0'/></cputune><numatune><memory nodeset='1'/><memnode cellid='0' nodeset='0'/></numatune>",
        );
        expect(numaCheck(bad, topology, "B", [])).toMatchObject({
            severity: "error",
            title: "The VM pins host CPUs 3 and NUMA nodes 1 that B does not have",
        });
        expect(numaCheck(domain(), topology, "B", [])).toMatchObject({ severity: "pass" });
    });
});

describe("pre-copy prediction", () => {
    it("a quiet guest: one pass of its touched memory", () => {
        const p = predictPrecopy({ dirtyMiBs: 0, memoryMiB: 1024, residentMiB: 256, bandwidthMiBs: 64 });
        expect(p).toMatchObject({ converges: true, rounds: 1, firstPassMiB: 256 });
        expect(p.seconds).toBeCloseTo(4, 5);
    });
    it("each pass sends what the previous one let the guest dirty, until the rest fits in the downtime", () => {
        const p = predictPrecopy({ dirtyMiBs: 16, memoryMiB: 256, bandwidthMiBs: 32, maxDowntimeMs: 300 });
        // 8 s, then 4 s, 2 s, 1 s, 0.5 s, 0.25 s (8 MiB in 0.25 s fits in 300 ms)
        expect(p.rounds).toBe(5);
        expect(p.seconds).toBeCloseTo(8 + 4 + 2 + 1 + 0.5 + 0.25, 5);
        expect(
            predictPrecopy({ dirtyMiBs: 16, memoryMiB: 256, bandwidthMiBs: 32, maxDowntimeMs: 2000 }).rounds,
        ).toBeLessThan(p.rounds);
    });
    it("never converges when the guest dirties faster than the bandwidth", () => {
        expect(predictPrecopy({ dirtyMiBs: 40, memoryMiB: 256, bandwidthMiBs: 32 })).toMatchObject({
            converges: false,
            seconds: Infinity,
        });
        expect(predictPrecopy({ dirtyMiBs: 5, memoryMiB: 256 }).assumption).toBe("at 1 Gbit/s (about 112 MiB/s)");
        expect(predictPrecopy({ dirtyMiBs: 5, memoryMiB: 256, parallelConnections: 4 }).assumption).toMatch(
            /4 connections/,
        );
    });
});

describe("measureDirtyRate", () => {
    it("starts the calculation, waits the period, polls until measured, and reads the resident size", async () => {
        const calls: string[] = [];
        let polls = 0;
        const runner: Runner = {
            run: async (_t, argv) => {
                calls.push(argv.slice(3).join(" "));
                if (argv[3] === "domstats")
                    return ++polls < 3
                        ? "Domain: 'vm'\n  dirtyrate.calc_status=1\n"
                        : "Domain: 'vm'\n  dirtyrate.calc_status=2\n  dirtyrate.calc_period=5\n  dirtyrate.calc_mode=page-sampling\n  dirtyrate.megabytes_per_second=31\n  balloon.rss=204800\n";
                return "";
            },
        };
        const slept: number[] = [];
        const s = await measureDirtyRate(runner, { kind: "local" }, "qemu:///system", uuidOf("vm"), 5, {
            sleep: async (ms) => {
                slept.push(ms);
            },
        });
        expect(s).toEqual({ mibs: 31, seconds: 5, mode: "page-sampling", residentMiB: 200 });
        expect(calls[0]).toBe(`domdirtyrate-calc --domain ${uuidOf("vm")} --seconds 5`);
        expect(slept[0]).toBe(5100);
        expect(polls).toBe(3);
    });
    it("refuses a period libvirt does not accept", async () => {
        await expect(
            measureDirtyRate({ run: async () => "" }, { kind: "local" }, "u", uuidOf("vm"), 61),
        ).rejects.toThrow(/1 to 60/);
    });
});

describe("pre-flight cache", () => {
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: {
            duration: "permanent",
            mode: "live",
            storage: "shared",
            postcopy: false,
            autoConverge: false,
            tls: false,
            compressed: false,
            abortOnError: false,
        } as const,
        live: true,
    };
    it("keys on what changes the outcome, and expires", () => {
        let t = 0;
        const cache = new PreflightCache(1000, () => t);
        const k = preflightKey(input);
        expect(preflightKey({ ...input, destinationLabel: "other label" })).toBe(k);
        expect(preflightKey({ ...input, options: { ...input.options, bandwidthMiBs: 10 } })).not.toBe(k);
        expect(preflightKey({ ...input, dirtyRateSeconds: 30 })).not.toBe(k);
        cache.set(k, [{ id: "x", severity: "pass", title: "ok", commands: [] }]);
        t = 999;
        expect(cache.get(k)?.at).toBe(0);
        t = 1001;
        expect(cache.get(k)).toBeNull();
    });
    it("never keeps a run with cancelled checks", () => {
        const cache = new PreflightCache();
        cache.set("k", [
            {
                id: "dirtyrate",
                severity: "warning",
                title: "Dirty rate: not checked (cancelled)",
                commands: [],
                unchecked: true,
            },
        ]);
        expect(cache.get("k")).toBeNull();
    });
});

describe("storage check when copying the disks", () => {
    const d = parseDefinition(
        "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda'/></disk></devices></domain>",
    );
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: { ...defaultOptions("running"), storage: "copy-all" as const },
        live: true,
    };
    it("nothing at that path on the destination: the copy creates it", async () => {
        const r = await storage(
            async () => {
                throw new Error("error: Storage volume not found");
            },
            input,
            d,
            async () => false,
        );
        expect(r).toEqual([
            expect.objectContaining({
                severity: "pass",
                title: "vda: /var/lib/libvirt/images/vm.qcow2 will be copied",
            }),
        ]);
    });
    it("an image the destination already sees (listed by a pool or not) is an error when copied, not a warning (issue 17 item 3)", async () => {
        for (const [vol, file] of [
            [true, true],
            [false, true],
        ] as const) {
            const r = await storage(
                async () => {
                    if (!vol) throw new Error("error: Storage volume not found: no storage vol with matching path");
                    return "Name: vm.qcow2\n";
                },
                input,
                d,
                async () => file,
            );
            expect(r[0]).toMatchObject({
                severity: "error",
                title: "vda: /var/lib/libvirt/images/vm.qcow2 is visible on B: copying it would write over the image the destination already has",
                disk: { target: "vda", visible: true },
            });
            expect(r[0]!.fix).toMatch(/copy only the disks the destination cannot see/);
        }
    });
    it("with --migrate-disks only the listed disks are copied; a visible disk left out is shared", async () => {
        const two = parseDefinition(
            "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/shared/a.qcow2'/><target dev='vda'/></disk>" +
                "<disk type='file' device='disk'><source file='/local/b.qcow2'/><target dev='vdb'/></disk></devices></domain>",
        );
        const only = { ...input, options: { ...input.options, migrateDisks: ["vdb"] } };
        const run = async (argv: string[]) => {
            if (argv.includes("/shared/a.qcow2")) return "Name: a.qcow2\n";
            throw new Error("error: Storage volume not found: no storage vol with matching path");
        };
        const r = await storage(run, only, two, null);
        expect(r.map((x) => [x.id, x.severity, x.disk])).toEqual([
            ["storage:vda", "pass", { target: "vda", visible: true }],
            ["storage:vdb", "pass", { target: "vdb", visible: false }],
        ]);
    });
    it("diskVisibility: what the dialog offers to copy alone (--migrate-disks)", async () => {
        const two = parseDefinition(
            "<domain type='qemu'><name>vm</name><devices><disk type='file' device='disk'><source file='/shared/a.qcow2'/><target dev='vda'/></disk>" +
                "<disk type='file' device='disk'><source file='/local/b.qcow2'/><target dev='vdb'/></disk><disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda'/></disk></devices></domain>",
        );
        const run = async (argv: string[]) => {
            if (argv.includes("/shared/a.qcow2")) return "Name: a.qcow2\n";
            throw new Error("error: Storage volume not found: no storage vol with matching path");
        };
        expect(diskVisibility(await storage(run, input, two, null))).toEqual({ unseen: ["vdb"], seen: ["vda"] });
    });
    it("a vol-info that fails for another reason (timeout, lost connection) is no verdict: never copy on a guess", async () => {
        const r = await storage(
            async () => {
                throw new Error("error: Cannot recv data: Connection reset by peer");
            },
            input,
            d,
            null,
        );
        expect(r[0]).toMatchObject({ id: "storage:vda", unchecked: true });
        expect(r[0]!.disk).toBeUndefined();
    });
});

describe("storage check by disk type (issue 17 item 7)", () => {
    const xml = (disks: string) =>
        parseDefinition(`<domain type='qemu'><name>vm</name><devices>${disks}</devices></domain>`);
    const RBD =
        "<disk type='network' device='disk'><source protocol='rbd' name='rbd/vm-disk'><host name='mon1' port='6789'/>" +
        "<auth username='libvirt'><secret type='ceph' uuid='0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1'/></auth></source><target dev='vdb'/></disk>";
    const VOL =
        "<disk type='volume' device='disk'><source pool='ssd' volume='vm-data.qcow2'/><target dev='vdc'/></disk>";
    const input = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "a",
        destinationUri: "b",
        destinationLabel: "B",
        options: defaultOptions("running"),
        live: true,
    };
    const SECRETS =
        " UUID                                   Usage\n--------------------------------------------------------------\n 0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1   ceph client.libvirt secret\n";
    const EMPTY = " UUID   Usage\n---------------\n\n";
    const scripted = (answers: Record<string, (argv: string[]) => string>) => {
        const calls: string[][] = [];
        const run = async (argv: string[]) => {
            calls.push(argv);
            const f = answers[argv[3]!];
            if (!f) throw new Error(`unexpected ${argv.join(" ")}`);
            return f(argv);
        };
        return { calls, run };
    };
    it("reads network and volume disks for what they are", () => {
        expect(xml(RBD + VOL).disks).toEqual([
            {
                type: "network",
                device: "disk",
                source: "rbd/vm-disk",
                target: "vdb",
                readonly: false,
                shareable: false,
                protocol: "rbd",
                secret: { type: "ceph", uuid: "0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1", usage: null },
            },
            {
                type: "volume",
                device: "disk",
                source: null,
                target: "vdc",
                readonly: false,
                shareable: false,
                pool: "ssd",
                volume: "vm-data.qcow2",
            },
        ]);
    });
    it("a network disk is not a path: the destination needs its secret, and then sees the same image", async () => {
        const ok = scripted({ "secret-list": () => SECRETS });
        const [r] = await storage(ok.run, input, xml(RBD), null);
        expect(r).toMatchObject({ id: "storage:vdb", severity: "pass", disk: { target: "vdb", visible: true } });
        expect(ok.calls.map((c) => c[3])).toEqual(["secret-list"]);
        const missing = scripted({ "secret-list": () => EMPTY });
        const [m] = await storage(missing.run, input, xml(RBD), null);
        expect(m).toMatchObject({
            severity: "error",
            title: "vdb: rbd rbd/vm-disk needs secret 0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1, which B does not have",
        });
        // never offered for copying: a plan must not put it in --migrate-disks
        expect(m!.disk).toBeUndefined();
    });
    it("a secret named by usage is matched by type and usage", async () => {
        const byUsage = RBD.replace("uuid='0a8ea3b3-7e39-4a57-a0a2-2b1c4e7bd0f1'", "usage='client.libvirt secret'");
        const [r] = await storage(scripted({ "secret-list": () => SECRETS }).run, input, xml(byUsage), null);
        expect(r).toMatchObject({ severity: "pass" });
    });
    it("a network disk without auth needs nothing looked up; copying it is an error (the destination already has it)", async () => {
        // an nbd disk may have no export name: still checked, not dropped
        const noAuth =
            "<disk type='network' device='disk'><source protocol='nbd'><host name='nbd1' port='10809'/></source><target dev='vdd'/></disk>";
        const none = scripted({});
        expect((await storage(none.run, input, xml(noAuth), null))[0]).toMatchObject({
            id: "storage:vdd",
            severity: "pass",
            title: "vdd: nbd disk over the network, the same image on B",
            commands: [],
        });
        expect(
            (
                await storage(
                    none.run,
                    { ...input, options: { ...input.options, storage: "copy-all" } },
                    xml(noAuth),
                    null,
                )
            )[0],
        ).toMatchObject({ severity: "error" });
        expect(none.calls).toEqual([]);
    });
    it("a volume disk is looked up in its pool on the destination", async () => {
        const found = scripted({ "vol-info": () => "Name:           vm-data.qcow2\nType:           file\n" });
        expect((await storage(found.run, input, xml(VOL), null))[0]).toMatchObject({
            id: "storage:vdc",
            severity: "pass",
            title: "vdc: ssd/vm-data.qcow2 is visible on B",
        });
        expect(found.calls).toEqual([["virsh", "-c", "b", "vol-info", "--pool", "ssd", "--vol", "vm-data.qcow2"]]);
        const noVol = scripted({
            "vol-info": (argv) => {
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    "error: Storage volume not found: no storage vol with matching name 'vm-data.qcow2'",
                );
            },
        });
        expect((await storage(noVol.run, input, xml(VOL), null))[0]).toMatchObject({
            severity: "error",
            title: "vdc: ssd/vm-data.qcow2 is not visible on B",
            disk: { target: "vdc", visible: false },
        });
        const noPool = scripted({
            "vol-info": (argv) => {
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    "error: Storage pool not found: no storage pool with matching name 'ssd'",
                );
            },
        });
        const [p] = await storage(
            noPool.run,
            { ...input, options: { ...input.options, storage: "copy-all" } },
            xml(VOL),
            null,
        );
        expect(p).toMatchObject({ severity: "error", title: "vdc: storage pool ssd does not exist on B" });
    });
});
