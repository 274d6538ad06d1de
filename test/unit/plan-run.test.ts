import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moveArgv, planScript, runPlan, type MoveStatus } from "../../src/plan/run";
import type { Domain } from "../../src/domains/types";
import type { Runner } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";
import { nameOf, uuidOf } from "./refs";
import { MemoryFiles } from "./fakes";

/** A running, persistent 1-vCPU VM named `name` (its UUID from refs.ts). */
const runningDomain = (name: string): Domain => ({
    name,
    uuid: uuidOf(name),
    state: "running",
    memoryKiB: 1,
    maxMemoryKiB: 1,
    vcpus: 1,
    persistent: true,
    autostart: false,
});

describe("running a plan", () => {
    const refs = [
        { id: "a", label: "A", uri: "qemu:///system", target: null },
        { id: "b", label: "B", uri: "qemu+ssh://root@b/system", target: null, migrationAddress: "10.0.0.2" },
    ];
    const domains: Domain[] = ["x", "y", "z"].map(runningDomain);
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

describe("a running plan learns each move's end from its job, as the progress card does (issue 24 item 3)", () => {
    it("the job's lock tells the end while the status poll still reads it running; a failed read is said and read again", async () => {
        const refs = [
            { id: "a", label: "A", uri: "qemu:///system", target: null },
            { id: "b", label: "B", uri: "qemu+ssh://root@b/system", target: null },
        ];
        let reads = 0;
        const runner: Runner = {
            run: async (_t, argv) => {
                if (argv[0] === "setsid") return "";
                // waitJobArgv: answers once the job's shell has exited (here: at once)
                if (argv[0] === "sh" && argv.length === 6) return "status 0\x1e\x1e";
                // readJobArgv: the poll never sees the end, and its first read fails
                if (argv[0] === "sh") {
                    if (reads++ === 0) throw new Error("ssh: connection reset");
                    return "running\x1e\x1e";
                }
                if (argv[3] === "domstate") return "running (migrated)\n";
                if (argv[3] === "dominfo") return "Persistent:     yes\n";
                return "";
            },
        };
        const updates: MoveStatus[][] = [];
        const final = await runPlan(
            { runner, files: new MemoryFiles(), sleep: () => new Promise((r) => setTimeout(r, 5)) },
            refs,
            [runningDomain("x")],
            [{ vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 }],
            { perSource: 1, stopOnFailure: true, copies: null, user: "root" },
            { paused: false, cancelled: false },
            (s) => updates.push(s),
        );
        expect(final.map((s) => s.state)).toEqual(["completed"]);
        expect(final[0]!.record?.outcome).toBe("completed");
        expect(updates.some((u) => u[0]!.message?.includes("cannot be read: ssh: connection reset"))).toBe(true);
    });
});

describe("the plan script runs only where qemu:///system is the machine the plan was made on", () => {
    const refs = [
        { id: "a", label: "A", uri: "qemu:///system", target: null },
        { id: "b", label: "B", uri: "qemu+ssh://root@b/system", target: null },
    ];
    const domains: Domain[] = [runningDomain("x")];
    const here = "5f2f4a0e-0d47-4a4c-9b1a-5c0d8e2c7a11";
    const script = planScript(
        [{ vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 }],
        refs,
        domains,
        null,
        { "qemu:///system": `${here} vm-1`, "qemu+ssh://root@b/system": "0b3c… b" },
    );

    /** Runs the script with `sh` and a virsh on PATH that answers as machine `uuid name` and records migrations. */
    function runOn(uuid: string, name: string) {
        const dir = mkdtempSync(join(tmpdir(), "cm-plan-"));
        try {
            writeFileSync(join(dir, "plan.sh"), script);
            writeFileSync(
                join(dir, "virsh"),
                [
                    "#!/bin/sh",
                    `case "$3" in`,
                    `  hostname) echo '${name}' ;;`,
                    `  capabilities) printf '<capabilities>\\n  <host>\\n    <uuid>${uuid}</uuid>\\n  </host>\\n</capabilities>\\n' ;;`,
                    `  migrate) echo "$@" >> '${dir}/migrated' ;;`,
                    "esac",
                ].join("\n"),
            );
            chmodSync(join(dir, "virsh"), 0o755);
            const r = spawnSync("sh", [join(dir, "plan.sh")], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
            });
            return {
                status: r.status,
                stderr: r.stderr,
                migrated: existsSync(join(dir, "migrated")) ? readFileSync(join(dir, "migrated"), "utf8") : "",
            };
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }

    it("names the machine in the script", () => {
        expect(script).toContain(`it must be "vm-1" (host UUID ${here})`);
    });
    it("on that machine, the moves run", () => {
        const r = runOn(here, "vm-1");
        expect(r.status).toBe(0);
        expect(r.migrated).toContain(`migrate --live --persistent --undefinesource --domain ${uuidOf("x")}`);
    });
    it("on another machine (another host UUID, or another host name) it stops before any move, and says why", () => {
        for (const [uuid, name] of [
            ["0c4a8f3e-1111-4222-8333-444455556666", "vm-1"],
            [here, "vm-2"],
        ] as const) {
            const r = runOn(uuid, name);
            expect(r.status).toBe(1);
            expect(r.migrated).toBe("");
            expect(r.stderr).toContain(
                `This plan is for vm-1 (host UUID ${here}): qemu:///system here is another machine`,
            );
        }
    });
    it("without the machine known, the script says where to run it", () => {
        const s = planScript(
            [{ vm: "x", uuid: uuidOf("x"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 }],
            refs,
            domains,
            null,
        );
        expect(s).toContain("# qemu:///system means the machine that runs this script");
    });
});
