import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { hostModelCpu } from "../../src/cpu/hostcpu";
import {
    applyBaseline,
    BACKUP_DIR,
    computeBaseline,
    restartDomain,
    restoreDefinition,
    validateBaseline,
} from "../../src/cpu/apply";
import { RunError } from "../../pkg/lib/runner";
import { nameOf, ref } from "./refs";
import { MemoryFiles, ScriptedRunner } from "./fakes";

const fx = (name: string) => readFileSync(new URL(`fixtures/cpu/${name}`, import.meta.url), "utf8");
const skylake = hostModelCpu("sky", fx("domcaps-skylake-client.xml"));
const cascade = hostModelCpu("cas", fx("domcaps-cascadelake-server.xml"));

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
