/**
 * Before the browser tests: the lab must be up (scripts/test.mjs brings it up), and the known
 * hosts file holds the lab's hosts. The admin's own file is kept aside and restored afterwards.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { HOSTS_CONFIG, labHosts } from "./lab";

const BACKUP = `${HOSTS_CONFIG}.before-tests`;
export const HISTORY = "/var/lib/cockpit-migrate/history.json";
const HISTORY_BACKUP = `${HISTORY}.before-tests`;
export const POLICY = "/etc/cockpit-migrate/policy.json";
const POLICY_BACKUP = `${POLICY}.before-tests`;

/** Tests that change the overcommit policy start from none (the defaults). */
export function clearPolicy(): void {
    rmSync(POLICY, { force: true });
}

/** Each test starts with an empty migration history (the admin's is restored afterwards). */
export function clearHistory(): void {
    rmSync(HISTORY, { force: true });
}

export function writeLabHostsConfig(extra: object[] = []): void {
    const hosts = labHosts().map((h) => ({
        address: h.address,
        sshUser: "root",
        transport: "ssh",
        ...(h.address === "127.0.0.1" ? { migrationAddress: "127.0.0.1" } : {}),
    }));
    mkdirSync("/etc/cockpit-migrate", { recursive: true });
    writeFileSync(`${HOSTS_CONFIG}.tmp`, JSON.stringify({ version: 1, hosts: [...hosts, ...extra] }, null, 2) + "\n");
    renameSync(`${HOSTS_CONFIG}.tmp`, HOSTS_CONFIG);
}

export default function globalSetup(): () => void {
    labHosts(); // throws a clear message when the lab is down
    if (existsSync(HOSTS_CONFIG) && !existsSync(BACKUP)) copyFileSync(HOSTS_CONFIG, BACKUP);
    writeLabHostsConfig();
    if (existsSync(HISTORY) && !existsSync(HISTORY_BACKUP)) renameSync(HISTORY, HISTORY_BACKUP);
    if (existsSync(POLICY) && !existsSync(POLICY_BACKUP)) renameSync(POLICY, POLICY_BACKUP);
    return () => {
        if (existsSync(POLICY_BACKUP)) renameSync(POLICY_BACKUP, POLICY);
        else rmSync(POLICY, { force: true });
        if (existsSync(HISTORY_BACKUP)) renameSync(HISTORY_BACKUP, HISTORY);
        else rmSync(HISTORY, { force: true });
        if (existsSync(BACKUP)) renameSync(BACKUP, HOSTS_CONFIG);
        else rmSync(HOSTS_CONFIG, { force: true });
    };
}
