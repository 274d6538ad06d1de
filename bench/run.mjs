// `npm run bench`: every benchmark in bench/, each printing "metric: ours …, theirs …, ratio …".
import { spawnSync } from "node:child_process";
for (const b of ["migrate.mjs"]) {
    const r = spawnSync("node", [new URL(b, import.meta.url).pathname, ...process.argv.slice(2)], { stdio: "inherit" });
    if (r.status !== 0) process.exitCode = 1;
}
