import { describe, expect, it } from "vitest";
import { CoalescingRunner } from "../../pkg/lib/coalesce";
import { RunError, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { readsOnly } from "../../src/virsh/route";
import { runPreflight } from "../../src/preflight/checks";
import { defaultOptions } from "../../src/migration/options";
import { uuidOf } from "./refs";

const LOCAL: RunTarget = { kind: "local" };
const B: RunTarget = { kind: "ssh", address: "b", user: "root" };

/** Answers after `ms`; counts every command it really runs. */
function counting(answer: (argv: readonly string[]) => string, ms = 5) {
    const ran: string[] = [];
    const runner: Runner = {
        run: (_t, argv) => {
            ran.push(argv.join(" "));
            return new Promise((res, rej) =>
                setTimeout(() => {
                    try {
                        res(answer(argv));
                    } catch (e) {
                        rej(e);
                    }
                }, ms),
            );
        },
    };
    return { runner, ran };
}

describe("CoalescingRunner: identical read-only calls at the same time run once", () => {
    const ver = ["virsh", "-c", "qemu:///system", "version"];
    it("shares a running command's answer, and keeps nothing once it ended", async () => {
        const { runner, ran } = counting(() => "9.0.0");
        const c = new CoalescingRunner(runner, readsOnly);
        expect(await Promise.all([c.run(LOCAL, ver), c.run(LOCAL, ver), c.run(LOCAL, ver)])).toEqual([
            "9.0.0",
            "9.0.0",
            "9.0.0",
        ]);
        expect(ran.length).toBe(1);
        expect(c.shared).toBe(2);
        await c.run(LOCAL, ver);
        expect(ran.length).toBe(2);
    });
    it("different targets, argv or options are different questions", async () => {
        const { runner, ran } = counting(() => "x");
        const c = new CoalescingRunner(runner, readsOnly);
        await Promise.all([
            c.run(LOCAL, ver),
            c.run(B, ver),
            c.run(LOCAL, [...ver, "--daemon"]),
            c.run(LOCAL, ver, { superuser: "require" }),
            c.run(LOCAL, ver, { timeoutMs: 5 }),
            c.run(LOCAL, ver, { libvirtTransport: true }),
        ]);
        expect(ran.length).toBe(6);
        expect(c.shared).toBe(0);
    });
    it("never shares a command with standard input, or one that changes something", async () => {
        const { runner, ran } = counting(() => "");
        const c = new CoalescingRunner(runner, readsOnly);
        const cmp = ["virsh", "-c", "qemu:///system", "hypervisor-cpu-compare", "--file", "/dev/stdin"];
        const start = ["virsh", "-c", "qemu:///system", "start", "--domain", "vm"];
        await Promise.all([
            c.run(LOCAL, cmp, { input: "<cpu/>" }),
            c.run(LOCAL, cmp, { input: "<cpu/>" }),
            c.run(LOCAL, start),
            c.run(LOCAL, start),
            c.run(LOCAL, ["sh", "-c", "true"]),
            c.run(LOCAL, ["sh", "-c", "true"]),
        ]);
        expect(ran.length).toBe(6);
    });
    it("a failure reaches every caller, and the next call tries again", async () => {
        let n = 0;
        const { runner, ran } = counting(() => {
            if (n++ === 0) throw new RunError("exit-status", "down", ver, 1, "error: failed to connect");
            return "ok";
        });
        const c = new CoalescingRunner(runner, readsOnly);
        const r = await Promise.allSettled([c.run(LOCAL, ver), c.run(LOCAL, ver)]);
        expect(r.map((x) => x.status)).toEqual(["rejected", "rejected"]);
        expect(await c.run(LOCAL, ver)).toBe("ok");
        expect(ran.length).toBe(2);
    });
});

describe("CoalescingRunner: a caller that gives up", () => {
    const ver = ["virsh", "-c", "qemu:///system", "version"];
    /** Answers when told to; records whether each command was closed by its signal. */
    function held() {
        const closed: boolean[] = [];
        let answer: (out: string) => void = () => undefined;
        const runner: Runner = {
            run: (_t, argv, o) =>
                new Promise((res, rej) => {
                    const i = closed.push(false) - 1;
                    answer = res;
                    o?.signal?.addEventListener("abort", () => {
                        closed[i] = true;
                        rej(new RunError("cancelled", "Cancelled", argv));
                    });
                }),
        };
        return { runner, closed, answer: (out: string) => answer(out) };
    }

    it("one caller's cancel ends its wait only; the command goes on for the other, then is not closed", async () => {
        const h = held();
        const c = new CoalescingRunner(h.runner, readsOnly);
        const first = new AbortController();
        const a = c.run(LOCAL, ver, { signal: first.signal });
        const b = c.run(LOCAL, ver, { signal: new AbortController().signal });
        first.abort();
        await expect(a).rejects.toMatchObject({ cause: "cancelled" });
        expect(h.closed).toEqual([false]);
        h.answer("9.0.0");
        expect(await b).toBe("9.0.0");
        expect(h.closed).toEqual([false]);
    });

    it("when every caller has given up, the command is closed; a caller without a signal keeps it running", async () => {
        const h = held();
        const c = new CoalescingRunner(h.runner, readsOnly);
        const [x, y] = [new AbortController(), new AbortController()];
        const runs = [c.run(LOCAL, ver, { signal: x.signal }), c.run(LOCAL, ver, { signal: y.signal })];
        x.abort();
        y.abort();
        expect((await Promise.allSettled(runs)).map((r) => r.status)).toEqual(["rejected", "rejected"]);
        expect(h.closed).toEqual([true]);

        const kept = held();
        const k = new CoalescingRunner(kept.runner, readsOnly);
        const z = new AbortController();
        const gaveUp = k.run(LOCAL, ver, { signal: z.signal });
        const waits = k.run(LOCAL, ver);
        z.abort();
        await expect(gaveUp).rejects.toMatchObject({ cause: "cancelled" });
        kept.answer("ok");
        expect(await waits).toBe("ok");
        expect(kept.closed).toEqual([false]);
    });

    it("a caller already cancelled starts nothing", async () => {
        const h = held();
        const c = new CoalescingRunner(h.runner, readsOnly);
        const done = new AbortController();
        done.abort();
        await expect(c.run(LOCAL, ver, { signal: done.signal })).rejects.toMatchObject({ cause: "cancelled" });
        expect(h.closed).toEqual([]);
    });
});

describe("CoalescingRunner under pre-flight (commands counted, same results)", () => {
    const XML =
        "<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>" +
        "<devices><interface type='network'><source network='default'/></interface></devices></domain>";
    const answer = (argv: readonly string[]): string => {
        const uri = argv[2]!,
            sub = argv[3];
        if (sub === "dumpxml")
            return XML.replace("<name>vm</name>", `<name>${argv[argv.indexOf("--domain") + 1]}</name>`);
        if (sub === "version") return "Using library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n";
        if (sub === "capabilities")
            return `<capabilities><host><uuid>${uri}</uuid></host><guest><arch name='x86_64'><machine>pc</machine></arch></guest></capabilities>`;
        if (sub === "hostname") return `${uri}\n`;
        if (sub === "net-info") return "Name:           default\nActive:         yes\n";
        if (sub === "nodeinfo") return "CPU(s):              4\nMemory size:         8388608 KiB\n";
        if (sub === "domstats") return "";
        if (sub === "hypervisor-cpu-compare")
            return "CPU described in /dev/stdin is identical to the CPU provided by hypervisor on the host\n";
        throw new Error(`unexpected ${argv.join(" ")}`);
    };
    const input = (domain: string, dest: string) => ({
        domain,
        uuid: uuidOf(domain),
        sourceUri: "src",
        destinationUri: dest,
        destinationLabel: dest,
        options: defaultOptions("shutoff"),
        live: false,
    });
    const scenarios: Record<string, [string, string][]> = {
        "one VM against three hosts (Check migration readiness)": [
            ["vm", "b"],
            ["vm", "c"],
            ["vm", "d"],
        ],
        "three VMs to one host (a plan's pre-flight, 3 at a time)": [
            ["web", "b"],
            ["db", "b"],
            ["cache", "b"],
        ],
    };
    for (const [name, pairs] of Object.entries(scenarios)) {
        it(name, async () => {
            const plain = counting(answer),
                shared = counting(answer);
            const c = new CoalescingRunner(shared.runner, readsOnly);
            const a = await Promise.all(pairs.map(([d, h]) => runPreflight({ runner: plain.runner }, input(d, h))));
            const b = await Promise.all(pairs.map(([d, h]) => runPreflight({ runner: c }, input(d, h))));
            const byId = (rs: Awaited<ReturnType<typeof runPreflight>>[]) =>
                rs.map((r) => [...r].sort((x, y) => x.id.localeCompare(y.id)));
            expect(byId(b)).toEqual(byId(a)); // the same results (in the order they finished)
            console.log(`${name}: ${plain.ran.length} commands without coalescing, ${shared.ran.length} with it`);
            expect(shared.ran.length).toBeLessThan(plain.ran.length);
            expect(shared.ran.length + c.shared).toBe(plain.ran.length);
        });
    }
});
