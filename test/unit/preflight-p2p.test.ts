import { describe, expect, it } from "vitest";
import { RunError, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { p2pCheck } from "../../src/preflight/p2p";
import { defaultOptions } from "../../src/migration/options";

const B: RunTarget = { kind: "ssh", address: "127.0.0.2", user: "root" };
const DEST = "qemu+ssh://root@127.0.0.3/system?no_tty=1";
const input = (p2p: boolean, sourceTarget: RunTarget | null = B) => ({
    options: { ...defaultOptions("running"), p2p },
    destinationUri: DEST,
    destinationLabel: "C",
    sourceTarget,
});

describe("peer-to-peer: the source host opens the destination URI itself", () => {
    it("runs virsh -c DEST version on the source host, not here", async () => {
        const ran: [RunTarget, string[]][] = [];
        const runner: Runner = {
            run: async (t, argv) => {
                ran.push([t, [...argv]]);
                return "Compiled against library: libvirt 9.0.0\n";
            },
        };
        const r = await p2pCheck(runner, input(true));
        expect(ran).toEqual([[B, ["virsh", "-c", DEST, "version"]]]);
        expect(r).toEqual([
            {
                id: "peer-to-peer",
                severity: "pass",
                title: "The source host reaches C itself (peer-to-peer)",
                commands: [["virsh", "-c", DEST, "version"]],
            },
        ]);
    });
    it("a source that cannot log in there: an error holding the migration, with the SSH fix", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                throw new RunError(
                    "exit-status",
                    "failed",
                    argv,
                    1,
                    "error: failed to connect to the hypervisor\nerror: Cannot recv data: root@127.0.0.3: Permission denied (publickey,password).",
                );
            },
        };
        const [r] = await p2pCheck(runner, input(true));
        expect(r).toMatchObject({
            severity: "error",
            detail: expect.stringMatching(/Permission denied/),
            fix: expect.stringMatching(/source root's SSH key/),
        });
    });
    it("no answer from the source in time is not a refusal: not checked, a warning", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                throw new RunError("timeout", "The command timed out", argv);
            },
        };
        const [r] = await p2pCheck(runner, input(true));
        expect(r).toMatchObject({
            severity: "warning",
            unchecked: true,
            title: "Peer-to-peer: not checked (no answer from the source host about C)",
        });
    });
    it("nothing for a migration that is not peer-to-peer; information when the source cannot be reached", async () => {
        const runner: Runner = { run: () => Promise.reject(new Error("not run")) };
        expect(await p2pCheck(runner, input(false))).toEqual([]);
        expect((await p2pCheck(runner, input(true, null)))[0]).toMatchObject({ severity: "info" });
    });
});
