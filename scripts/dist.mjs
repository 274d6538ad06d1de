// npm run dist [-- OUTDIR]: the release tarball cockpit-migrate-VERSION.tar.xz — every tracked file,
// the built dist/ (so distributions build without Node.js or network), cockpit-migrate.spec, and
// debian/ with a changelog for this version.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build, log, ROOT } from "./setup.mjs";

const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const out = resolve(process.argv[2] ?? ROOT);
// CM_NO_BUILD=1: package the dist/ that is there (the tests, which must not rebuild it under others' feet)
if (process.env.CM_NO_BUILD !== "1" || !existsSync(join(ROOT, "dist", "manifest.json"))) build();
const stage = mkdtempSync(join(tmpdir(), "cockpit-migrate-dist-"));
const top = join(stage, "cockpit-migrate");
try {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files) {
        mkdirSync(dirname(join(top, f)), { recursive: true });
        cpSync(join(ROOT, f), join(top, f));
    }
    cpSync(join(ROOT, "dist"), join(top, "dist"), { recursive: true });
    writeFileSync(
        join(top, "cockpit-migrate.spec"),
        readFileSync(join(ROOT, "packaging/cockpit-migrate.spec.in"), "utf8").replaceAll("@VERSION@", version),
    );
    cpSync(join(ROOT, "packaging/debian"), join(top, "debian"), { recursive: true });
    const date = execFileSync("date", ["-R"], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }).trim();
    writeFileSync(
        join(top, "debian/changelog"),
        `cockpit-migrate (${version}-1) unstable; urgency=medium\n\n  * Release ${version}.\n\n -- cockpit-migrate maintainers <maintainers@users.noreply.example>  ${date}\n`,
    );
    const tarball = join(out, `cockpit-migrate-${version}.tar.xz`);
    execFileSync("tar", [
        "--sort=name",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "-cJf",
        tarball,
        "-C",
        stage,
        "cockpit-migrate",
    ]);
    log(`Wrote ${tarball}`);
} finally {
    rmSync(stage, { recursive: true, force: true });
}
