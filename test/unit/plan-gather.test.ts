import { describe, expect, it } from "vitest";
import { planEvacuation } from "../../src/plan/placement";
import { moveArgv } from "../../src/plan/run";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import { RunError, type Runner } from "../../pkg/lib/runner";
import { gather, hostRefs, planHosts } from "../../src/plan/gather";
import type { KnownHost } from "../../src/hosts/types";
import type { HostRef } from "../../src/plan/hosts";
import { nameOf, uuidOf } from "./refs";

const policy = { ...DEFAULT_POLICY, hostReserveMiB: 0 };

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
        expect(g2.hosts.map((h) => h.id)).toEqual(["a-again", "b"]);
    });
    it("this host and the known host that is this machine are one host, named This host, whichever is kept", async () => {
        const same = script(() => "Name: only-a\nActive:         yes\n");
        // qemu:///system and the known 127.0.0.1 report one machine; the local one answers as "a"
        const runner: Runner = {
            run: async (t, argv, o) => {
                const uri = argv[2] === "qemu:///system" || argv[2] === "ssh-a" ? "a" : argv[2]!;
                if (argv[3] === "capabilities") return `<capabilities><host><uuid>${uri}</uuid></host></capabilities>`;
                if (argv[3] === "hostname") return `${uri}\n`;
                return same.run(t, [...argv.slice(0, 2), uri, ...argv.slice(3)], o);
            },
        };
        const fleet = [
            { id: "localhost", label: "This host", uri: "qemu:///system", target: null },
            { id: "127.0.0.1", label: "127.0.0.1", uri: "ssh-a", target: null },
            { id: "b", label: "b", uri: "b", target: null },
        ];
        const all = fleet.map((r) => r.id);
        const g = await gather(runner, fleet, all, policy, { copyStorage: false, includeShutOff: false });
        expect(g.refs.map((r) => [r.id, r.label])).toEqual([
            ["localhost", "This host"],
            ["b", "b"],
        ]);
        expect(g.hosts.map((h) => h.label)).toEqual(["This host", "b"]);
        // each VM of the machine once, not once per entry
        expect(g.vms.map((v) => v.name)).toEqual(["db", "web"]);
        const g2 = await gather(runner, fleet, ["127.0.0.1"], policy, { copyStorage: false, includeShutOff: false });
        expect(g2.refs.map((r) => [r.id, r.label])).toEqual([
            ["127.0.0.1", "This host"],
            ["b", "b"],
        ]);
    });
    it("reports each VM as soon as all its moves are checked, before the gathering ends", async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const base = script(() => "Name: only-a\nActive:         yes\n");
        // db's checks (its dumpxml on the destination side) wait until web has been reported
        const runner: Runner = {
            run: async (t, argv, o) => {
                if (argv[3] === "dumpxml" && nameOf(argv[argv.indexOf("--domain") + 1]) === "db") await gate;
                return base.run(t, argv, o);
            },
        };
        const partials: string[][] = [];
        const done = gather(runner, refs, ["a"], policy, {
            copyStorage: false,
            includeShutOff: false,
            onPartial: (p) => {
                partials.push(p.vms.map((v) => v.name));
                if (p.vms.length === 1) release();
            },
        });
        const g = await done;
        // web first, while db's checks still wait; then both, in the order they were found
        expect(partials).toEqual([["web"], ["db", "web"]]);
        expect(g.vms.map((v) => v.name)).toEqual(["db", "web"]);
        // a partial result carries what a plan needs: hosts, domains of its VMs, the verdicts so far
        expect(g.vms.find((v) => v.name === "web")!.blocked).toEqual({});
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

describe("hostRefs", () => {
    it("this host runs its commands here; a known host over SSH as its user, with its migration address", () => {
        const known: KnownHost[] = [
            {
                id: "b",
                address: "b.lab",
                sshUser: "admin",
                sshPort: 2222,
                transport: "ssh",
                migrationAddress: "fd00::2",
            },
        ];
        expect(hostRefs(known)).toEqual([
            { id: "localhost", label: "This host", uri: "qemu:///system", target: { kind: "local" } },
            {
                id: "b",
                label: "b.lab",
                uri: "qemu+ssh://admin@b.lab:2222/system?no_tty=1",
                target: { kind: "ssh", address: "b.lab", user: "admin", port: 2222 },
                migrationAddress: "fd00::2",
            },
        ]);
    });
});

describe("planHosts: one ref per machine", () => {
    it("this machine keeps the migration address its known-host entry names (the Migrate dialog uses it too)", () => {
        const refs: HostRef[] = [
            { id: "localhost", label: "This host", uri: "qemu:///system", target: null },
            {
                id: "127.0.0.1",
                label: "127.0.0.1",
                uri: "qemu+ssh://root@127.0.0.1/system",
                migrationAddress: "10.0.0.1",
                target: null,
            },
            { id: "b", label: "b", uri: "qemu+ssh://root@b/system", target: null },
        ];
        const identities = {
            "qemu:///system": "u1 a",
            "qemu+ssh://root@127.0.0.1/system": "u1 a",
            "qemu+ssh://root@b/system": "u2 b",
        };
        const hosts = planHosts(refs, identities, ["b"]);
        expect(hosts.map((h) => [h.id, h.migrationAddress])).toEqual([
            ["localhost", "10.0.0.1"],
            ["b", undefined],
        ]);
    });
});
