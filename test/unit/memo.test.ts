import { describe, expect, it } from "vitest";
import { MemoRunner } from "../../pkg/lib/memo";
import { LOCAL } from "../../pkg/lib/runner";
import { steadyRead } from "../../src/preflight/checks";
import { dirtyRateCommands } from "../../src/preflight/dirtyrate";
import { probeArgv } from "../../src/preflight/ports";
import * as v from "../../src/virsh/argv";
import { failure, ScriptedRunner } from "./fakes";
import { uuidOf } from "./refs";

describe("MemoRunner: one answer per question for the runner's life", () => {
    it("runs a shareable question once, later calls get its answer or its failure; others always run", async () => {
        let n = 0;
        const inner = new ScriptedRunner([
            [/ version$/, () => `libvirt ${++n}`],
            [/ hostname$/, failure("error: failed to connect")],
            [/ migrate /, () => `migrated ${++n}`],
        ]);
        const memo = new MemoRunner(inner, steadyRead);
        const ver = v.version("qemu+ssh://root@b/system");
        expect(await memo.run(LOCAL, ver, { timeoutMs: 1000 })).toBe("libvirt 1");
        // a later call, with another timeout, gets the first answer; through libvirt's transport it is another question
        expect(await memo.run(LOCAL, ver, { timeoutMs: 5000 })).toBe("libvirt 1");
        expect(await memo.run(LOCAL, ver, { libvirtTransport: true })).toBe("libvirt 2");
        // a failure is shared the same way: every caller sees the one failure
        const name = v.hostname("b");
        await expect(memo.run(LOCAL, name)).rejects.toThrow("failed to connect");
        await expect(memo.run(LOCAL, name)).rejects.toThrow("failed to connect");
        expect(inner.ran(/ hostname$/)).toHaveLength(1);
        // another host is another question
        await memo.run({ kind: "ssh", address: "b", user: "root" }, ver);
        expect(inner.ran(/ version$/)).toHaveLength(3);
        // what is not shareable runs every time
        const migrate = ["virsh", "-c", "a", "migrate", "--domain", "x"];
        await memo.run(LOCAL, migrate);
        await memo.run(LOCAL, migrate);
        expect(inner.ran(/ migrate /)).toHaveLength(2);
        expect(memo.shared).toBe(2);
    });
    it("steadyRead: host facts and storage lookups, never the dirty-rate measurement or a change", () => {
        const u = "qemu+ssh://root@b/system?no_tty=1";
        for (const argv of [
            v.version(u),
            v.capabilities(u),
            v.hostname(u),
            v.nodeinfo(u),
            v.domstatsActive(u),
            v.netInfo(u, "default"),
            v.secretList(u),
            v.volInfo(u, "/var/lib/libvirt/images/a.qcow2"),
            v.dumpxml(u, uuidOf("vm"), { migratable: true }),
            ["cat", "/etc/os-release"],
            ["nft", "list", "ruleset"],
            ["test", "-e", "/var/lib/libvirt/qemu/nvram/a.fd"],
            probeArgv("127.0.0.2", 22),
        ])
            expect(steadyRead(argv), argv.join(" ")).toBe(true);
        for (const argv of [
            ...dirtyRateCommands(u, uuidOf("vm"), 3),
            v.domstatsAll(u),
            v.domstats(u, uuidOf("vm"), "--balloon"),
            ["virsh", "-c", u, "migrate", "--domain", uuidOf("vm")],
            ["cat", "/etc/shadow"],
            ["test", "-d", "/x"],
        ])
            expect(steadyRead(argv), argv.join(" ")).toBe(false);
    });
});
