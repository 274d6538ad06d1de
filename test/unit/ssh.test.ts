import { argProblem } from "../../pkg/lib/runner";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyscanArgv, multiplexedArgv, parseHostKeys, shellQuote, sshArgv, withoutMuxNoise } from "../../pkg/lib/ssh";
import { targetArgv } from "../../pkg/lib/cockpit-runner";
import { RunError } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";

describe("shellQuote: what the remote shell reads back is exactly the argv element", () => {
    const safe = HOSTILE.filter((s) => argProblem(s) === null);
    it("round-trips every hostile string through a real POSIX shell", () => {
        const words = safe.map(shellQuote).join(" ");
        const out = execFileSync("sh", ["-c", `printf '%s\\0' ${words}`], { encoding: "utf8" });
        expect(out.split("\0").slice(0, -1)).toEqual(safe);
    });
    it("refuses NUL", () => expect(() => shellQuote("a\0b")).toThrow(RunError));
});

describe("sshArgv", () => {
    it("builds BatchMode, strict host key checking, -l user, -- before the host", () => {
        const argv = sshArgv("h.example", "root", undefined, ["virsh", "list"]);
        expect(argv.slice(0, 1)).toEqual(["ssh"]);
        expect(argv).toContain("BatchMode=yes");
        expect(argv).toContain("StrictHostKeyChecking=yes");
        expect(argv.slice(-5)).toEqual(["root", "--", "h.example", "'virsh'", "'list'"]);
        expect(argv[argv.indexOf("-l") + 1]).toBe("root");
    });
    it("passes a non-default port", () => {
        const argv = sshArgv("h", "admin", 2222, ["true"]);
        expect(argv[argv.indexOf("-p") + 1]).toBe("2222");
    });
    it.each(["-oProxyCommand=sh", "", "a b", "h\nx", "--"])("refuses host %j", (h) => {
        expect(() => sshArgv(h, "root", undefined, ["true"])).toThrow(RunError);
    });
    it.each(["-l", "a@b", "", "x y"])("refuses user %j", (u) => {
        expect(() => sshArgv("h", u, undefined, ["true"])).toThrow(RunError);
    });
    it.each([0, 70000, 1.5])("refuses port %j", (p) =>
        expect(() => sshArgv("h", "root", p, ["true"])).toThrow(RunError),
    );
    it("keyscan puts -- before the host", () => expect(keyscanArgv("h").slice(-2)).toEqual(["--", "h"]));
});

describe("parseHostKeys", () => {
    it("pairs keyscan lines with ssh-keygen fingerprints", () => {
        const scan =
            "# 127.0.0.2:22 SSH-2.0-OpenSSH_9.2\n127.0.0.2 ssh-ed25519 AAAAC3Nza\n127.0.0.2 ssh-rsa AAAAB3Nz\n";
        const fps = "256 SHA256:abc 127.0.0.2 (ED25519)\n3072 SHA256:def 127.0.0.2 (RSA)\n";
        expect(parseHostKeys(scan, fps)).toEqual([
            { line: "127.0.0.2 ssh-ed25519 AAAAC3Nza", type: "ED25519", fingerprint: "SHA256:abc" },
            { line: "127.0.0.2 ssh-rsa AAAAB3Nz", type: "RSA", fingerprint: "SHA256:def" },
        ]);
    });
});

describe("multiplexedArgv: one shared SSH connection per host, in a directory only we can write to", () => {
    // a fake `ssh` that records its argv (NUL-separated) and a fake `id` that says we are user 1000,
    // so the script takes the $XDG_RUNTIME_DIR branch (root's /run/cockpit-migrate/ssh is left alone here)
    const run = (argv: string[], env: Record<string, string | undefined>) => {
        const bin = mkdtempSync(join(tmpdir(), "mux-bin-"));
        try {
            writeFileSync(join(bin, "ssh"), `#!/bin/sh\nprintf '%s\\0' "$@" > "${bin}/args"\n`);
            writeFileSync(join(bin, "id"), "#!/bin/sh\necho 1000\n");
            chmodSync(join(bin, "ssh"), 0o755);
            chmodSync(join(bin, "id"), 0o755);
            const clean = Object.fromEntries(
                Object.entries({ PATH: `${bin}:/usr/bin:/bin`, ...env }).filter(([, v]) => v !== undefined),
            ) as Record<string, string>;
            execFileSync(argv[0]!, argv.slice(1), { env: clean });
            return readFileSync(join(bin, "args"), "utf8").split("\0").slice(0, -1);
        } finally {
            rmSync(bin, { recursive: true, force: true });
        }
    };
    const ssh = sshArgv("h.example", "root", undefined, ["virsh", "list", "--all"]);
    it("adds ControlMaster/ControlPath/ControlPersist and passes every ssh argument through unchanged", () => {
        const xdg = mkdtempSync(join(tmpdir(), "mux-xdg-"));
        try {
            const got = run(multiplexedArgv(ssh), { XDG_RUNTIME_DIR: xdg });
            expect(got).toEqual([
                "-o",
                "ControlMaster=auto",
                "-o",
                `ControlPath=${xdg}/cockpit-migrate-ssh/%C`,
                "-o",
                "ControlPersist=60",
                ...ssh.slice(1),
            ]);
        } finally {
            rmSync(xdg, { recursive: true, force: true });
        }
    });
    it("carries hostile argv elements exactly", () => {
        const xdg = mkdtempSync(join(tmpdir(), "mux-xdg-"));
        try {
            const safe = HOSTILE.filter((s) => argProblem(s) === null).slice(0, 60);
            const argv = sshArgv("h", "root", undefined, ["virsh", ...safe]);
            expect(run(multiplexedArgv(argv), { XDG_RUNTIME_DIR: xdg }).slice(6)).toEqual(argv.slice(1));
        } finally {
            rmSync(xdg, { recursive: true, force: true });
        }
    });
    it("runs plain ssh without a runtime directory, with a symlinked one, or with one too long for a socket path", () => {
        expect(run(multiplexedArgv(ssh), { XDG_RUNTIME_DIR: undefined })).toEqual(ssh.slice(1));
        const base = mkdtempSync(join(tmpdir(), "mux-xdg-"));
        try {
            mkdirSync(join(base, "elsewhere"));
            symlinkSync(join(base, "elsewhere"), join(base, "cockpit-migrate-ssh"));
            expect(run(multiplexedArgv(ssh), { XDG_RUNTIME_DIR: base })).toEqual(ssh.slice(1));
            const long = join(base, "x".repeat(60));
            mkdirSync(long);
            expect(run(multiplexedArgv(ssh), { XDG_RUNTIME_DIR: long })).toEqual(ssh.slice(1));
        } finally {
            rmSync(base, { recursive: true, force: true });
        }
    });
    it("is what the Cockpit runner runs for an SSH target; local commands run as they are", () => {
        expect(targetArgv({ kind: "ssh", address: "h.example", user: "root" }, ["virsh", "list", "--all"])).toEqual(
            multiplexedArgv(ssh),
        );
        expect(targetArgv({ kind: "local" }, ["virsh", "list"])).toEqual(["virsh", "list"]);
    });
    it("refuses what is not an ssh argv", () => expect(() => multiplexedArgv(["sh", "-c", "x"])).toThrow(RunError));
    it("drops OpenSSH's notes about the shared connection from an error, keeps the rest", () => {
        const stderr = [
            "mux_client_request_session: session request failed: Session open refused by peer",
            "ControlSocket /run/cockpit-migrate/ssh/742c already exists, disabling multiplexing",
            "Control socket connect(/run/cockpit-migrate/ssh/742c): Connection refused",
            "error: failed to connect to the hypervisor",
        ].join("\n");
        expect(withoutMuxNoise(stderr)).toBe("error: failed to connect to the hypervisor");
    });
});
