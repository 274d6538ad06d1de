/**
 * Issue 24 item 2: what the admin waits for is the slowest chain of commands. No check waits for an answer it
 * does not need: the dirty-rate measurement, the destination's capacity reads and both hosts' os-release start
 * before the VM's definition has answered, and the destination's firewall is read while the port probe runs.
 */
import { describe, expect, it } from "vitest";
import { startPreflight } from "../../src/preflight/checks";
import { defaultOptions } from "../../src/migration/options";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import type { Runner, RunTarget } from "../../pkg/lib/runner";
import { ScriptedRunner } from "./fakes";
import { uuidOf } from "./refs";

const XML =
    "<domain type='qemu'><name>vm</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>" +
    "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os></domain>";

function answer(argv: readonly string[], target: RunTarget): string | undefined {
    if (argv[0] === "virsh") {
        const uri = argv[2]!,
            sub = argv[3]!;
        if (sub === "dumpxml") return XML;
        if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
        if (sub === "capabilities")
            return `<capabilities><host><uuid>${uri}</uuid></host><guest><arch name='x86_64'><machine>pc-q35-7.2</machine></arch></guest></capabilities>`;
        if (sub === "hostname") return `${uri}\n`;
        if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         8388608 KiB\n";
        if (sub === "domdirtyrate-calc") return "";
        if (sub === "domstats" && argv.includes("--dirtyrate"))
            return "Domain: 'vm'\n  dirtyrate.calc_status=2\n  dirtyrate.calc_period=3\n  dirtyrate.megabytes_per_second=4\n";
        if (sub === "domstats") return "";
        return undefined;
    }
    if (argv.join(" ") === "cat /etc/os-release") return 'ID=debian\nVERSION_ID="12"\n';
    if (target.kind !== "ssh") return argv[0] === "timeout" ? "" : undefined;
    if (argv[0] === "cat") return "0\n0\n";
    if (argv[0] === "nft") return "";
    return undefined;
}

describe("the pre-flight's checks do not wait on each other", () => {
    it("the measurement, capacity, os-release and firewall reads start while the definition and the probe are unanswered", async () => {
        const scripted = new ScriptedRunner(answer);
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        // the VM's definition and the port probe answer only when released; every call is recorded when made
        const runner: Runner = {
            run: async (t, argv, o) => {
                const out = scripted.run(t, argv, o);
                if (argv[3] === "dumpxml" || argv[0] === "timeout") await held;
                return out;
            },
        };
        const h = startPreflight(
            { runner, sleep: async () => undefined },
            {
                domain: "vm",
                uuid: uuidOf("vm"),
                sourceUri: "qemu:///system",
                destinationUri: "qemu+ssh://root@b/system",
                destinationLabel: "b",
                options: defaultOptions("running"),
                live: true,
                sourceTarget: { kind: "local" },
                destinationTarget: { kind: "ssh", address: "b", user: "root" },
                policy: DEFAULT_POLICY,
            },
        );
        await new Promise((r) => setTimeout(r, 20));
        const ran = (re: RegExp) => scripted.ran(re).length;
        expect(
            {
                calc: ran(/ domdirtyrate-calc /),
                nodeinfo: ran(/ nodeinfo$/),
                guests: ran(/ domstats .*--list-active/),
                sysctl: ran(/^cat \/proc\/sys\/vm/),
                osRelease: ran(/^cat \/etc\/os-release$/),
                firewall: ran(/^nft list ruleset$/),
            },
            scripted.argvs.map((a) => a.join(" ")).join("\n"),
        ).toEqual({ calc: 1, nodeinfo: 1, guests: 1, sysctl: 1, osRelease: 2, firewall: 1 });
        release();
        const results = await h.done;
        // and the verdicts are what they were: the prediction uses the VM's memory from its definition
        const by = (id: string) => results.find((r) => r.id === id)!;
        expect(by("dirtyrate").title).toMatch(/^Dirty rate 4 MiB\/s \(measured over 3 s\): about \d+ s for 64 MiB/);
        expect(by("capacity").severity).toBe("pass");
        expect(by("ports").severity).toBe("pass");
        expect(by("firewall").title).toBe("No firewall rules on b");
        expect(by("host-versions").unchecked).toBeUndefined();
        expect(results.filter((r) => r.unchecked).map((r) => r.id)).toEqual([]);
    });
});
