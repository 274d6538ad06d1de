// `npm test`: set up the machine, type-check, unit tests, the lab, browser tests on the lab.
// Ends with one line "N passed, N failed" (unit + browser).
//   npm test -- --unit        unit tests only (no lab, no browser)
//   npm test -- --keep-lab    leave the lab up afterwards
//   npm test -- -g PATTERN    only browser tests whose title matches
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, ensureLibvirt, ensureNpm, ensurePackages, log, ROOT } from "./setup.mjs";
import { lab } from "./lab-control.mjs";

const args = process.argv.slice(2);
const unitOnly = args.includes("--unit");
const keepLab = args.includes("--keep-lab");
const grep = args.includes("-g") ? ["-g", args[args.indexOf("-g") + 1]] : [];
const cache = join(ROOT, ".cache");
const t0 = Date.now();
const secs = (since) => ((Date.now() - since) / 1000).toFixed(1);

ensurePackages(unitOnly ? ["runtime", "build"] : ["runtime", "build", "lab", "test"]);
await ensureLibvirt();
ensureNpm();

const step = (name, argv) => {
    log(name);
    return spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: "inherit" }).status === 0;
};

let failedSteps = 0;
if (!step("Type-checking", ["npx", "tsc", "--noEmit", "-p", "."])) failedSteps++;
if (!step("Layout (prettier --check; npm run format fixes it)", ["npx", "prettier", "--check", "**/*.{ts,tsx,mjs,js}"]))
    failedSteps++;
if (!step("Lint (eslint)", ["npx", "eslint", "."])) failedSteps++;
if (!step("Lint (stylelint)", ["npx", "stylelint", "src/**/*.css"])) failedSteps++;
build();

rmSync(join(cache, "vitest.json"), { force: true });
step("Unit tests", [
    "npx",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${join(cache, "vitest.json")}`,
]);
const unit = readJsonCounts(join(cache, "vitest.json"), (j) => ({
    passed: j.numPassedTests,
    failed: j.numFailedTests + (j.success === false && j.numFailedTests === 0 ? 1 : 0),
}));

let browser = { passed: 0, failed: 0 };
if (!unitOnly) {
    const tLab = Date.now();
    try {
        lab("up");
    } catch (e) {
        log(`Lab failed to come up: ${e.message}`);
        failedSteps++;
    }
    log(`lab up: ${secs(tLab)} s`);
    rmSync(join(cache, "playwright.json"), { force: true });
    const tE2e = Date.now();
    step("Browser tests", ["npx", "playwright", "test", ...grep]);
    log(`browser tests: ${secs(tE2e)} s`);
    browser = readJsonCounts(join(cache, "playwright.json"), (j) => ({
        passed: j.stats?.expected ?? 0,
        failed: (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) + (j.errors?.length ?? 0),
    }));
    if (!keepLab) {
        const tDown = Date.now();
        try {
            lab("down");
        } catch (e) {
            log(`Lab failed to go down: ${e.message}`);
            failedSteps++;
        }
        log(`lab down: ${secs(tDown)} s`);
    }
}

log(
    `npm test: ${secs(t0)} s (unit ${unit.passed}/${unit.passed + unit.failed}, browser ${browser.passed}/${browser.passed + browser.failed}${failedSteps ? `, ${failedSteps} failed step(s)` : ""})`,
);
const passed = unit.passed + browser.passed;
const failed = unit.failed + browser.failed + failedSteps;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

function readJsonCounts(path, pick) {
    if (!existsSync(path)) return { passed: 0, failed: 1 };
    try {
        return pick(JSON.parse(readFileSync(path, "utf8")));
    } catch {
        return { passed: 0, failed: 1 };
    }
}
