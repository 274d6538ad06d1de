import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { xml2js, type Element } from "xml-js";
import {
    featureMatrix,
    hostModelCpu,
    losses,
    mergeHostCpus,
    parseCompare,
    parseCpu,
    required,
} from "../../src/cpu/hostcpu";
import { cpuOf, lineDiff, replaceCpu, replaceCpuExplained } from "../../src/cpu/definition";
import {
    applyBaseline,
    BACKUP_DIR,
    backupPath,
    computeBaseline,
    restartDomain,
    restoreDefinition,
    validateBaseline,
} from "../../src/cpu/apply";
import {
    appliedLabels,
    parseApplied,
    parseBaselines,
    readApplied,
    recordApplied,
    saveBaseline,
    validateBaselineName,
    APPLIED_PATH,
    BASELINES_PATH,
} from "../../src/cpu/store";
import * as c from "../../src/virsh/cpu";
import { RunError } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { nameOf, ref, uuidOf } from "./refs";
import { MemoryFiles, ScriptedRunner } from "./fakes";
import type { DomainUuid } from "../../src/virsh/argv";

const fx = (name: string) => readFileSync(new URL(`fixtures/cpu/${name}`, import.meta.url), "utf8");
const skylake = hostModelCpu("sky", fx("domcaps-skylake-client.xml"));
const cascade = hostModelCpu("cas", fx("domcaps-cascadelake-server.xml"));
const haswell = hostModelCpu("has", fx("domcaps-haswell.xml"));
const labA = hostModelCpu("127.0.0.1", fx("domcaps-lab-a-qemu.xml"));

describe("host-model CPUs from domcapabilities", () => {
    it("reads model, vendor and features, and writes a <cpu> hypervisor-cpu-baseline takes", () => {
        expect(labA).toMatchObject({ model: "EPYC", vendor: "AMD" });
        expect(labA.features).toContainEqual({ name: "acpi", policy: "require" });
        expect(labA.features).toContainEqual({ name: "vme", policy: "disable" });
        const cpu = parseCpu(labA.xml);
        expect(cpu).toEqual({ model: "EPYC", vendor: "AMD", features: labA.features });
        expect(labA.xml).toMatch(/^<cpu mode="custom" match="exact">/);
        expect(skylake.model).toBe("Skylake-Client-IBRS");
    });
    it("a host without host-model, or another document, is an error", () => {
        expect(() =>
            hostModelCpu(
                "x",
                "<domainCapabilities><cpu><mode name='host-model' supported='no'/></cpu></domainCapabilities>",
            ),
        ).toThrow(/no host-model/);
        expect(() => hostModelCpu("x", "<capabilities/>")).toThrow(/not a domain capabilities/);
    });
    it("merges N hosts into top-level <cpu> elements, one per host, labelled", () => {
        const merged = mergeHostCpus([skylake, cascade, haswell]);
        const doc = xml2js(`<container>${merged}</container>`, { compact: false }) as Element;
        const cpus = doc.elements![0]!.elements!.filter((e) => e.type === "element");
        expect(cpus.map((e) => e.name)).toEqual(["cpu", "cpu", "cpu"]);
        expect(merged).toContain("<!-- sky -->");
        expect(mergeHostCpus([{ ...skylake, host: "a--b" }])).not.toContain("a--b");
    });
    it("the feature × host matrix lists what some host lacks first", () => {
        const m = featureMatrix([skylake, cascade, haswell]);
        const row = (f: string) => m.find((r) => r.feature === f)!.hosts;
        expect(row("acpi")).toEqual([true, true, true]);
        expect(row("clflushopt")).toEqual([true, false, false]);
        expect(row("pcid")).toEqual([false, false, true]);
        expect(m[0]!.hosts.every(Boolean)).toBe(false);
        expect(m.at(-1)!.hosts.every(Boolean)).toBe(true);
        expect(m.find((r) => r.feature === "hle")).toBeUndefined(); // disabled features are not offered
    });
});

describe("baseline results (from the real virsh hypervisor-cpu-baseline of the fixtures)", () => {
    const baseline = parseCpu(fx("baseline-intel3-qemu.xml"));
    it("Skylake + Cascade Lake + Haswell → IvyBridge with features", () => {
        expect(baseline.model).toBe("IvyBridge");
        expect(required(baseline).has("avx2")).toBe(true);
    });
    it("what each host loses relative to its own host-model", () => {
        expect(losses(skylake, baseline)).toMatchObject({ model: "Skylake-Client-IBRS" });
        expect(losses(skylake, baseline).features).toContain("clflushopt");
        expect(losses(cascade, baseline).features).toContain("umip");
        expect(losses(labA, parseCpu(fx("baseline-lab-qemu.xml")))).toEqual({
            model: null,
            features: expect.any(Array),
        });
    });
    it("compare verdicts with libvirt's reason", () => {
        expect(
            parseCompare(
                "CPU described in /dev/stdin is identical to the CPU provided by hypervisor on the host\n",
                true,
            ),
        ).toMatchObject({ verdict: "identical" });
        expect(
            parseCompare(
                "CPU described in /dev/stdin is a superset of the CPU provided by hypervisor on the host\n",
                true,
            ),
        ).toMatchObject({ verdict: "superset" });
        expect(
            parseCompare(
                "error: Failed to compare hypervisor CPU with /dev/stdin\nerror: the CPU is incompatible with host CPU: host CPU vendor does not match required CPU vendor Intel\n",
                false,
            ),
        ).toEqual({
            verdict: "incompatible",
            reason: "the CPU is incompatible with host CPU: host CPU vendor does not match required CPU vendor Intel",
        });
    });
});

describe("replacing a domain's <cpu>", () => {
    const baselineXml = fx("baseline-intel3-qemu.xml");
    const others = (xml: string) =>
        (xml2js(xml, { compact: false }) as Element)
            .elements!.find((e) => e.name === "domain")!
            .elements!.filter((e) => e.type === "element" && e.name !== "cpu");
    for (const f of ["domain-lab-dirty.xml", "domain-lab-disk.xml", "domain-numa.xml", "domain-passthrough.xml"]) {
        it(`${f}: only the CPU model and features change; everything else round-trips`, () => {
            const before = fx(f);
            const after = replaceCpu(before, baselineXml);
            expect(others(after)).toEqual(others(before));
            const cpu = parseCpu(cpuOf(after)!);
            expect(cpu.model).toBe("IvyBridge");
            expect(cpu.features).toEqual(parseCpu(baselineXml).features);
            // applying twice gives the same document
            expect(replaceCpu(after, baselineXml)).toBe(after);
        });
    }
    it("keeps the CPU's topology, cache and NUMA cells", () => {
        const numa = fx("domain-numa.xml").replace("<cache mode='passthrough'/>", "<cache level='3' mode='emulate'/>");
        const after = cpuOf(replaceCpu(numa, baselineXml))!;
        expect(after).toContain('<topology sockets="2" dies="1" cores="2" threads="1"/>');
        expect(after).toContain('<cache level="3" mode="emulate"/>');
        expect(after).toContain('<cell id="1" cpus="2-3" memory="4194304" unit="KiB"/>');
        expect(after).toMatch(
            /^<cpu mode="custom" check="partial" match="exact">|^<cpu mode="custom" match="exact" check="partial">/,
        );
    });
    it("a host-passthrough CPU (issue 17 item 5): what mode='custom' refuses is left out, and said", () => {
        // fixtures/cpu/domain-passthrough.xml: virt-manager's migratable='on', plus cache and maxphysaddr passthrough
        const after = replaceCpu(fx("domain-passthrough.xml"), baselineXml);
        const cpu = (xml2js(cpuOf(after)!, { compact: false }) as Element).elements![0]!;
        expect(cpu.attributes).toEqual({ mode: "custom", match: "exact", check: "partial" });
        expect(cpu.elements!.filter((e) => e.type === "element").map((e) => e.name)).not.toContain("cache");
        expect(cpu.elements!.filter((e) => e.type === "element").map((e) => e.name)).not.toContain("maxphysaddr");
        expect(cpuOf(after)).toContain('<topology sockets="1" dies="1" cores="2" threads="1"/>');
        const { dropped } = replaceCpuExplained(fx("domain-passthrough.xml"), baselineXml);
        expect(dropped).toEqual([
            expect.stringMatching(/^migratable='on'/),
            expect.stringMatching(/^<cache mode='passthrough'\/>/),
            expect.stringMatching(/^<maxphysaddr mode='passthrough'\/>/),
        ]);
        // what custom allows stays: an emulated cache and a fixed address width
        const emulated = fx("domain-passthrough.xml")
            .replace("<cache mode='passthrough'/>", "<cache level='3' mode='emulate'/>")
            .replace("<maxphysaddr mode='passthrough' limit='39'/>", "<maxphysaddr mode='emulate' bits='39'/>");
        const kept = replaceCpuExplained(emulated, baselineXml);
        expect(kept.dropped).toEqual([expect.stringMatching(/^migratable/)]);
        expect(cpuOf(kept.xml)).toContain('<cache level="3" mode="emulate"/>');
        expect(cpuOf(kept.xml)).toContain('<maxphysaddr mode="emulate" bits="39"/>');
    });
    it("a domain without <cpu> gets one; a diff shows the change", () => {
        const bare = "<domain type='qemu'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices/></domain>";
        const after = replaceCpu(bare, baselineXml);
        expect(cpuOf(after)).toContain("IvyBridge");
        const d = lineDiff("a\nb\nc", "a\nB\nc");
        expect(d).toEqual([
            { kind: " ", line: "a" },
            { kind: "+", line: "B" },
            { kind: "-", line: "b" },
            { kind: " ", line: "c" },
        ]);
    });
});

describe("argv", () => {
    it("documents travel on standard input; names are option values", () => {
        expect(
            c.hypervisorCpuBaseline("qemu:///system", { virttype: "qemu", features: true, migratable: true }),
        ).toEqual([
            "virsh",
            "-c",
            "qemu:///system",
            "hypervisor-cpu-baseline",
            "--virttype",
            "qemu",
            "--features",
            "--migratable",
            "--file",
            "/dev/stdin",
        ]);
        expect(c.cpuCompare("u", "kvm")).toEqual([
            "virsh",
            "-c",
            "u",
            "hypervisor-cpu-compare",
            "--virttype",
            "kvm",
            "--error",
            "--file",
            "/dev/stdin",
        ]);
        const vm = uuidOf("vm");
        expect(c.start("u", vm).slice(-2)).toEqual(["--domain", vm]);
        expect(c.shutdown("u", vm).slice(-2)).toEqual(["--domain", vm]);
        // a name never reaches --domain, whatever it is: only a UUID does
        for (const s of HOSTILE)
            expect(() => c.start("u", s as DomainUuid), JSON.stringify(s)).toThrow(/Not a domain UUID/);
        expect(() => c.destroy("u", "a\0b" as DomainUuid)).toThrow();
    });
    it("backup file names encode the domain name: never a path", () => {
        for (const s of HOSTILE.filter((h) => h !== "")) {
            const p = backupPath(s, 0);
            expect(p.startsWith("/var/lib/cockpit-migrate/cpu-backups/")).toBe(true);
            expect(p.slice("/var/lib/cockpit-migrate/cpu-backups/".length)).not.toMatch(/\/|^\.\.?-/);
        }
    });
});

/** A scripted runner: answers by subcommand; records calls. */
function scripted(answer: (argv: readonly string[], input?: string) => string) {
    const runner = new ScriptedRunner(() => answer);
    return { runner, calls: runner.calls };
}

function memoryFiles() {
    const store = new MemoryFiles();
    return { files: store.files, store };
}

describe("the wizard's actions with a scripted runner", () => {
    it("baseline on a chosen host from the merged document; validation on every host", async () => {
        const { runner, calls } = scripted((argv, input) => {
            if (argv[3] === "hypervisor-cpu-baseline") {
                expect(input).toContain("Skylake");
                return fx("baseline-intel3-qemu.xml");
            }
            if (argv[2] === "b")
                throw new RunError(
                    "exit-status",
                    "x",
                    argv,
                    1,
                    "error: Failed to compare hypervisor CPU with /dev/stdin\nerror: the CPU is incompatible with host CPU: Host CPU does not provide required features: avx2\n",
                );
            return "CPU described in /dev/stdin is a superset of the CPU provided by hypervisor on the host\n";
        });
        const b = await computeBaseline(runner, { label: "A", uri: "a" }, [skylake, cascade], { features: true });
        expect(b.model).toBe("IvyBridge");
        expect(calls[0]!.argv).toContain("--features");
        const v = await validateBaseline(
            runner,
            [
                { label: "A", uri: "a" },
                { label: "B", uri: "b" },
            ],
            b.xml,
        );
        expect(v.map((x) => x.verdict)).toEqual(["superset", "incompatible"]);
        expect(v[1]!.reason).toBe(
            "the CPU is incompatible with host CPU: Host CPU does not provide required features: avx2",
        );
    });
    it("apply: each VM backed up then defined; a failing define is reported and does not stop the others; restore defines the backup", async () => {
        const defined: string[] = [];
        const modes: string[] = [];
        const { runner } = scripted((argv, input) => {
            if (argv[3] === "dumpxml") {
                // read with the secure fields: the result is defined again
                expect(argv).toEqual(expect.arrayContaining(["--inactive", "--security-info"]));
                return fx(nameOf(argv[5]) === "numa" ? "domain-numa.xml" : "domain-lab-disk.xml");
            }
            if (argv[0] === "mkdir" || argv[0] === "chmod") {
                modes.push(argv.join(" "));
                return "";
            }
            if (argv[3] === "define") {
                if (input!.includes("db-server") && defined.length === 1)
                    throw new RunError("exit-status", "x", argv, 1, "error: unsupported configuration: bad cpu");
                defined.push(input!);
                return "Domain defined";
            }
            throw new Error(argv.join(" "));
        });
        const { store, files } = memoryFiles();
        let t = 1000;
        const r = await applyBaseline(
            runner,
            store,
            "qemu:///system",
            ["lab-disk", "numa", "other"].map(ref),
            fx("baseline-intel3-qemu.xml"),
            () => t++,
        );
        // backups hold secrets: a 0700 directory, files 0600
        expect(modes).toContain(`chmod 700 -- ${BACKUP_DIR}`);
        expect(modes).toContain(`chmod 600 -- ${r[0]!.backup}`);
        expect(r.map((x) => x.ok)).toEqual([true, false, true]);
        expect(r[1]).toMatchObject({ domain: "numa", error: "error: unsupported configuration: bad cpu" });
        expect(r[1]!.backup).toMatch(/cpu-backups\/numa-/);
        expect(files.get(r[0]!.backup!)!.content).toBe(fx("domain-lab-disk.xml"));
        expect(defined[0]).toContain("IvyBridge");
        await restoreDefinition(runner, store, "qemu:///system", r[0]!.backup!);
        expect(defined.at(-1)).toBe(fx("domain-lab-disk.xml"));
        await expect(restoreDefinition(runner, store, "u", "/nope")).rejects.toThrow(/no longer exists/);
    });
    it("restart: graceful shutdown, waits with a countdown, forces off only when allowed, starts", async () => {
        let state = "running",
            polls = 0;
        const phases: string[] = [];
        const { runner, calls } = scripted((argv) => {
            if (argv[3] === "domstate") {
                if (state === "stopping" && ++polls > 2) state = "shut off";
                return `${state === "stopping" ? "running" : state} (x)\n`;
            }
            if (argv[3] === "shutdown") {
                state = "stopping";
                return "";
            }
            if (argv[3] === "start") {
                state = "running";
                return "";
            }
            if (argv[3] === "destroy") {
                state = "shut off";
                return "";
            }
            throw new Error(argv.join(" "));
        });
        let clock = 0;
        await restartDomain(runner, "u", ref("vm"), {
            timeoutMs: 10_000,
            force: false,
            sleep: async (ms) => {
                clock += ms;
            },
            now: () => clock,
            onPhase: (p) => phases.push(p),
        });
        expect(calls.map((x) => x.argv[3])).toEqual([
            "domstate",
            "shutdown",
            "domstate",
            "domstate",
            "domstate",
            "start",
        ]);
        expect(phases.at(-1)).toBe("running");
        // a guest that ignores the shutdown: refused without force, forced off with it
        const stubborn = scripted((argv) => (argv[3] === "domstate" ? "running (booted)\n" : ""));
        await expect(
            restartDomain(stubborn.runner, "u", ref("vm"), {
                timeoutMs: 2000,
                force: false,
                sleep: async (ms) => {
                    clock += ms;
                },
                now: () => clock,
            }),
        ).rejects.toThrow(/did not shut down within 2 s; it still runs with its old CPU/);
        await restartDomain(stubborn.runner, "u", ref("vm"), {
            timeoutMs: 2000,
            force: true,
            sleep: async (ms) => {
                clock += ms;
            },
            now: () => clock,
        });
        expect(stubborn.calls.map((x) => x.argv[3])).toContain("destroy");
        expect(stubborn.calls.at(-1)!.argv[3]).toBe("start");
    });
});

describe("saved baselines", () => {
    it("named, replaced by name, tag-checked; a damaged file is an error", async () => {
        const { store, files } = memoryFiles();
        await saveBaseline(store, {
            name: "cluster-2026",
            hosts: ["a", "b"],
            xml: "<cpu/>",
            model: "EPYC",
            savedAt: 1,
        });
        await saveBaseline(store, {
            name: "cluster-2026",
            hosts: ["a", "b", "c"],
            xml: "<cpu/>",
            model: "EPYC",
            savedAt: 2,
        });
        expect(parseBaselines(files.get(BASELINES_PATH)!.content)).toEqual([
            { name: "cluster-2026", hosts: ["a", "b", "c"], xml: "<cpu/>", model: "EPYC", savedAt: 2 },
        ]);
        expect(() => parseBaselines("{")).toThrow(/not valid JSON/);
        expect(validateBaselineName("../x")).not.toBeNull();
        expect(validateBaselineName("cluster 2026")).toBeNull();
        await expect(
            saveBaseline(store, { name: "-x", hosts: [], xml: "", model: null, savedAt: 0 }),
        ).rejects.toThrow();
    });
});

describe("which VMs use which baseline", () => {
    it("recorded per host and VM, replaced on a new apply, forgotten on restore", async () => {
        const { store, files } = memoryFiles();
        await recordApplied(store, "qemu:///system", ["a", "b"], { baseline: null, model: "EPYC" }, 1);
        await recordApplied(store, "qemu:///system", ["b"], { baseline: "cluster-2026", model: "EPYC" }, 2);
        await recordApplied(store, "qemu+tcp://h/system", ["a"], { baseline: null, model: "IvyBridge" }, 3);
        expect([...appliedLabels(await readApplied(store), "qemu:///system")]).toEqual([
            ["a", "CPU baseline EPYC"],
            ["b", "CPU baseline cluster-2026"],
        ]);
        await recordApplied(store, "qemu:///system", ["a"], null);
        expect([...appliedLabels(await readApplied(store), "qemu:///system")]).toEqual([
            ["b", "CPU baseline cluster-2026"],
        ]);
        expect(parseApplied(files.get(APPLIED_PATH)!.content)).toHaveLength(2);
        expect(() => parseApplied("{")).toThrow(/not valid JSON/);
    });
});
