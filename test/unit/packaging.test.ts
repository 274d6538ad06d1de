/**
 * Packaging: `make install DESTDIR=…` yields a tree Cockpit serves, the release tarball builds and
 * installs without Node.js, and the AppStream metainfo names our manifest.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xml2js, type Element } from "xml-js";
import { kid, text } from "../../src/domains/xml";

const ROOT = new URL("../..", import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

/** cockpit-bridge's own package list for a data directory. */
function cockpitPackages(dataDir: string): string {
    return execFileSync("cockpit-bridge", ["--packages"], {
        encoding: "utf8",
        env: { ...process.env, XDG_DATA_DIRS: dataDir },
    });
}

describe("packaging", () => {
    it("make install DESTDIR=… PREFIX=/usr: cockpit-bridge --packages lists the package there", () => {
        const dest = mkdtempSync(join(tmpdir(), "cm-install-"));
        try {
            execFileSync("make", ["-s", "install", `DESTDIR=${dest}`, "PREFIX=/usr"], {
                cwd: ROOT,
                stdio: "pipe",
                env: { ...process.env, NODE_ENV: "production" },
            });
            expect(existsSync(join(dest, "usr/share/cockpit/cockpit-migrate/manifest.json"))).toBe(true);
            expect(existsSync(join(dest, "usr/share/metainfo/org.cockpit_project.cockpit_migrate.metainfo.xml"))).toBe(
                true,
            );
            expect(cockpitPackages(join(dest, "usr/share"))).toMatch(
                new RegExp(
                    `^cockpit-migrate\\s+Virtual machine migration\\s+${dest}/usr/share/cockpit/cockpit-migrate$`,
                    "m",
                ),
            );
        } finally {
            rmSync(dest, { recursive: true, force: true });
        }
    }, 120_000);

    it("the release tarball holds dist/, the spec and debian/, and installs with make alone (no Node.js on PATH)", () => {
        const work = mkdtempSync(join(tmpdir(), "cm-dist-"));
        try {
            execFileSync("node", ["scripts/dist.mjs", work], {
                cwd: ROOT,
                stdio: "pipe",
                env: { ...process.env, CM_NO_BUILD: "1", NODE_ENV: "production" },
            });
            const tarball = join(work, `cockpit-migrate-${version}.tar.xz`);
            const list = execFileSync("tar", ["-tJf", tarball], { encoding: "utf8" }).split("\n");
            for (const f of [
                "dist/manifest.json",
                "dist/index.html",
                "Makefile",
                "cockpit-migrate.spec",
                "debian/changelog",
                "debian/rules",
                "packaging/org.cockpit_project.cockpit_migrate.metainfo.xml",
            ])
                expect(list, f).toContain(`cockpit-migrate/${f}`);
            execFileSync("tar", ["-xJf", tarball, "-C", work]);
            expect(readFileSync(join(work, "cockpit-migrate/cockpit-migrate.spec"), "utf8")).toMatch(
                new RegExp(`^Version:\\s+${version.replace(/\./g, "\\.")}$`, "m"),
            );
            // a PATH with make and coreutils only: the install must not need node or npm
            const bin = join(work, "bin");
            mkdirSync(bin);
            for (const tool of ["make", "sh", "rm", "mkdir", "cp", "install", "test"]) {
                const path = spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { encoding: "utf8" }).stdout.trim();
                symlinkSync(path, join(bin, tool));
            }
            const dest = join(work, "root");
            const r = spawnSync("make", ["install", `DESTDIR=${dest}`, "PREFIX=/usr"], {
                cwd: join(work, "cockpit-migrate"),
                encoding: "utf8",
                env: { PATH: bin },
            });
            expect(r.status, r.stderr).toBe(0);
            expect(cockpitPackages(join(dest, "usr/share"))).toMatch(/^cockpit-migrate\s+Virtual machine migration/m);
        } finally {
            rmSync(work, { recursive: true, force: true });
        }
    }, 180_000);

    const have = (tool: string) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool]).status === 0;
    it.runIf(have("dpkg-buildpackage") || have("rpmbuild"))(
        "a .deb (dpkg-buildpackage) and an .rpm (rpmbuild) build from the release tarball without network",
        () => {
            const work = mkdtempSync(join(tmpdir(), "cm-pkg-"));
            try {
                execFileSync("node", ["scripts/dist.mjs", work], {
                    cwd: ROOT,
                    stdio: "pipe",
                    env: { ...process.env, CM_NO_BUILD: "1", NODE_ENV: "production" },
                });
                const tarball = join(work, `cockpit-migrate-${version}.tar.xz`);
                execFileSync("tar", ["-xJf", tarball, "-C", work]);
                if (have("dpkg-buildpackage")) {
                    execFileSync("dpkg-buildpackage", ["-b", "-us", "-uc"], {
                        cwd: join(work, "cockpit-migrate"),
                        stdio: "pipe",
                    });
                    const deb = join(work, `cockpit-migrate_${version}-1_all.deb`);
                    const files = execFileSync("dpkg-deb", ["--contents", deb], {
                        encoding: "utf8",
                        maxBuffer: 1 << 24,
                    });
                    expect(files).toContain("./usr/share/cockpit/cockpit-migrate/manifest.json");
                    expect(files).toContain("./usr/share/metainfo/org.cockpit_project.cockpit_migrate.metainfo.xml");
                }
                if (have("rpmbuild")) {
                    mkdirSync(join(work, "rpm/SOURCES"), { recursive: true });
                    execFileSync("cp", [tarball, join(work, "rpm/SOURCES/")]);
                    // --nodeps: the BuildRequires are Fedora package names, this may be another distribution
                    execFileSync(
                        "rpmbuild",
                        [
                            "--define",
                            `_topdir ${join(work, "rpm")}`,
                            "--nodeps",
                            "--nocheck",
                            "-bb",
                            join(work, "cockpit-migrate/cockpit-migrate.spec"),
                        ],
                        { stdio: "pipe" },
                    );
                    const rpm = join(work, `rpm/RPMS/noarch/cockpit-migrate-${version}-1.noarch.rpm`);
                    const files = execFileSync("rpm", ["-qlp", rpm], { encoding: "utf8" });
                    expect(files).toContain("/usr/share/cockpit/cockpit-migrate/manifest.json");
                }
            } finally {
                rmSync(work, { recursive: true, force: true });
            }
        },
        180_000,
    );

    it("the AppStream metainfo is an addon of Cockpit launching our manifest", () => {
        const doc = xml2js(
            readFileSync(join(ROOT, "packaging/org.cockpit_project.cockpit_migrate.metainfo.xml"), "utf8"),
            { compact: false },
        ) as Element;
        const c = kid(doc, "component");
        expect(c?.attributes?.type).toBe("addon");
        expect(text(kid(c, "id"))).toBe("org.cockpit_project.cockpit_migrate");
        expect(text(kid(c, "extends"))).toBe("org.cockpit_project.cockpit");
        expect(text(kid(c, "launchable"))).toBe("cockpit-migrate");
        expect(existsSync(join(ROOT, "manifest.json"))).toBe(true);
    });
});
