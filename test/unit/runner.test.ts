import { describe, expect, it } from "vitest";
import { classifySshFailure, RunError, toRunError } from "../../pkg/lib/runner";

const argv = ["virsh", "list"];

describe("toRunError maps every cockpit.spawn failure to one typed error", () => {
    it.each([
        [{ problem: "not-found", message: "" }, "not-found"],
        [{ problem: "access-denied" }, "access-denied"],
        [{ problem: "authentication-failed" }, "access-denied"],
        [{ problem: "cancelled" }, "cancelled"],
        [{ problem: "terminated" }, "disconnected"],
        [{ problem: "disconnected" }, "disconnected"],
        [{ problem: "no-session" }, "disconnected"],
        [{ problem: "timeout" }, "timeout"],
        [{ problem: "internal-error", message: "boom" }, "internal"],
        [{ problem: null, exit_status: 1, message: "error: failed to get domain 'x'" }, "exit-status"],
        [{ problem: null, exit_status: null, exit_signal: 9, message: "" }, "signal"],
        ["a plain string", "internal"],
        [null, "internal"],
    ])("%j -> %s", (failure, cause) => {
        const e = toRunError(failure, argv);
        expect(e).toBeInstanceOf(RunError);
        expect(e.cause).toBe(cause);
        expect(e.argv).toEqual(argv);
    });

    it("keeps the exit status and stderr", () => {
        const e = toRunError({ exit_status: 1, message: "error: Domain not found\n" }, argv);
        expect(e.exitStatus).toBe(1);
        expect(e.stderr).toBe("error: Domain not found");
        expect(e.message).toBe("error: Domain not found");
    });

    it("names the missing program", () => {
        expect(toRunError({ problem: "not-found" }, ["virsh", "x"]).message).toBe("virsh is not installed");
    });

    it("passes a RunError through unchanged", () => {
        const e = new RunError("timeout", "t", argv);
        expect(toRunError(e, ["other"])).toBe(e);
    });

    it("reads OpenSSH's own failures only for ssh's exit status 255", () => {
        const failure = { exit_status: 255, message: "root@h: Permission denied (publickey,password)." };
        expect(toRunError(failure, argv, true).cause).toBe("ssh-auth");
        expect(toRunError(failure, argv, false).cause).toBe("exit-status");
        expect(toRunError({ exit_status: 1, message: "Permission denied (publickey)" }, argv, true).cause).toBe(
            "exit-status",
        );
    });
});

describe("classifySshFailure", () => {
    it.each([
        ["Host key verification failed.", "host-key-unknown"],
        [
            "No ED25519 host key is known for h and you have requested strict checking.\r\nHost key verification failed.",
            "host-key-unknown",
        ],
        ["@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@", "host-key-changed"],
        ["root@127.0.0.2: Permission denied (publickey).", "ssh-auth"],
        ["ssh: connect to host 127.0.0.9 port 22: Connection refused", "unreachable"],
        ["ssh: Could not resolve hostname nowhere: Name or service not known", "unreachable"],
        ["kex_exchange_identification: read: Connection reset by peer", "unreachable"],
        ["something else", null],
    ])("%s -> %s", (msg, cause) => expect(classifySshFailure(msg)).toBe(cause));
});
