/**
 * One machine, however it is reached: hosts are the same machine when libvirt reports the same
 * host UUID (`virsh capabilities`) and the same host name, not when their URIs read alike. This
 * host is also a known host under its address when admins list every host of the fleet:
 * `qemu:///system` and `qemu+ssh://root@127.0.0.1/system` are one machine, and neither is a
 * destination for the other. A cloned installation (the same host UUID, another host name) is
 * another machine with a configuration error: it stays in the lists, and the pre-flight says why
 * libvirt refuses it.
 */
import type { Runner } from "../../pkg/lib/runner";
import { parseCapabilities } from "../domains/parse";
import * as v from "../virsh/argv";

/** The machine behind a connection: its host UUID and host name ("UUID NAME"); null when either cannot be read. */
export async function machineOf(runner: Runner, uri: string): Promise<string | null> {
    const run = (argv: string[]) => runner.run({ kind: "local" }, argv, { timeoutMs: 30_000 });
    try {
        const [caps, name] = await Promise.all([run(v.capabilities(uri)), run(v.hostname(uri))]);
        const uuid = parseCapabilities(caps).hostUuid?.toLowerCase();
        return uuid && name.trim() ? `${uuid} ${name.trim()}` : null;
    } catch {
        return null;
    }
}

/** Known for both and equal. An unknown machine is not a match: the pre-flight's same-host check still runs. */
export function sameMachine(a: string | null | undefined, b: string | null | undefined): boolean {
    return !!a && !!b && a === b;
}
