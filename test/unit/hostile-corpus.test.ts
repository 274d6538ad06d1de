/**
 * The whole hostile corpus through every argv builder and validator: each string either arrives
 * as exactly one argv element in a data position (the value of a named option, or after "--"),
 * or is refused with a clear message. Nothing is ever read as an option or as shell code.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import * as v from "../../src/virsh/argv";
import * as m from "../../src/virsh/migrate";
import { migrateArgv, defaultOptions } from "../../src/migration/options";
import { probeArgv } from "../../src/preflight/ports";
import { keyscanArgv, sshArgv, shellQuote } from "../../pkg/lib/ssh";
import { detachedArgv } from "../../pkg/lib/detach";
import { argProblem, checkArgv, RunError } from "../../pkg/lib/runner";
import { validateAddress, validatePort, validateUser } from "../../src/hosts/validate";
import { resolveDestination } from "../../src/hosts/destination";
import { parseLibvirtUri } from "../../src/hosts/uri";
import { HOSTILE } from "./hostile";

const URI = "qemu:///system";
const VM = v.domainUuid("6f1c1f0e-4d2b-4b8e-9a51-0c3e2f5d7a10");
/** Options whose next argv element is their value. */
const VALUE_OPTIONS = new Set([
    "-c",
    "--domain",
    "--desturi",
    "--network",
    "--vol",
    "--virttype",
    "--migrateuri",
    "--listen-address",
    "-l",
    "-p",
    "--pool",
    "--migrate-disks",
]);

type Builder = (s: string) => string[];
const builders: Record<string, Builder> = {
    "virsh -c URI": (s) => v.version(s),
    "domstats NAME": (s) => v.domstats(URI, s as v.DomainUuid, "--state"),
    "domdirtyrate-calc": (s) => v.domdirtyrateCalc(URI, s as v.DomainUuid, 3),
    "hypervisor-cpu-compare virttype": (s) => v.hypervisorCpuCompare(URI, s),
    "net-info": (s) => v.netInfo(URI, s),
    "vol-info": (s) => v.volInfo(URI, s),
    "vol-info --pool": (s) => v.volInfoInPool(URI, s, "vm.qcow2"),
    "vol-info --pool P --vol": (s) => v.volInfoInPool(URI, "default", s),
    domstate: (s) => v.domstate(URI, s as v.DomainUuid),
    dominfo: (s) => v.dominfo(URI, s as v.DomainUuid),
    autostart: (s) => v.autostart(URI, s as v.DomainUuid, false),
    dumpxml: (s) => v.dumpxml(URI, s as v.DomainUuid, { inactive: true, securityInfo: true }),
    domblklist: (s) => v.domblklist(URI, s as v.DomainUuid),
    domblkinfo: (s) => v.domblkinfoAll(URI, s as v.DomainUuid),
    "migrate domain": (s) => m.migrate(URI, s as v.DomainUuid, "qemu+ssh://root@h/system", ["--live"]),
    "migrate desturi": (s) => m.migrate(URI, VM, s, ["--live"]),
    domjobinfo: (s) => m.domjobinfo(URI, s as v.DomainUuid, true),
    domjobabort: (s) => m.domjobabort(URI, s as v.DomainUuid),
    "migrate-postcopy": (s) => m.migratePostcopy(URI, s as v.DomainUuid),
    "migrate-setmaxdowntime": (s) => m.migrateSetMaxDowntime(URI, s as v.DomainUuid, 300),
    "migrate-setspeed": (s) => m.migrateSetSpeed(URI, s as v.DomainUuid, 100),
    "migrateArgv domain": (s) =>
        migrateArgv(URI, s as v.DomainUuid, "qemu+ssh://root@h/system", defaultOptions("running")),
    "migrateArgv migrateuri": (s) =>
        migrateArgv(URI, VM, "qemu+ssh://root@h/system", { ...defaultOptions("running"), migrateUri: s }),
    "migrateArgv migrate-disks": (s) =>
        migrateArgv(URI, VM, "qemu+ssh://root@h/system", {
            ...defaultOptions("running"),
            storage: "copy-all",
            migrateDisks: [s],
        }),
    "ssh host": (s) => sshArgv(s, "root", undefined, ["true"]),
    "ssh user": (s) => sshArgv("h", s, undefined, ["true"]),
    "ssh-keyscan host": (s) => keyscanArgv(s),
    "TCP probe host": (s) => probeArgv(s, 22),
};

/** Where `s` may legitimately sit: right after an option that takes a value, or anywhere after "--". */
function inDataPosition(argv: string[], i: number): boolean {
    const dashdash = argv.indexOf("--");
    return (
        (dashdash !== -1 && dashdash < i) ||
        VALUE_OPTIONS.has(argv[i - 1] ?? "") ||
        (argv[0] === "timeout" && argv[4] === 'exec 3<>"/dev/tcp/$1/$2"' && i >= 6)
    );
}

describe("the hostile corpus", () => {
    it("has at least 200 strings, none twice", () => {
        expect(HOSTILE.length).toBeGreaterThanOrEqual(200);
        expect(new Set(HOSTILE).size).toBe(HOSTILE.length);
    });
});

describe("every argv builder: one element in a data position, or refused", () => {
    let tried = 0,
        refused = 0;
    for (const [name, build] of Object.entries(builders)) {
        it(name, () => {
            for (const s of HOSTILE) {
                tried++;
                let argv: string[];
                try {
                    argv = build(s);
                } catch (e) {
                    refused++;
                    expect(e instanceof Error && e.message.length > 0, JSON.stringify(s)).toBe(true);
                    continue;
                }
                expect(argProblem(s), `${name} accepted ${JSON.stringify(s)}`).toBeNull();
                const positions = argv.map((a, i) => (a === s ? i : -1)).filter((i) => i >= 0);
                if (s === "" && positions.length === 0) continue; // an empty optional value means "not set"
                // the value is present exactly as given (a builder may also have it as a constant, e.g. "--")
                expect(
                    positions.length,
                    `${name}: ${JSON.stringify(s)} in ${JSON.stringify(argv)}`,
                ).toBeGreaterThanOrEqual(1);
                expect(
                    positions.some((i) => inDataPosition(argv, i)),
                    `${name}: ${JSON.stringify(s)} not in a data position: ${JSON.stringify(argv)}`,
                ).toBe(true);
                expect(() => checkArgv(argv)).not.toThrow();
            }
        });
    }
    it("counts", () => {
        // a record of the scale of this test for the closing note
        expect(tried).toBeGreaterThanOrEqual(200 * Object.keys(builders).length);
        expect(refused).toBeGreaterThan(0);
    });
});

describe("NUL, lone surrogates and empty values are refused everywhere", () => {
    for (const bad of ["a\0b", "\uD83D", "x\uDE00"]) {
        it(JSON.stringify(bad), () => {
            expect(() => v.dominfo(URI, bad as v.DomainUuid)).toThrow(v.VirshArgumentError);
            expect(() => shellQuote(bad)).toThrow(RunError);
            expect(() => detachedArgv("/run/x", ["echo", bad])).toThrow(RunError);
            expect(() => checkArgv(["echo", bad])).toThrow(/NUL|lone surrogate/);
        });
    }
    it("empty", () => expect(() => v.dominfo(URI, "" as v.DomainUuid)).toThrow(/Not a domain UUID/));
});

describe("the equivalent command shown to the admin is exactly what runs", () => {
    it("a POSIX shell reads every displayed command back as the same argv", () => {
        const values = HOSTILE.filter((s) => s !== "" && argProblem(s) === null);
        for (const s of values) {
            const argv = m.migrate(URI, VM, "qemu+ssh://root@h/system", ["--live", "--dname", s]);
            const shown = v.displayCommand(argv);
            const back = execFileSync("sh", ["-c", `printf '%s\\0' ${shown}`], { encoding: "utf8" })
                .split("\0")
                .slice(0, -1);
            expect(back, JSON.stringify(s)).toEqual(argv);
        }
    });
});

describe("validators: a hostile value is either refused or harmless", () => {
    it("host addresses, users, ports", () => {
        for (const s of HOSTILE) {
            if (validateAddress(s) === null) expect(s).toMatch(/^([A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/);
            if (validateUser(s) === null) expect(s).toMatch(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/);
            expect(s.startsWith("-") && validateAddress(s) === null).toBe(false);
        }
        for (const p of [0, -1, 65536, 1.5, NaN]) expect(validatePort(p)).not.toBeNull();
    });
    it("destinations never carry a program to run or a disabled host-key check", () => {
        for (const s of HOSTILE) {
            const d = resolveDestination(s, []).destination;
            if (!d) continue;
            const p = parseLibvirtUri(d.uri);
            expect(p, d.uri).not.toBeNull();
            expect(p!.query).not.toMatch(/command=|netcat=|no_verify=|socket=/);
            expect(p!.host ?? "").not.toMatch(/^-/);
        }
    });
});
