import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
    FstabError,
    escapeField,
    formatFstabEntry,
    nfsSource,
    parseFstab,
    removeOurMount,
    setOurMount,
} from "../../src/storage/fstab";
import { MARKER } from "../../src/storage/lines";

const DIR = join(__dirname, "fixtures/storage");
const fixture = (name: string) => readFileSync(join(DIR, name), "utf8");
const M = {
    server: "127.0.0.2",
    exportPath: "/var/lib/libvirt/shared-images",
    mountPoint: "/var/lib/libvirt/images",
    options: "rw,hard",
};

describe("parseFstab", () => {
    it("reads fields, octal escapes, IPv6 NFS sources; skips comments and blank lines", () => {
        const f = parseFstab(fixture("fstab.debian"));
        expect(f.entries.map((e) => e.file)).toEqual([
            "/",
            "/boot/efi",
            "none",
            "/mnt/my music",
            "/tmp",
            "/mnt/backup",
        ]);
        expect(f.entries[3]).toMatchObject({
            spec: "nas:/export/My Music",
            vfstype: "nfs4",
            mntops: "ro,noauto,x-systemd.automount",
        });
        expect(f.entries[5]!.spec).toBe("[2001:db8::10]:/srv/backup");
        expect(parseFstab(fixture("fstab.unconfigured")).entries).toEqual([]);
    });
});

describe("setOurMount / removeOurMount on every fixture", () => {
    for (const name of readdirSync(DIR).filter((f) => f.startsWith("fstab.") && f !== "fstab.admin-mount")) {
        it(`${name}: add, unchanged, update, remove → same bytes`, () => {
            const before = fixture(name);
            const added = setOurMount(before, M);
            expect(added.kind).toBe("added");
            expect(added.content.startsWith(before)).toBe(true);
            expect(added.content).toContain(`${MARKER}`);
            expect(parseFstab(added.content).entries.filter((e) => !e.ours)).toEqual(parseFstab(before).entries);
            expect(setOurMount(added.content, M).kind).toBe("unchanged");
            const updated = setOurMount(added.content, { ...M, options: "ro" });
            expect(updated.kind).toBe("updated");
            expect(removeOurMount(updated.content, M.mountPoint)).toEqual({ content: before, removed: true });
        });
    }
    it("an admin's line for the mount point is never edited", () => {
        const admin = fixture("fstab.admin-mount");
        expect(setOurMount(admin, { ...M, server: "storage" })).toMatchObject({ kind: "covered", lineNumber: 2 });
        expect(() => setOurMount(admin, M)).toThrow(FstabError);
        expect(removeOurMount(admin, M.mountPoint).removed).toBe(false);
    });
});

describe("formatting", () => {
    it("escapes spaces, tabs, backslashes; brackets an IPv6 server", () => {
        expect(
            formatFstabEntry({
                server: "2001:db8::5",
                exportPath: "/srv/vm images",
                mountPoint: "/mnt/a b\\c",
                options: "rw",
            }),
        ).toBe("[2001:db8::5]:/srv/vm\\040images /mnt/a\\040b\\134c nfs rw 0 0");
        expect(escapeField("a\tb")).toBe("a\\011b");
        expect(nfsSource("[::1]", "/x")).toBe("[::1]:/x");
        expect(escapeField("plain")).toBe("plain");
    });
    it("util-linux's own parser reads our line back (findmnt --fstab)", () => {
        const line = formatFstabEntry({
            server: "nas",
            exportPath: "/srv/vm images",
            mountPoint: "/mnt/vm images",
            options: "rw,hard",
        });
        const tmp = join(tmpdir(), `fstab-${process.pid}`);
        writeFileSync(
            tmp,
            setOurMount(fixture("fstab.debian"), {
                server: "nas",
                exportPath: "/srv/vm images",
                mountPoint: "/mnt/vm images",
                options: "rw,hard",
            }).content,
        );
        const r = spawnSync(
            "findmnt",
            ["--fstab", "--tab-file", tmp, "-J", "-o", "SOURCE,TARGET,FSTYPE,OPTIONS", "--target", "/mnt/vm images"],
            { encoding: "utf8" },
        );
        unlinkSync(tmp);
        expect(line).toContain("\\040");
        expect(JSON.parse(r.stdout).filesystems).toEqual([
            { source: "nas:/srv/vm images", target: "/mnt/vm images", fstype: "nfs", options: "rw,hard" },
        ]);
    });
    it("refuses options with spaces and relative mount points", () => {
        expect(() => formatFstabEntry({ ...M, options: "rw hard" })).toThrow(/mount options/);
        expect(() => formatFstabEntry({ ...M, mountPoint: "images" })).toThrow(/absolute/);
        expect(() => formatFstabEntry({ ...M, server: "-oX" })).toThrow(/server/);
    });
});
