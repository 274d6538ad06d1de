// The lab (test/lab/lab.sh) as seen by npm start/test: bring it up, and add its hosts to the known hosts.
import { join } from "node:path";
import { log, readJson, ROOT, run, writeJsonAtomic } from "./setup.mjs";

export const LAB_STATE = "/var/lib/cockpit-migrate-lab";
export const HOSTS_CONFIG = "/etc/cockpit-migrate/hosts.json";

export function lab(...args) {
    return run(["bash", join(ROOT, "test", "lab", "lab.sh"), ...args]);
}

export function labUp() { lab("up") }
export function labDown() { lab("down") }

/** The lab's hosts as known hosts (ssh transport), merged into the config without dropping anything. */
export function labKnownHosts() {
    const hosts = readJson(join(LAB_STATE, "hosts.json"), []);
    return hosts.map(h => ({
        address: h.address, sshUser: "root", transport: "ssh",
        ...(h.address === "127.0.0.1" ? { migrationAddress: "127.0.0.1" } : {}),
    }));
}

export function labAddKnownHosts() {
    const config = readJson(HOSTS_CONFIG, { version: 1, hosts: [] });
    const hosts = Array.isArray(config.hosts) ? config.hosts : [];
    for (const h of labKnownHosts()) {
        if (!hosts.some(x => x.address === h.address)) hosts.push(h);
    }
    writeJsonAtomic(HOSTS_CONFIG, { version: 1, hosts });
    log(`Known hosts: ${hosts.map(h => h.address).join(", ")}`);
}
