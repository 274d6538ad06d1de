import { describe, expect, it } from "vitest";
import { probeHost } from "../../src/hosts/probe";
import type { KnownHost } from "../../src/hosts/types";
import { RunError } from "../../pkg/lib/runner";
import { failure, ScriptedRunner } from "./fakes";

const ssh: KnownHost = { id: "b", address: "127.0.0.2", sshUser: "root", transport: "ssh" };
const tcp: KnownHost = { id: "c", address: "127.0.0.9", sshUser: "root", transport: "tcp" };

describe("Test connection", () => {
    it("an SSH host: logs in as its SSH user on its port, then asks its libvirt for the host name", async () => {
        const runner = new ScriptedRunner([
            [/^true$/, ""],
            [/hostname$/, "lab-b\n"],
        ]);
        const p = await probeHost(runner, { ...ssh, sshUser: "admin", sshPort: 2222 });
        expect(p).toEqual({ ssh: { ok: true, value: null }, libvirt: { ok: true, value: { hostname: "lab-b" } } });
        expect(runner.calls[0]).toMatchObject({
            target: { kind: "ssh", address: "127.0.0.2", user: "admin", port: 2222 },
            argv: ["true"],
        });
        expect(runner.calls[1]).toMatchObject({
            target: { kind: "local" },
            argv: ["virsh", "-c", "qemu+ssh://admin@127.0.0.2:2222/system?no_tty=1", "hostname"],
        });
    });

    it("SSH refused: explained as the VM list explains it, and libvirt over SSH is not tried", async () => {
        const runner = new ScriptedRunner([
            [/^true$/, new RunError("ssh-auth", "root@127.0.0.2: Permission denied (publickey).", ["true"], 255)],
        ]);
        const p = await probeHost(runner, ssh);
        expect(p.ssh.ok).toBe(false);
        if (p.ssh.ok === false) {
            expect(p.ssh.error.problem).toBe("ssh-auth");
            expect(p.ssh.error.title).toBe("SSH login to 127.0.0.2 was refused");
        }
        expect(p.libvirt).toEqual({ ok: null });
        expect(runner.ran(/virsh/)).toHaveLength(0);
    });

    it("SSH fine, libvirtd down: the libvirt step says so", async () => {
        const runner = new ScriptedRunner([
            [/^true$/, ""],
            [
                /hostname$/,
                failure(
                    "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
                ),
            ],
        ]);
        const p = await probeHost(runner, ssh);
        expect(p.ssh.ok).toBe(true);
        expect(p.libvirt.ok).toBe(false);
        if (p.libvirt.ok === false) expect(p.libvirt.error.problem).toBe("libvirtd-down");
    });

    it("a TCP host: no SSH step, libvirt through its qemu+tcp URI; a closed port is 'refused'", async () => {
        const runner = new ScriptedRunner([
            [
                /hostname$/,
                failure(
                    "error: failed to connect to the hypervisor\nerror: unable to connect to server at '127.0.0.9:16509': Connection refused",
                ),
            ],
        ]);
        const p = await probeHost(runner, tcp);
        expect(p.ssh).toEqual({ ok: null });
        expect(runner.argvs).toEqual([["virsh", "-c", "qemu+tcp://127.0.0.9/system", "hostname"]]);
        expect(p.libvirt.ok === false && p.libvirt.error.problem).toBe("refused");
    });
});
