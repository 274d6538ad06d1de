import { argProblem } from "../../pkg/lib/runner";
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
    defaultOptions,
    migrateArgv,
    migrateFlags,
    validateOptions,
    type MigrationOptions,
} from "../../src/migration/options";
import { HOSTILE } from "./hostile";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { displayCommand, dominfo, type DomainUuid } from "../../src/virsh/argv";
import { uuidOf } from "./refs";

const base = (p: Partial<MigrationOptions> = {}): MigrationOptions => ({ ...defaultOptions("running"), ...p });
const SRC = "qemu:///system",
    DEST = "qemu+ssh://root@127.0.0.2/system?no_tty=1";
const VM = uuidOf("vm");

describe("defaults", () => {
    it("live for running, offline for shut off; permanent, shared", () => {
        expect(defaultOptions("running")).toMatchObject({
            mode: "live",
            duration: "permanent",
            storage: "shared",
            postcopy: false,
        });
        expect(defaultOptions("paused").mode).toBe("live");
        expect(defaultOptions("shutoff").mode).toBe("offline");
    });
});

describe("options -> virsh migrate flags", () => {
    it.each<[Partial<MigrationOptions>, string]>([
        [{}, "--live --persistent --undefinesource"],
        [{ duration: "temporary" }, "--live"],
        [{ mode: "offline" }, "--offline --persistent --undefinesource"],
        [{ storage: "copy-all" }, "--live --persistent --undefinesource --copy-storage-all"],
        [{ storage: "copy-inc", duration: "temporary" }, "--live --copy-storage-inc"],
        [{ parallelConnections: 4 }, "--live --persistent --undefinesource --parallel --parallel-connections 4"],
        [
            { postcopy: true, postcopyAfterTimeoutS: 30 },
            "--live --persistent --undefinesource --postcopy --timeout 30 --timeout-postcopy",
        ],
        [
            { autoConverge: true, autoConvergeInitial: 20, autoConvergeIncrement: 10 },
            "--live --persistent --undefinesource --auto-converge --auto-converge-initial 20 --auto-converge-increment 10",
        ],
        [
            { bandwidthMiBs: 100, compressed: true, tls: true, abortOnError: true },
            "--live --persistent --undefinesource --bandwidth 100 --compressed --tls --abort-on-error",
        ],
        [
            { migrateUri: "tcp://127.0.0.1", listenAddress: "127.0.0.1" },
            "--live --persistent --undefinesource --migrateuri tcp://127.0.0.1 --listen-address 127.0.0.1",
        ],
    ])("%j", (p, flags) => expect(migrateFlags(base(p)).join(" ")).toBe(flags));

    it("every combination of duration x mode x storage x advanced: valid ones build, each flag once, names only after their options", () => {
        let built = 0;
        for (const duration of ["permanent", "temporary"] as const)
            for (const mode of ["live", "offline"] as const)
                for (const storage of ["shared", "copy-all", "copy-inc"] as const)
                    for (const postcopy of [false, true])
                        for (const autoConverge of [false, true])
                            for (const parallelConnections of [undefined, 2]) {
                                const o = base({
                                    duration,
                                    mode,
                                    storage,
                                    postcopy,
                                    autoConverge,
                                    parallelConnections,
                                });
                                const state = mode === "live" ? "running" : "shutoff";
                                const check = validateOptions(o, { domainState: state, persistent: true });
                                if (Object.keys(check.errors).length) {
                                    expect(mode === "offline").toBe(true);
                                    continue;
                                }
                                const argv = migrateArgv(SRC, VM, DEST, o);
                                built++;
                                const flags = argv.filter((a) => a.startsWith("--"));
                                expect(new Set(flags).size).toBe(flags.length);
                                expect(argv.slice(-4)).toEqual(["--domain", VM, "--desturi", DEST]);
                                if (mode === "offline") expect(argv).toContain("--persistent");
                                expect(argv.includes("--undefinesource")).toBe(duration === "permanent");
                            }
        expect(built).toBeGreaterThan(30);
    });
});

describe("validation never offers what libvirt refuses", () => {
    it("offline only for shut-off, persistent, permanent, shared", () => {
        expect(
            validateOptions(base({ mode: "offline" }), { domainState: "running", persistent: true }).errors.mode,
        ).toBeTruthy();
        expect(
            validateOptions(base({ mode: "live" }), { domainState: "shutoff", persistent: true }).errors.mode,
        ).toBeTruthy();
        const off = (p: Partial<MigrationOptions>) =>
            validateOptions(base({ mode: "offline", ...p }), { domainState: "shutoff", persistent: true }).errors;
        expect(off({})).toEqual({});
        expect(off({ duration: "temporary" }).duration).toMatch(/--persistent/);
        // a cold move: the files are copied by src/coldmove, the definition moves offline
        expect(off({ storage: "copy-all" })).toEqual({});
        expect(off({ storage: "copy-all", replaceExisting: true, removeSourceFiles: true })).toEqual({});
        expect(migrateFlags(base({ mode: "offline", storage: "copy-all" }))).toEqual([
            "--offline",
            "--persistent",
            "--undefinesource",
        ]);
        expect(off({ storage: "copy-inc" }).storage).toBeTruthy();
        expect(off({ storage: "copy-all", migrateDisks: ["vda"] }).migrateDisks).toBeTruthy();
        expect(off({ removeSourceFiles: true }).removeSourceFiles).toBeTruthy();
        expect(off({ postcopy: true }).postcopy).toBeTruthy();
        expect(
            validateOptions(base({ mode: "offline" }), { domainState: "shutoff", persistent: false }).errors.mode,
        ).toBeTruthy();
    });
    it("numbers in range", () => {
        const e = validateOptions(
            base({ parallelConnections: 0, maxDowntimeMs: -1, bandwidthMiBs: 1.5, autoConvergeInitial: 101 }),
            { domainState: "running", persistent: true },
        ).errors;
        expect(Object.keys(e).sort()).toEqual([
            "autoConverge",
            "autoConvergeInitial",
            "bandwidthMiBs",
            "maxDowntimeMs",
            "parallelConnections",
        ]);
    });
    it("warns about temporary + shared disks, temporary + copy, post-copy", () => {
        const w = (p: Partial<MigrationOptions>) =>
            validateOptions(base(p), { domainState: "running", persistent: true }).warnings.join(" ");
        expect(w({ duration: "temporary" })).toMatch(/corrupt/);
        expect(w({ duration: "temporary", storage: "copy-all" })).toMatch(/differ/);
        expect(w({ postcopy: true })).toMatch(/lost/);
        expect(w({})).toBe("");
    });
    it("--migrate-disks: the chosen targets, comma-separated, only when copying (issue 17 item 3)", () => {
        const flags = migrateFlags(base({ storage: "copy-all", migrateDisks: ["vdb", "sdc"] }));
        expect(flags.slice(flags.indexOf("--copy-storage-all"), flags.indexOf("--copy-storage-all") + 3)).toEqual([
            "--copy-storage-all",
            "--migrate-disks",
            "vdb,sdc",
        ]);
        const ctx = { domainState: "running" as const, persistent: true };
        expect(
            validateOptions(base({ storage: "shared", migrateDisks: ["vda"] }), ctx).errors.migrateDisks,
        ).toBeDefined();
        expect(validateOptions(base({ storage: "copy-all", migrateDisks: [] }), ctx).errors.migrateDisks).toBeDefined();
        // virsh splits on every comma: "vda,vdb" as one target would name two disks
        expect(
            validateOptions(base({ storage: "copy-all", migrateDisks: ["vda,vdb"] }), ctx).errors.migrateDisks,
        ).toBeDefined();
        expect(() => migrateFlags(base({ storage: "copy-all", migrateDisks: ["vda,vdb"] }))).toThrow(/disk targets/);
    });
    it("autostart VMs (issue 17 item 1): Temporary needs consent to turn it off here; Permanent says it is carried over", () => {
        const ctx = { domainState: "running" as const, persistent: true, autostart: true };
        expect(validateOptions(base({ duration: "temporary" }), ctx).errors.disableSourceAutostart).toMatch(
            /second time/,
        );
        expect(validateOptions(base({ duration: "temporary", disableSourceAutostart: true }), ctx).errors).toEqual({});
        expect(validateOptions(base({ duration: "permanent" }), ctx).warnings.join(" ")).toMatch(
            /turned on on the destination \(virsh autostart\)/,
        );
        // consent changes nothing in virsh migrate itself
        expect(migrateFlags(base({ duration: "temporary", disableSourceAutostart: true }))).toEqual(
            migrateFlags(base({ duration: "temporary" })),
        );
    });
    it("a Temporary migration of a transient VM says the VM leaves this host entirely (issue 17 item 9)", () => {
        const w = validateOptions(base({ duration: "temporary" }), {
            domainState: "running",
            persistent: false,
        }).warnings.join(" ");
        expect(w).toMatch(/transient: there is no definition here to keep/);
    });
});

describe("hostile URIs are data, never options; the domain is only ever a UUID", () => {
    const values = HOSTILE.filter((s) => s !== "" && argProblem(s) === null);
    it("each URI arrives as exactly one element right after --desturi", () => {
        for (const uri of values) {
            const argv = migrateArgv(SRC, VM, uri, base());
            expect(argv.slice(-4)).toEqual(["--domain", VM, "--desturi", uri]);
        }
    });
    it("a name never reaches --domain: IDs, names that look like IDs or UUIDs of other VMs, NUL, empty", () => {
        for (const name of [
            ...HOSTILE,
            "3",
            "7",
            "0x7",
            "db",
            "6695EB01-F6A4-8304-79AA-97F2502E193F ",
            "6695eb01f6a4830479aa97f2502e193f",
        ])
            expect(() => migrateArgv(SRC, name as DomainUuid, DEST, base()), JSON.stringify(name)).toThrow(
                /Not a domain UUID/,
            );
        expect(() => migrateArgv(SRC, VM, "", base())).toThrow(/empty/);
    });
    it("the real virsh: --domain 1 is the VM with ID 1, not the VM named 1; a UUID is the VM it names (libvirt's test driver)", () => {
        // test:///default has the running VM "test" (ID 1, UUID 6695eb01-…); define and start VMs named "1" and like its UUID
        const TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";
        const one = uuidOf("a VM named 1"),
            fake = uuidOf("a VM named like test's UUID");
        const xml = (name: string, uuid: string) =>
            `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory>8192</memory><os><type>hvm</type></os></domain>`;
        const dir = mkdtempSync(join(tmpdir(), "cm-uuid-"));
        writeFileSync(join(dir, "one.xml"), xml("1", one));
        writeFileSync(join(dir, "fake.xml"), xml(TEST_UUID, fake));
        const sub = (argv: string[]) => displayCommand(argv.slice(3));
        const script = [
            `define ${join(dir, "one.xml")}`,
            "start 1",
            `define ${join(dir, "fake.xml")}`,
            `start ${fake}`,
            "echo --- by-name-1",
            "dominfo --domain 1",
            "echo --- ours-1",
            sub(dominfo("test:///default", one)),
            "echo --- by-name-uuid",
            `dominfo --domain ${TEST_UUID}`,
            "echo --- ours-fake",
            sub(dominfo("test:///default", fake)),
            "",
        ].join("\n");
        const r = spawnSync("virsh", ["-c", "test:///default"], { input: script, encoding: "utf8" });
        rmSync(dir, { recursive: true, force: true });
        const part = (label: string) => /^Name:\s+(.*)$/m.exec(r.stdout.split(`--- ${label}`)[2] ?? "")?.[1];
        expect(part("by-name-1"), r.stdout + r.stderr).toBe("test"); // what virsh does with a name that is a number
        expect(part("ours-1")).toBe("1");
        expect(part("by-name-uuid")).toBe("test"); // a name that is another VM's UUID
        expect(part("ours-fake")).toBe(TEST_UUID);
    });
});
