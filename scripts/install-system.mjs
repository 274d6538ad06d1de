// Installs the built package where Cockpit finds it: $DESTDIR$PREFIX/share/cockpit/cockpit-migrate
// (PREFIX defaults to /usr). Builds first when dist/ is missing.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, ensureNpm, log, PACKAGE, ROOT } from "./setup.mjs";

const prefix = process.env.PREFIX ?? "/usr";
const target = join(process.env.DESTDIR ?? "/", prefix, "share", "cockpit", PACKAGE);
if (!existsSync(join(ROOT, "dist", "manifest.json"))) {
    ensureNpm();
    build();
}
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(join(ROOT, "dist"), target, { recursive: true });
log(`Installed to ${target}`);
