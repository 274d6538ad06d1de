// The lab (test/lab/lab.sh) as seen by npm start/test: bring it up, and add its hosts to the known hosts
// (and take exactly those out again when the lab goes down: `node scripts/lab-control.mjs forget-known-hosts`).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { log, readJson, ROOT, run, writeJsonAtomic } from "./setup.mjs";

export const LAB_STATE = "/var/lib/cockpit-migrate-lab";
export const HOSTS_CONFIG = "/etc/cockpit-migrate/hosts.json";
/** The known-host entries the lab added (in the lab's state), so that `down` removes those and nothing else. */
const addedPath = (state) => join(state, "known-hosts-added.json");

export function lab(...args) {
    return run(["bash", join(ROOT, "test", "lab", "lab.sh"), ...args]);
}

export function labUp() {
    lab("up");
}
export function labDown() {
    lab("down");
}

/** The lab's hosts as known hosts (ssh transport), merged into the config without dropping anything. */
export function labKnownHosts(state = LAB_STATE) {
    const hosts = readJson(join(state, "hosts.json"), []);
    return hosts.map((h) => ({
        address: h.address,
        sshUser: "root",
        transport: "ssh",
        ...(h.address === "127.0.0.1" ? { migrationAddress: "127.0.0.1" } : {}),
    }));
}

export function labAddKnownHosts({ configPath = HOSTS_CONFIG, state = LAB_STATE } = {}) {
    const config = readJson(configPath, { version: 1, hosts: [] });
    const hosts = Array.isArray(config.hosts) ? config.hosts : [];
    const added = readJson(addedPath(state), []);
    for (const h of labKnownHosts(state)) {
        if (!hosts.some((x) => x.address === h.address)) {
            hosts.push(h);
            added.push(h);
        }
    }
    writeJsonAtomic(addedPath(state), added);
    writeJsonAtomic(configPath, { ...config, version: 1, hosts });
    log(`Known hosts: ${hosts.map((h) => h.address).join(", ")}`);
}

/** Removes the entries labAddKnownHosts added and nobody changed since; the admin's own entries stay. */
export function labForgetKnownHosts({ configPath = HOSTS_CONFIG, state = LAB_STATE } = {}) {
    const added = readJson(addedPath(state), []);
    if (added.length === 0) return;
    const config = readJson(configPath, null);
    if (config && Array.isArray(config.hosts)) {
        const hosts = config.hosts.filter((h) => !added.some((a) => isDeepStrictEqual(a, h)));
        if (hosts.length !== config.hosts.length) writeJsonAtomic(configPath, { ...config, hosts });
        log(`Removed the lab's known hosts: ${added.map((h) => h.address).join(", ")}`);
    }
    rmSync(addedPath(state), { force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "forget-known-hosts")
    labForgetKnownHosts();
