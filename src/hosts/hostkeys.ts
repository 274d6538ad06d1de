/** Showing an SSH host key's fingerprints and trusting it only when the admin says so. */
import { LOCAL, type Runner } from "../../pkg/lib/runner";
import { fingerprintArgv, keyscanArgv, parseHostKeys, type HostKey } from "../../pkg/lib/ssh";
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";

export async function scanHostKeys(runner: Runner, address: string, port?: number): Promise<HostKey[]> {
    const scanned = await runner.run(LOCAL, keyscanArgv(address, port), { timeoutMs: 15_000 });
    if (scanned.trim() === "") return [];
    const fps = await runner.run(LOCAL, fingerprintArgv(), { input: scanned });
    return parseHostKeys(scanned, fps);
}

/** known_hosts path of the user commands run as (root, with administrative access). */
export async function knownHostsPath(runner: Runner): Promise<string> {
    const home = (await runner.run(LOCAL, ["printenv", "HOME"])).trim() || "/root";
    return `${home}/.ssh/known_hosts`;
}

/** Appends the given key lines; never rewrites existing lines; refuses on a concurrent change. */
export async function trustHostKeys(runner: Runner, files: FileStore, keys: HostKey[]): Promise<void> {
    const path = await knownHostsPath(runner);
    await runner.run(LOCAL, ["mkdir", "-p", "-m", "700", "--", path.slice(0, path.lastIndexOf("/"))]);
    await modifyFile(files, path, (content) => {
        const existing = content ?? "";
        const add = keys.map((k) => k.line).filter((l) => !existing.split("\n").includes(l));
        const sep = existing === "" || existing.endsWith("\n") ? "" : "\n";
        return add.length === 0 ? existing : existing + sep + add.join("\n") + "\n";
    });
}
