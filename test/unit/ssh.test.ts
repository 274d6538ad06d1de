import { argProblem } from "../../pkg/lib/runner";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { keyscanArgv, parseHostKeys, shellQuote, sshArgv } from "../../pkg/lib/ssh";
import { RunError } from "../../pkg/lib/runner";
import { HOSTILE } from "./hostile";

describe("shellQuote: what the remote shell reads back is exactly the argv element", () => {
    const safe = HOSTILE.filter(s => argProblem(s) === null);
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
    it.each(["-oProxyCommand=sh", "", "a b", "h\nx", "--"])("refuses host %j", h => {
        expect(() => sshArgv(h, "root", undefined, ["true"])).toThrow(RunError);
    });
    it.each(["-l", "a@b", "", "x y"])("refuses user %j", u => {
        expect(() => sshArgv("h", u, undefined, ["true"])).toThrow(RunError);
    });
    it.each([0, 70000, 1.5])("refuses port %j", p => expect(() => sshArgv("h", "root", p, ["true"])).toThrow(RunError));
    it("keyscan puts -- before the host", () => expect(keyscanArgv("h").slice(-2)).toEqual(["--", "h"]));
});

describe("parseHostKeys", () => {
    it("pairs keyscan lines with ssh-keygen fingerprints", () => {
        const scan = "# 127.0.0.2:22 SSH-2.0-OpenSSH_9.2\n127.0.0.2 ssh-ed25519 AAAAC3Nza\n127.0.0.2 ssh-rsa AAAAB3Nz\n";
        const fps = "256 SHA256:abc 127.0.0.2 (ED25519)\n3072 SHA256:def 127.0.0.2 (RSA)\n";
        expect(parseHostKeys(scan, fps)).toEqual([
            { line: "127.0.0.2 ssh-ed25519 AAAAC3Nza", type: "ED25519", fingerprint: "SHA256:abc" },
            { line: "127.0.0.2 ssh-rsa AAAAB3Nz", type: "RSA", fingerprint: "SHA256:def" },
        ]);
    });
});
