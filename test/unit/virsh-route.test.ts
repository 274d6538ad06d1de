import { describe, expect, it } from "vitest";
import { READ_ONLY, SshVirshRunner, sshRoute } from "../../src/virsh/route";
import * as v from "../../src/virsh/argv";
import { argProblem, RunError, type RunOptions, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { hostUri } from "../../src/hosts/uri";
import { HOSTILE } from "./hostile";

const B = "qemu+ssh://root@b.example/system?no_tty=1";

describe("sshRoute: read-only virsh for a qemu+ssh host runs on that host", () => {
    it("moves the command to the host, same user and port, with its local URI", () => {
        expect(sshRoute(v.domstatsAll(B))).toEqual({
            target: { kind: "ssh", address: "b.example", user: "root" },
            argv: ["virsh", "-c", "qemu:///system", "domstats", "--raw", "--state", "--balloon", "--vcpu", "--nowait"],
        });
        expect(sshRoute(v.listNames("qemu+ssh://admin@[fe80::1]:2222/session", "--persistent"))).toEqual({
            target: { kind: "ssh", address: "fe80::1", user: "admin", port: 2222 },
            argv: ["virsh", "-c", "qemu:///session", "list", "--all", "--name", "--persistent"],
        });
    });
    it("is what a known host's URI gets", () => {
        const uri = hostUri({ id: "b", address: "127.0.0.2", transport: "ssh", sshUser: "root" } as Parameters<
            typeof hostUri
        >[0]);
        expect(sshRoute(v.version(uri))?.target).toEqual({ kind: "ssh", address: "127.0.0.2", user: "root" });
    });
    it("keeps /dev/stdin (a pipe on both ends)", () => {
        expect(sshRoute(v.hypervisorCpuCompare(B, "kvm"))?.argv.slice(3)).toEqual([
            "hypervisor-cpu-compare",
            "--virttype",
            "kvm",
            "--error",
            "/dev/stdin",
        ]);
    });
    it.each([
        ["a command that changes something", v.virsh(B, "start", "--domain", "vm")],
        ["a migration", v.virsh(B, "migrate", "--domain", "vm", "qemu+ssh://root@c/system")],
        ["a file here", v.virsh(B, "hypervisor-cpu-compare", "--file", "/tmp/cpu.xml")],
        ["libvirt over TCP", v.version("qemu+tcp://b.example/system")],
        ["this host", v.version("qemu:///system")],
        ["no user in the URI (ssh_config may name one)", v.version("qemu+ssh://b.example/system")],
        ["a URI parameter that changes the connection", v.version("qemu+ssh://root@b.example/system?keyfile=/root/k")],
        ["another driver", v.version("xen+ssh://root@b.example/system")],
        ["an embedded driver path", v.version("qemu+ssh://root@b.example/embed?root=/x")],
        ["not virsh", ["virt-xml", "-c", B, "list"]],
    ])("leaves %s alone", (_w, argv) => expect(sshRoute(argv)).toBeNull());
    it("routes only read-only subcommands", () => {
        for (const sub of [
            "define",
            "undefine",
            "destroy",
            "shutdown",
            "pool-start",
            "migrate-setspeed",
            "domjobabort",
        ])
            expect(READ_ONLY.has(sub)).toBe(false);
    });
    it("carries hostile names (a network name here) as one argv element, and refuses hostile hosts and users", () => {
        for (const s of HOSTILE.filter((x) => x !== "" && argProblem(x) === null)) {
            const r = sshRoute(v.netInfo(B, s));
            expect(r?.argv.slice(-1)).toEqual([s]);
            const uri = `qemu+ssh://root@${encodeURIComponent(s)}/system`;
            const h = sshRoute(v.version(uri));
            if (/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s))
                expect(h?.target).toEqual({ kind: "ssh", address: s, user: "root" });
            else if (!/^[A-Za-z0-9_][A-Za-z0-9._:-]*$/.test(s)) expect(h).toBeNull();
        }
    });
});

class Script implements Runner {
    calls: { target: RunTarget; argv: readonly string[]; options?: RunOptions }[] = [];
    constructor(private readonly answer: (target: RunTarget, argv: readonly string[]) => Promise<string>) {}
    run(target: RunTarget, argv: readonly string[], options?: RunOptions) {
        this.calls.push({ target, argv, options });
        return this.answer(target, argv);
    }
}

describe("SshVirshRunner", () => {
    it("runs a routed command over SSH and returns its output unchanged", async () => {
        const inner = new Script(async () => "out");
        const r = new SshVirshRunner(inner);
        await expect(r.run({ kind: "local" }, v.domstatsAll(B), { timeoutMs: 5 })).resolves.toBe("out");
        expect(inner.calls[0]!.target).toEqual({ kind: "ssh", address: "b.example", user: "root" });
        expect(inner.calls[0]!.options).toEqual({ timeoutMs: 5 });
    });
    it("passes SSH and libvirt failures through as they are", async () => {
        const err = new RunError(
            "host-key-unknown",
            "The host's SSH key is not known yet",
            [],
            255,
            "Host key verification failed.",
        );
        const r = new SshVirshRunner(
            new Script(async () => {
                throw err;
            }),
        );
        await expect(r.run({ kind: "local" }, v.version(B))).rejects.toBe(err);
    });
    it("keeps libvirt's transport when asked (what a migration uses)", async () => {
        const inner = new Script(async () => "");
        await new SshVirshRunner(inner).run({ kind: "local" }, v.version(B), { libvirtTransport: true });
        expect(inner.calls[0]!.target).toEqual({ kind: "local" });
        expect(inner.calls[0]!.argv).toEqual(v.version(B));
    });
    it("falls back to libvirt's transport, for good, on a host without virsh", async () => {
        const inner = new Script(async (t) => {
            if (t.kind === "ssh")
                throw new RunError(
                    "exit-status",
                    "bash: line 1: virsh: command not found",
                    [],
                    127,
                    "bash: line 1: virsh: command not found",
                );
            return "via libvirt";
        });
        const r = new SshVirshRunner(inner);
        await expect(r.run({ kind: "local" }, v.version(B))).resolves.toBe("via libvirt");
        await expect(r.run({ kind: "local" }, v.nodeinfo(B))).resolves.toBe("via libvirt");
        expect(inner.calls.map((c) => c.target.kind)).toEqual(["ssh", "local", "local"]);
    });
    it("leaves commands already on an SSH target alone", async () => {
        const inner = new Script(async () => "");
        const t: RunTarget = { kind: "ssh", address: "b", user: "root" };
        await new SshVirshRunner(inner).run(t, v.version("qemu:///system"));
        expect(inner.calls[0]!.target).toBe(t);
    });
});
