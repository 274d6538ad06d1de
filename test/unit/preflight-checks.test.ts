import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parseDefinition } from "../../src/domains/definition";
import { dirtyRateResult, runPreflight, startPreflight, type PreflightInput } from "../../src/preflight/checks";
import { worst } from "../../src/preflight/types";
import { defaultOptions } from "../../src/migration/options";
import { domstats } from "../../src/virsh/argv";
import { RunError, type Runner, type RunOptions, type RunTarget } from "../../pkg/lib/runner";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import { HOSTILE } from "./hostile";
import { uuidOf } from "./refs";
import type { DomainUuid } from "../../src/virsh/argv";

const XML = `<domain type='kvm'><name>vm</name><memory unit='GiB'>2</memory><vcpu placement='static'>2</vcpu>
<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
<cputune><vcpupin vcpu='0' cpuset='1'/></cputune><numatune><memory mode='strict' nodeset='0'/></numatune>
<cpu mode='custom' match='exact' check='partial'><model fallback='forbid'>Skylake-Client-IBRS</model><feature policy='require' name='md-clear'/><topology sockets='1' cores='2' threads='1'/></cpu>
<devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
<interface type='network'><source network='default'/></interface><interface type='hostdev'><source><address type='pci' domain='0' bus='3' slot='0' function='1'/></source></interface>
<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev></devices></domain>`;

describe("parseDefinition", () => {
    const d = parseDefinition(XML);
    it("reads what pre-flight needs", () => {
        expect(d).toMatchObject({
            type: "kvm",
            memoryKiB: 2097152,
            vcpus: 2,
            machine: "pc-q35-7.2",
            cpuMode: "custom",
            cpuModel: "Skylake-Client-IBRS",
            vcpupin: true,
            numatune: true,
        });
        expect(d.disks).toEqual([
            {
                type: "file",
                device: "disk",
                source: "/var/lib/libvirt/images/vm.qcow2",
                target: "vda",
                readonly: false,
                shareable: false,
            },
            { type: "file", device: "cdrom", source: "/iso/x.iso", target: "sda", readonly: true, shareable: false },
        ]);
        expect(d.hostdevs).toEqual(["mdev c2177883-f1bb-47f0-914d-32a22e3a8804", "SR-IOV interface"]);
        expect(d.interfaces[0]).toEqual({ type: "network", source: "default" });
    });
    it("keeps the whole <cpu> element for hypervisor-cpu-compare", () => {
        expect(d.cpuXml).toContain('<model fallback="forbid">Skylake-Client-IBRS</model>');
        expect(d.cpuXml).toContain("md-clear");
        expect(d.cpuXml!.startsWith("<cpu")).toBe(true);
    });
    it("no model: nothing to compare", () => {
        expect(
            parseDefinition(
                "<domain type='qemu'><name>x</name><cpu mode='custom' match='exact' check='none'/></domain>",
            ).cpuXml,
        ).toBeNull();
    });
});

describe("dirtyRateResult", () => {
    it("predicts the duration from touched memory, bandwidth and dirty rate", () => {
        const r = dirtyRateResult(12, 3, 1000, null, { ...defaultOptions("running"), bandwidthMiBs: 100 }, []);
        expect(r.severity).toBe("pass");
        expect(r.title).toMatch(
            /^Dirty rate 12 MiB\/s \(measured over 3 s\): about 11 s for 1000 MiB at the 100 MiB\/s limit, \d passes$/,
        );
        expect(dirtyRateResult(0, 1, 512, null, defaultOptions("running"), []).title).toMatch(
            /about 5 s for 512 MiB at 1 Gbit\/s/,
        );
    });
    it("warns when pre-copy cannot converge, and recommends what would", () => {
        const r = dirtyRateResult(120, 3, 1000, 800, { ...defaultOptions("running"), bandwidthMiBs: 100 }, []);
        expect(r).toMatchObject({ severity: "warning" });
        expect(r.title).toMatch(/pre-copy will not converge/);
        expect(r.fix).toMatch(/post-copy.*auto-converge.*raise the bandwidth limit above 180 MiB\/s/);
    });
    it("with post-copy allowed, non-convergence is information: the switch finishes it", () => {
        expect(
            dirtyRateResult(
                120,
                3,
                1000,
                800,
                { ...defaultOptions("running"), bandwidthMiBs: 100, postcopy: true },
                [],
            ),
        ).toMatchObject({ severity: "info" });
    });
});

describe("domstats builder: the domain's UUID after --, read by the real virsh as that domain", () => {
    it("only UUIDs, never names", () => {
        for (const name of HOSTILE.filter((s, i) => s && !s.includes("\0") && i % 4 === 0))
            expect(() => domstats("test:///default", name as DomainUuid, "--state")).toThrow(/Not a domain UUID/);
        // libvirt's test driver: the VM "test" has this UUID
        const argv = domstats("test:///default", "6695eb01-f6a4-8304-79aa-97f2502e193f" as DomainUuid, "--state");
        expect(argv.slice(-2)).toEqual(["--", "6695eb01-f6a4-8304-79aa-97f2502e193f"]);
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
        expect(r.stdout).toMatch(/^Domain: 'test'$/m);
    });
});

describe("runPreflight with a scripted runner", () => {
    const answers = (argv: readonly string[], input?: string): string => {
        const uri = argv[2],
            sub = argv[3];
        if (sub === "dumpxml") return XML;
        if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
        if (sub === "capabilities")
            return `<capabilities><host><uuid>${uri === "src" ? "u1" : "u2"}</uuid></host><guest><arch name='x86_64'><machine>pc-i440fx-7.2</machine><machine canonical='pc-q35-7.2'>q35</machine></arch></guest></capabilities>`;
        if (sub === "net-info") return "Name:           default\nActive:         no\n";
        if (sub === "hostname") return uri === "src" ? "a\n" : "b\n";
        if (sub === "hypervisor-cpu-compare") {
            expect(input).toContain("Skylake");
            throw new RunError("exit-status", "incompatible", argv, 1, "error: the CPU is incompatible with host CPU");
        }
        if (sub === "vol-info") throw new RunError("exit-status", "no vol", argv, 1, "error: Storage volume not found");
        if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         4194304 KiB\n";
        if (sub === "domstats") return "Domain: 'other'\n  balloon.current=3145728\n";
        throw new Error(`unexpected ${argv.join(" ")}`);
    };
    const runner: Runner = { run: async (_t, argv, o) => answers(argv, o?.input) };
    it("runs every check and reports each problem", async () => {
        const seen: string[] = [];
        const results = await runPreflight(
            { runner },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
            },
            (r) => seen.push(r.id),
        );
        const by = (id: string) => results.find((r) => r.id === id)!;
        expect(by("reachable").severity).toBe("pass");
        expect(by("same-host")).toMatchObject({ severity: "pass", title: "Different hosts (a → b)" });
        expect(by("cpu")).toMatchObject({ severity: "error", title: "B cannot run CPU model Skylake-Client-IBRS" });
        expect(by("storage:vda")).toMatchObject({ severity: "error" });
        expect(by("storage:sda")).toMatchObject({ severity: "warning" });
        expect(by("devices").severity).toBe("error");
        expect(by("numa")).toMatchObject({
            severity: "warning",
            title: "The VM pins host CPUs 1 and NUMA nodes 0; B's NUMA topology is unknown",
        });
        expect(by("capacity")).toMatchObject({
            severity: "warning",
            title: expect.stringMatching(/5\.0 of 3\.5 GiB guest memory committed with this VM \(143%; policy 100%\)/),
        });
        expect(by("capacity-cpu")).toMatchObject({
            severity: "pass",
            title: "B: 2 vCPUs on 4 CPUs with this VM (50%; policy 400%)",
        });
        expect(by("ports")).toMatchObject({ severity: "pass" });
        expect(by("firewall")).toMatchObject({ severity: "info" });
        expect(by("machine")).toMatchObject({ severity: "pass", title: "Machine type pc-q35-7.2 is available on B" });
        expect(by("network:default")).toMatchObject({ severity: "error", title: "Network default is not active on B" });
        expect(results.some((r) => r.id === "dirtyrate")).toBe(false);
        expect(seen.sort()).toEqual(results.map((r) => r.id).sort());
        expect(worst(results)).toBe("error");
    });
    it("shows both sides' versions; a destination that is not QEMU is an error", async () => {
        const results = await runPreflight(
            { runner },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
            },
        );
        expect(results.find((r) => r.id === "reachable")!.title).toBe(
            "B answers: libvirt 9.0.0, QEMU 7.2.0 (source: libvirt 9.0.0, QEMU 7.2.0)",
        );
        const xen: Runner = {
            run: async (t, argv, o) =>
                argv[3] === "version" && argv[2] === "dst"
                    ? "Using library: libvirt 9.0.0\nRunning hypervisor: Xen 4.17.0\n"
                    : runner.run(t, argv, o),
        };
        const r = (
            await runPreflight(
                { runner: xen },
                {
                    domain: "vm",
                    uuid: uuidOf("vm"),
                    sourceUri: "src",
                    destinationUri: "dst",
                    destinationLabel: "B",
                    options: defaultOptions("shutoff"),
                    live: false,
                },
            )
        ).find((x) => x.id === "reachable");
        expect(r).toMatchObject({ severity: "error", detail: "The destination runs Xen 4.17.0, not QEMU/KVM." });
    });
    it("the same host UUID is an error", async () => {
        const same: Runner = {
            run: async (t, argv, o) =>
                argv[3] === "capabilities"
                    ? "<capabilities><host><uuid>u1</uuid></host></capabilities>"
                    : runner.run(t, argv, o),
        };
        const results = await runPreflight(
            { runner: same },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "src",
                destinationUri: "dst",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
            },
        );
        expect(results.find((r) => r.id === "same-host")).toMatchObject({ severity: "error" });
        expect(results.find((r) => r.id === "machine")).toMatchObject({
            severity: "error",
            title: "B's QEMU does not offer machine type pc-q35-7.2",
        });
    });
});

describe("commands over SSH run as the same user as the migration", () => {
    it("no check asks for the login user's own keys (superuser none) on an SSH target, and a failed sysctl read is not a pass", async () => {
        const calls: { target: RunTarget; argv: readonly string[]; options?: RunOptions }[] = [];
        const B: RunTarget = { kind: "ssh", address: "127.0.0.2", user: "root" },
            A: RunTarget = { kind: "ssh", address: "127.0.0.1", user: "root" };
        const runner: Runner = {
            run: async (target, argv, options) => {
                calls.push({ target, argv, ...(options ? { options } : {}) });
                if (target.kind === "ssh") {
                    if (
                        options?.superuser !== undefined &&
                        options.superuser !== "try" &&
                        options.superuser !== "require"
                    )
                        throw new RunError(
                            "ssh-auth",
                            "Permission denied (publickey)",
                            argv,
                            255,
                            "Permission denied (publickey).",
                        );
                    if (argv[0] === "cat") return "0\n0\n";
                    if (argv[0] === "timeout") return "";
                    return "";
                }
                if (argv[3] === "domstats") return "Domain: 'other'\n  balloon.current=3145728\n";
                if (argv[3] === "nodeinfo") return "CPU(s):              4\nMemory size:         4194304 KiB\n";
                if (argv[3] === "dumpxml") return XML;
                if (argv[3] === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
                if (argv[3] === "capabilities")
                    return `<capabilities><host><uuid>${argv[2]}</uuid></host></capabilities>`;
                if (argv[3] === "hostname") return `${argv[2]}\n`;
                throw new RunError("exit-status", "no", argv, 1, "error: no");
            },
        };
        const results = await runPreflight(
            { runner },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "qemu+ssh://root@127.0.0.1/system",
                destinationUri: "qemu+ssh://root@127.0.0.2/system",
                destinationLabel: "B",
                options: defaultOptions("shutoff"),
                live: false,
                sourceTarget: A,
                destinationTarget: B,
                policy: { ...DEFAULT_POLICY, memoryCommitPercent: 200 },
            },
        );
        const overSsh = calls.filter((c) => c.target.kind === "ssh");
        expect(overSsh.map((c) => c.argv[0])).toEqual(expect.arrayContaining(["cat", "timeout"]));
        for (const c of overSsh)
            expect([undefined, "try", "require"], c.argv.join(" ")).toContain(c.options?.superuser);
        expect(results.find((r) => r.id === "ports")).toMatchObject({ severity: "pass" });
        expect(results.find((r) => r.id === "capacity")!.detail).toMatch(/vm.overcommit_memory=0/);
    });
});

describe("startPreflight: each check has its own timeout and can be cancelled", () => {
    const slow: Runner = {
        run: (_t, argv) =>
            new Promise((resolve, reject) => {
                if (argv[3] === "dumpxml") resolve(XML.replace(/<cputune>.*<\/numatune>/, ""));
                else if (argv[3] === "domdirtyrate-calc") resolve("");
                else if (argv[3] === "domstats" && argv.includes("--dirtyrate"))
                    resolve("Domain: 'vm'\n  dirtyrate.calc_status=1\n");
                else setTimeout(() => reject(new Error("never")), 10_000_000);
            }),
    };
    const liveVm: PreflightInput = {
        domain: "vm",
        uuid: uuidOf("vm"),
        sourceUri: "src",
        destinationUri: "dst",
        destinationLabel: "B",
        options: defaultOptions("running"),
        live: true,
    };
    it("cancelling one check reports it as not checked; the others go on", async () => {
        const pending: string[][] = [];
        const h = startPreflight(
            { runner: slow, sleep: () => new Promise((r) => setTimeout(r, 1)) },
            liveVm,
            undefined,
            (p) => pending.push(p.map((x) => x.id)),
        );
        expect(pending[0]).toContain("dirtyrate");
        h.cancel("dirtyrate");
        await new Promise((r) => setTimeout(r, 20));
        expect(pending.at(-1)).not.toContain("dirtyrate");
        expect(pending.at(-1)).toContain("reachable");
        h.cancel();
        const results = await h.done;
        expect(results.find((r) => r.id === "dirtyrate")).toMatchObject({
            severity: "warning",
            title: expect.stringMatching(/^Dirty rate.*not checked \(cancelled\)$/),
        });
        expect(results.find((r) => r.id === "devices")).toMatchObject({ severity: "error" });
        expect(results.filter((r) => /cancelled/.test(r.title)).length).toBeGreaterThan(3);
    });

    it("cancelling the whole run closes its commands still running (another destination chosen, the dialog closed)", async () => {
        const running = new Map<string, AbortSignal | undefined>();
        const closed: string[] = [];
        const hanging: Runner = {
            run: (_t, argv, o) =>
                new Promise((_resolve, reject) => {
                    const name = argv.join(" ");
                    running.set(name, o?.signal);
                    o?.signal?.addEventListener("abort", () => {
                        closed.push(name);
                        reject(new RunError("cancelled", "Cancelled", argv));
                    });
                }),
        };
        const h = startPreflight({ runner: hanging, sleep: () => new Promise((r) => setTimeout(r, 1)) }, liveVm);
        await new Promise((r) => setTimeout(r, 5));
        expect(running.size).toBeGreaterThan(3);
        // every command of the run can be closed by it, but the dirty-rate measurement: one per VM, shared by the
        // runs for each destination (DirtyRateMeter), it stops with its own signal
        const own = [...running.keys()].filter((n) => !n.includes("domdirtyrate-calc"));
        expect(own.filter((n) => !running.get(n))).toEqual([]);
        h.cancel("reachable");
        expect(closed).toEqual([]); // one check cancelled: its reads may serve the others
        h.cancel();
        await h.done;
        expect(new Set(closed)).toEqual(new Set(own));
    });
});
