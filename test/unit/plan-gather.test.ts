import { describe, expect, it } from "vitest";
import { planEvacuation, planRebalance, limits, type PlanHost, type PlanVm } from "../../src/plan/placement";
import { moveArgv, planScript, runPlan, type MoveStatus } from "../../src/plan/run";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import type { Domain } from "../../src/domains/types";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { gather } from "../../src/plan/gather";
import { HOSTILE } from "./hostile";
import { nameOf, uuidOf } from "./refs";
import { MemoryFiles } from "./fakes";

const GiB = 1048576;
const host = (id: string, memGiB: number, committedGiB = 0, cpus = 4): PlanHost => ({
    id,
    label: id,
    uri: `qemu+ssh://root@${id}/system`,
    memoryKiB: memGiB * GiB,
    cpus,
    committedKiB: committedGiB * GiB,
    committedVcpus: 0,
});
const vm = (
    name: string,
    hostId: string,
    memGiB: number,
    blocked: Record<string, string> = {},
    running = true,
): PlanVm => ({ name, uuid: uuidOf(name), hostId, running, memoryKiB: memGiB * GiB, vcpus: 1, blocked });
const policy = { ...DEFAULT_POLICY, hostReserveMiB: 0 };

describe("evacuation placement", () => {
    it("largest first, each to the host with the most headroom; deterministic", () => {
        const hosts = [host("a", 16, 7), host("b", 8), host("c", 8, 2)];
        const vms = [vm("small", "a", 1), vm("big", "a", 4), vm("mid", "a", 2)];
        const p = planEvacuation("a", hosts, vms, policy);
        expect(p.moves.map((m) => `${m.vm}→${m.to}`)).toEqual(["big→b", "mid→c", "small→b"]);
        expect(planEvacuation("a", hosts, [...vms].reverse(), policy)).toEqual(p);
        expect(p.after.find((u) => u.hostId === "a")!.memoryKiB).toBe(0);
        expect(p.after.find((u) => u.hostId === "b")!.memoryKiB).toBe(5 * GiB);
    });
    it("a VM that cannot move anywhere is listed with every host's reason", () => {
        const p = planEvacuation(
            "a",
            [host("a", 16), host("b", 8), host("c", 8)],
            [
                vm("gpu", "a", 1, {
                    b: "Devices that cannot migrate: pci 0000:01:00.0",
                    c: "Devices that cannot migrate: pci 0000:01:00.0",
                }),
                vm("ok", "a", 1),
            ],
            policy,
        );
        expect(p.moves.map((m) => m.vm)).toEqual(["ok"]);
        expect(p.unmovable).toEqual([
            {
                vm: "gpu",
                reason: "b: Devices that cannot migrate: pci 0000:01:00.0; c: Devices that cannot migrate: pci 0000:01:00.0",
            },
        ]);
    });
    it("the policy limits what a host takes, counting the plan's own earlier moves", () => {
        const p = planEvacuation("a", [host("a", 16), host("b", 4)], [vm("x", "a", 3), vm("y", "a", 2)], policy);
        expect(p.moves.map((m) => m.vm)).toEqual(["x"]);
        expect(p.unmovable[0]).toMatchObject({
            vm: "y",
            reason: expect.stringMatching(/b: not enough memory under the policy \(1\.0 GiB free, 2\.0 GiB needed\)/),
        });
        expect(
            planEvacuation("a", [host("a", 16), host("b", 4)], [vm("y", "a", 2)], {
                ...policy,
                memoryCommitPercent: 25,
            }).unmovable,
        ).toHaveLength(1);
        expect(limits(host("b", 4), { ...policy, hostReserveMiB: 1024 }).memoryKiB).toBe(3 * GiB);
    });
    it("shut-off VMs move only when asked, and take no room", () => {
        const hosts = [host("a", 8), host("b", 1)];
        expect(planEvacuation("a", hosts, [vm("off", "a", 4, {}, false)], policy).moves).toEqual([]);
        expect(planEvacuation("a", hosts, [vm("off", "a", 4, {}, false)], policy, true).moves).toEqual([
            { vm: "off", uuid: uuidOf("off"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
        ]);
    });
});

describe("rebalance", () => {
    it("moves VMs from the fullest host to the emptiest while the spread shrinks", () => {
        const hosts = [host("a", 8, 6), host("b", 8, 0), host("c", 8, 2)];
        const vms = [vm("v1", "a", 2), vm("v2", "a", 2), vm("v3", "a", 2), vm("w", "c", 2)];
        const p = planRebalance(hosts, vms, policy);
        const ratios = p.after.map((u) => u.ratio);
        expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(
            Math.max(...p.before.map((u) => u.ratio)) - Math.min(...p.before.map((u) => u.ratio)),
        );
        expect(p.moves[0]).toMatchObject({ from: "a", to: "b" });
        expect(planRebalance(hosts, vms, policy)).toEqual(p);
    });
    it("balanced hosts: nothing to do", () => {
        expect(
            planRebalance([host("a", 8, 2), host("b", 8, 2)], [vm("x", "a", 2), vm("y", "b", 2)], policy).moves,
        ).toEqual([]);
    });
});

describe("running a plan", () => {
    const refs = [
        { id: "a", label: "A", uri: "qemu:///system", target: null },
        { id: "b", label: "B", uri: "qemu+ssh://root@b/system", target: null, migrationAddress: "10.0.0.2" },
    ];
    const domains: Domain[] = ["x", "y", "z"].map((name) => ({
        name,
        uuid: uuidOf(name),
        state: "running",
        memoryKiB: 1,
        maxMemoryKiB: 1,
        vcpus: 1,
        persistent: true,
        autostart: false,
    }));
    it("the script has one quoted virsh migrate per move", () => {
        const s = planScript(
            [{ vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 }],
            refs,
            domains,
            null,
        );
        expect(s).toContain(
            `virsh -c qemu:///system migrate --live --persistent --undefinesource --migrateuri tcp://10.0.0.2 --listen-address 10.0.0.2 --domain ${uuidOf("x")} --desturi qemu+ssh://root@b/system`,
        );
        // the VM is addressed by its UUID; its name, whatever it is, never reaches the command
        for (const name of HOSTILE.filter((h) => h && !h.includes("\0") && !/[\uD800-\uDFFF]/.test(h))) {
            const argv = moveArgv(
                { vm: name, uuid: uuidOf(name), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
                refs,
                domains,
                null,
            );
            expect(argv[argv.indexOf("--domain") + 1]).toBe(uuidOf(name));
            if (!argv.includes(name)) continue;
            // only where a constant of the command happens to be the same string (a hostile "--domain", say)
            expect(
                moveArgv(
                    { vm: "x", uuid: uuidOf(name), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
                    refs,
                    domains,
                    null,
                ),
            ).toContain(name);
        }
    });
    it("a VM that starts at boot: the script turns autostart on on the destination after its move (issue 17 item 1)", () => {
        const auto = domains.map((d) => (d.name === "y" ? { ...d, autostart: true } : d));
        const s = planScript(
            [
                { vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
                { vm: "y", uuid: uuidOf("y"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
            ],
            refs,
            auto,
            null,
        );
        const lines = s
            .trim()
            .split("\n")
            .slice(3)
            .filter((l) => !l.startsWith("#"));
        expect(lines).toHaveLength(3);
        expect(lines[1]).toContain(
            `migrate --live --persistent --undefinesource --migrateuri tcp://10.0.0.2 --listen-address 10.0.0.2 --domain ${uuidOf("y")} `,
        );
        expect(lines[2]).toBe(`virsh -c qemu+ssh://root@b/system autostart --domain ${uuidOf("y")}`);
    });
    it("an IPv6 migration address is bracketed in --migrateuri, bare in --listen-address (issue 17 item 8)", () => {
        const v6 = [refs[0]!, { ...refs[1]!, migrationAddress: "fd00::2" }];
        const argv = moveArgv(
            { vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
            v6,
            domains,
            null,
        );
        expect(argv[argv.indexOf("--migrateuri") + 1]).toBe("tcp://[fd00::2]");
        expect(argv[argv.indexOf("--listen-address") + 1]).toBe("fd00::2");
    });
    it("one at a time per source; stops at the first failure and reports the rest as skipped", async () => {
        const started: string[] = [];
        let concurrent = 0,
            max = 0;
        const store = new MemoryFiles();
        const jobs = new Map<string, number>();
        const runner: Runner = {
            run: async (_t, argv) => {
                if (argv[0] === "setsid") {
                    const dom = nameOf(argv[argv.indexOf("--domain") + 1])!;
                    started.push(dom);
                    concurrent++;
                    max = Math.max(max, concurrent);
                    jobs.set(argv[6]!, 0);
                    return "";
                }
                if (argv[0] === "sh" && argv.join(" ").includes("status")) {
                    const dir = argv[argv.length - 1]!;
                    const k = (jobs.get(dir) ?? 0) + 1;
                    jobs.set(dir, k);
                    if (k < 2) return "running\x1e\x1e";
                    concurrent--;
                    return started.at(-1) === "y"
                        ? "status 1\x1e\x1eerror: internal error: boom\n"
                        : "status 0\x1e\x1e";
                }
                if (argv[3] === "domstate") return "running (migrated)\n";
                if (argv[3] === "dominfo") return "Persistent:     yes\n";
                return "";
            },
        };
        const updates: MoveStatus[][] = [];
        const moves = ["x", "y", "z"].map((name) => ({
            vm: name,
            uuid: uuidOf(name),
            from: "a",
            to: "b",
            memoryKiB: 0,
            vcpus: 0,
        }));
        const final = await runPlan(
            { runner, files: store, sleep: async () => undefined },
            refs,
            domains,
            moves,
            { perSource: 1, stopOnFailure: true, copies: null, user: "root" },
            { paused: false, cancelled: false },
            (s) => updates.push(s),
        );
        expect(max).toBe(1);
        expect(final.map((s) => s.state)).toEqual(["completed", "failed", "skipped"]);
        expect(final[2]!.message).toBe("Not started: an earlier move failed");
        expect(started).toEqual(["x", "y"]);
    });
});

describe("gather: the checks that decide a move", () => {
    const XMLS: Record<string, string> = {
        web: "<domain type='qemu'><name>web</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu><devices><interface type='network'><source network='only-a'/></interface></devices></domain>",
        db: "<domain type='qemu'><name>db</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu></domain>",
    };
    const script = (netInfo: (uri: string, calls: number) => string): Runner => {
        const seen = new Map<string, number>();
        return {
            run: async (_t, argv) => {
                const uri = argv[2]!,
                    sub = argv[3]!;
                const n = (seen.get(`${uri} ${sub}`) ?? 0) + 1;
                seen.set(`${uri} ${sub}`, n);
                if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         8388608 KiB\n";
                if (sub === "domstats" && argv.includes("--list-active"))
                    return uri === "a"
                        ? "Domain: 'web'\n  balloon.current=65536\nDomain: 'db'\n  balloon.current=65536\n"
                        : "";
                if (sub === "domstats")
                    return uri === "a"
                        ? "Domain: 'web'\n  state.state=1\n  balloon.current=65536\n  balloon.maximum=65536\n  vcpu.current=1\nDomain: 'db'\n  state.state=1\n  balloon.current=65536\n  balloon.maximum=65536\n  vcpu.current=1\n"
                        : "";
                if (sub === "list" && argv.includes("--name"))
                    return uri === "a"
                        ? `${uuidOf("web")} ${"web".padEnd(30)}\n${uuidOf("db")} ${"db".padEnd(30)}\n`
                        : "";
                if (sub === "list")
                    return argv.includes("--persistent") && uri === "a" ? `${uuidOf("web")}\n${uuidOf("db")}\n` : "";
                if (sub === "dumpxml") return XMLS[nameOf(argv[argv.indexOf("--domain") + 1])!]!;
                if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
                if (sub === "capabilities") return `<capabilities><host><uuid>${uri}</uuid></host></capabilities>`;
                if (sub === "hostname") return `${uri}\n`;
                if (sub === "net-info") return netInfo(uri, n);
                throw new Error(`unexpected ${argv.join(" ")}`);
            },
        };
    };
    const refs = ["a", "b"].map((id) => ({ id, label: id, uri: id, target: null }));
    it("an error on a destination blocks that move; a check that could not run is asked again, then blocks", async () => {
        const g = await gather(
            script(() => {
                throw new RunError("exit-status", "x", [], 1, "error: Network not found");
            }),
            refs,
            ["a"],
            policy,
            { copyStorage: false, includeShutOff: false },
        );
        expect(g.vms.find((v) => v.name === "web")!.blocked["b"]).toBe("Network only-a does not exist on b");
        expect(g.vms.find((v) => v.name === "db")!.blocked, JSON.stringify(g.vms)).toEqual({});
        // the first answer fails in a way that is no verdict, the retry answers
        const flaky = script((_u, n) => {
            if (n === 1) throw new Error("bridge gone");
            return "Name: only-a\nActive:         yes\n";
        });
        const g2 = await gather(flaky, refs, ["a"], policy, { copyStorage: false, includeShutOff: false });
        expect(g2.vms.find((v) => v.name === "web")!.blocked).toEqual({});
        // never answers with a verdict: the move is not planned, and says why
        const broken = script(() => {
            throw new Error("bridge gone");
        });
        const g3 = await gather(broken, refs, ["a"], policy, { copyStorage: false, includeShutOff: false });
        expect(g3.vms.find((v) => v.name === "web")!.blocked["b"]).toMatch(
            /^not checked: Network only-a: could not be checked$/,
        );
        expect(planEvacuation("a", g3.hosts, g3.vms, policy).unmovable.map((u) => u.vm)).toEqual(["web"]);
    });
    it("this host listed again under its address is one machine: not a second destination, not counted twice", async () => {
        // "a" and "a-again" report the same host UUID and name (capabilities and hostname answer the URI's first
        // letter)
        const same = script(() => "Name: only-a\nActive:         yes\n");
        const runner: Runner = {
            run: async (t, argv, o) =>
                argv[3] === "capabilities"
                    ? `<capabilities><host><uuid>${argv[2]![0]}</uuid></host></capabilities>`
                    : argv[3] === "hostname"
                      ? `${argv[2]![0]}\n`
                      : same.run(t, argv[2] === "a-again" ? [...argv.slice(0, 2), "b", ...argv.slice(3)] : argv, o),
        };
        const three = [...refs, { id: "a-again", label: "127.0.0.1", uri: "a-again", target: null }];
        const g = await gather(runner, three, ["a"], policy, { copyStorage: false, includeShutOff: false });
        expect(g.hosts.map((h) => h.id)).toEqual(["a", "b"]);
        expect(Object.keys(g.vms.find((v) => v.name === "web")!.blocked)).toEqual([]);
        // evacuating the host under its other name keeps that one, and drops this host's own entry
        const g2 = await gather(runner, three, ["a-again"], policy, { copyStorage: false, includeShutOff: false });
        expect(g2.hosts.map((h) => h.id)).toEqual(["b", "a-again"]);
    });
});

describe("a plan that copies disks (issue 17 item 3)", () => {
    const XMLS: Record<string, string> = {
        // vda on storage both hosts see, vdb only on this host
        db:
            "<domain type='qemu'><name>db</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu><devices>" +
            "<disk type='file' device='disk'><source file='/shared/db.qcow2'/><target dev='vda'/></disk>" +
            "<disk type='file' device='disk'><source file='/local/db-data.qcow2'/><target dev='vdb'/></disk></devices></domain>",
        web:
            "<domain type='qemu'><name>web</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu><devices>" +
            "<disk type='file' device='disk'><source file='/shared/web.qcow2'/><target dev='vda'/></disk></devices></domain>",
    };
    const runner: Runner = {
        run: async (_t, argv) => {
            const uri = argv[2]!,
                sub = argv[3]!;
            if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         8388608 KiB\n";
            if (sub === "domstats" && argv.includes("--list-active")) return "";
            if (sub === "domstats")
                return uri === "a"
                    ? "Domain: 'db'\n  state.state=1\n  balloon.current=65536\n  balloon.maximum=65536\n  vcpu.current=1\nDomain: 'web'\n  state.state=1\n  balloon.current=65536\n  balloon.maximum=65536\n  vcpu.current=1\n"
                    : "";
            if (sub === "list" && argv.includes("--name"))
                return uri === "a" ? `${uuidOf("db")} db\n${uuidOf("web")} web\n` : "";
            if (sub === "list")
                return argv.includes("--persistent") && uri === "a" ? `${uuidOf("db")}\n${uuidOf("web")}\n` : "";
            if (sub === "dumpxml") return XMLS[nameOf(argv[argv.indexOf("--domain") + 1])!]!;
            if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
            if (sub === "capabilities") return `<capabilities><host><uuid>${uri}</uuid></host></capabilities>`;
            if (sub === "hostname") return `${uri}\n`;
            if (sub === "vol-info") {
                const path = argv[argv.indexOf("--vol") + 1]!;
                if (path.startsWith("/shared/")) return `Name:           ${path}\nType:           file\n`;
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    `error: failed to get vol '${path}', specifying --pool might help\nerror: Storage volume not found: no storage vol with matching path '${path}'`,
                );
            }
            throw new Error(`unexpected ${argv.join(" ")}`);
        },
    };
    const refs = ["a", "b"].map((id) => ({ id, label: id, uri: id, target: null }));
    it("each move copies exactly the disks its destination cannot see; a VM on shared storage copies nothing", async () => {
        const g = await gather(runner, refs, ["a"], policy, { copyStorage: true, includeShutOff: false });
        const db = g.vms.find((v) => v.name === "db")!;
        expect(db.blocked).toEqual({});
        expect(db.copyDisks).toEqual({ b: ["vdb"] });
        expect(g.vms.find((v) => v.name === "web")!.copyDisks).toEqual({ b: [] });
        const argvDb = moveArgv(
            { vm: "db", uuid: uuidOf("db"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
            refs,
            g.domains,
            g.vms,
        );
        expect(argvDb).toContain("--copy-storage-all");
        expect(argvDb[argvDb.indexOf("--migrate-disks") + 1]).toBe("vdb");
        const argvWeb = moveArgv(
            { vm: "web", uuid: uuidOf("web"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
            refs,
            g.domains,
            g.vms,
        );
        expect(argvWeb).not.toContain("--copy-storage-all");
        expect(argvWeb).not.toContain("--migrate-disks");
    });
    it("without copying, a disk the destination cannot see blocks the move", async () => {
        const g = await gather(runner, refs, ["a"], policy, { copyStorage: false, includeShutOff: false });
        expect(g.vms.find((v) => v.name === "db")!.blocked["b"]).toBe("vdb: /local/db-data.qcow2 is not visible on b");
        expect(g.vms.find((v) => v.name === "web")!.blocked).toEqual({});
    });
});
