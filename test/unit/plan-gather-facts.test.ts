/**
 * Issue 24 item 2: a plan reads each host's facts once per round of checks, not once per VM × destination.
 * Three VMs on this host, two known hosts over SSH (3 VMs × 3 hosts: six moves checked); the commands run
 * through the page's SSH routing (src/virsh/route.ts), so the calls show where each one runs.
 */
import { describe, expect, it } from "vitest";
import { gather } from "../../src/plan/gather";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import { SshVirshRunner } from "../../src/virsh/route";
import type { RunTarget } from "../../pkg/lib/runner";
import type { HostRef } from "../../src/plan/hosts";
import { ScriptedRunner, type Call } from "./fakes";
import { nameOf, uuidOf } from "./refs";

const policy = { ...DEFAULT_POLICY, hostReserveMiB: 0 };
const VMS = ["web", "db", "cache"];
const xml = (name: string) =>
    `<domain type='qemu'><name>${name}</name><uuid>${uuidOf(name)}</uuid><memory unit='KiB'>65536</memory><vcpu>1</vcpu>` +
    `<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices>` +
    `<disk type='file' device='disk'><source file='/shared/${name}.qcow2'/><target dev='vda'/></disk>` +
    `<interface type='network'><source network='default'/></interface></devices></domain>`;
const uri = (h: string) => `qemu+ssh://root@${h}/system?no_tty=1`;
const refs: HostRef[] = [
    { id: "localhost", label: "This host", uri: "qemu:///system", target: { kind: "local" } },
    ...["b", "c"].map((h) => ({
        id: h,
        label: h,
        uri: uri(h),
        target: { kind: "ssh" as const, address: h, user: "root" },
    })),
];

/** The host a call asks about: where it runs, the qemu+ssh host it names, or the host a port probe connects to. */
function hostOf(target: RunTarget, argv: readonly string[]): string {
    if (target.kind === "ssh") return target.address;
    const named = argv.map((a) => /^qemu\+ssh:\/\/root@([^/]+)\//.exec(a)?.[1]).find(Boolean);
    if (named) return named;
    if (argv[0] === "timeout") return argv[6]!;
    return "a";
}

const stats = (state: boolean) =>
    VMS.map(
        (n) =>
            `Domain: '${n}'\n${state ? "  state.state=1\n" : ""}  balloon.current=65536\n  balloon.maximum=65536\n  vcpu.current=1\n`,
    ).join("");

function answer(argv: readonly string[], target: RunTarget): string | undefined {
    const host = hostOf(target, argv);
    const joined = argv.join(" ");
    if (argv[0] === "virsh") {
        const sub = argv[3]!;
        if (sub === "capabilities")
            return `<capabilities><host><uuid>00000000-0000-4000-8000-00000000000${host === "a" ? 1 : host === "b" ? 2 : 3}</uuid></host><guest><arch name='x86_64'><machine>pc-q35-7.2</machine></arch></guest></capabilities>`;
        if (sub === "hostname") return `${host}\n`;
        if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
        if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         8388608 KiB\n";
        if (sub === "domstats" && argv.includes("--list-active")) return host === "a" ? stats(false) : "";
        if (sub === "domstats") return host === "a" ? stats(true) : "";
        if (sub === "list" && argv.includes("--name"))
            return host === "a" ? VMS.map((n) => `${uuidOf(n)} ${n}`).join("\n") + "\n" : "";
        if (sub === "list")
            return host === "a" && argv.includes("--persistent") ? VMS.map(uuidOf).join("\n") + "\n" : "";
        if (sub === "dumpxml") return xml(nameOf(argv[argv.indexOf("--domain") + 1])!);
        if (sub === "net-info") return "Name:           default\nActive:         yes\n";
        if (sub === "vol-info") return `Name:           ${argv.at(-1)}\nType:           file\n`;
        return undefined;
    }
    if (joined === "cat /etc/os-release") return 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n';
    if (joined === "cat /proc/sys/vm/overcommit_memory /proc/sys/vm/panic_on_oom") return "0\n0\n";
    if (joined === "nft list ruleset") return "";
    if (argv[0] === "timeout") return "";
    return undefined;
}

const key = (c: Call) => JSON.stringify([c.target, c.argv, c.input ?? null]);

describe("a plan's gather reads each host's facts once (issue 24 item 2)", () => {
    it("3 VMs × 3 hosts: every command on a destination runs once; every verdict is the one the checks give", async () => {
        const scripted = new ScriptedRunner(answer);
        const g = await gather(new SshVirshRunner(scripted), refs, ["localhost"], policy, {
            copyStorage: false,
            includeShutOff: false,
        });
        // every move is allowed: the checks answered, and passed
        expect(g.vms.map((v) => [v.name, v.blocked])).toEqual([
            ["cache", {}],
            ["db", {}],
            ["web", {}],
        ]);
        for (const dest of ["b", "c"]) {
            const onDest = scripted.calls.filter((c) => hostOf(c.target, c.argv) === dest);
            const times = new Map<string, number>();
            for (const c of onDest) times.set(key(c), (times.get(key(c)) ?? 0) + 1);
            // the destination's facts (version, capabilities, host name, node info, guests, network, os-release,
            // sysctls, firewall, the port probe) once each; what differs per VM (its disk) once per VM
            expect(
                [...times].filter(([, n]) => n > 1),
                dest,
            ).toEqual([]);
            const virsh = (sub: string) => onDest.filter((c) => c.argv[0] === "virsh" && c.argv[3] === sub).length;
            expect(
                ["version", "capabilities", "hostname", "nodeinfo", "domstats", "net-info", "vol-info"].map(virsh),
                dest,
            ).toEqual([1, 1, 1, 1, 1, 1, VMS.length]);
        }
        // each VM's definition once, not once per destination
        expect(scripted.ran(/ dumpxml /).length).toBe(VMS.length);
        // in all: 41 commands (112 before), 24 SSH sessions over the hosts' shared connections (62 before) and 2
        // connections of libvirt's own transport, the destinations' `version` (6 before); 2 of them (issue 20) are
        // each destination's `firewall-cmd --state`, once per host like its iptables-save
        const sessions = scripted.calls.filter((c) => c.target.kind === "ssh").length;
        const connections = scripted.calls.filter((c) => c.argv.some((a) => a.startsWith("qemu+ssh://"))).length;
        expect([scripted.calls.length, sessions, connections]).toEqual([41, 24, 2]);
    });
});
