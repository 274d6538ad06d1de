/** Wiring for the flow: hosts from the known-hosts list, file stores per host, the copy job directory. */
import type { Runner } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";
import type { KnownHost } from "../hosts/types";
import { hostList } from "../hosts/list";
import { onePerMachine, type Identities } from "../hosts/names";
import { loadDisks } from "../domains/disks";
import { RunnerFileStore } from "./remote-file";
import type { FlowContext } from "./run";
import type { Image, NfsHost } from "./types";
import type { DomainRef } from "../domains/types";

export const LOCAL_ID = "localhost";

/**
 * The hosts the flow can use: the page's host list (hostList: this host, then the known hosts), one
 * per machine and named by its one name (onePerMachine: the known host that is this machine is This
 * host, and is not a second client or server of its own export), each with the address NFS clients
 * and servers are named by and where its commands run. `localAddress` is this host's address as the
 * others reach it (the admin types it); `identities` the machine behind each URI, as read so far.
 */
export function nfsHosts(localAddress: string, known: readonly KnownHost[], identities: Identities = {}): NfsHost[] {
    return onePerMachine(hostList(known), identities).map(({ id, label, uri, known: k }) =>
        k
            ? {
                  id,
                  label,
                  uri,
                  address: k.address,
                  target: {
                      kind: "ssh",
                      address: k.address,
                      user: k.sshUser,
                      ...(k.sshPort ? { port: k.sshPort } : {}),
                  },
              }
            : { id, label, target: { kind: "local" }, uri, address: localAddress },
    );
}

export function flowContext(runner: Runner, localFiles: FileStore): FlowContext {
    return {
        runner,
        files: (host) => (host.target.kind === "local" ? localFiles : new RunnerFileStore(runner, host.target)),
        jobDir: (stepId) => `/run/cockpit-migrate/nfs/${stepId}-${Date.now()}`,
    };
}

/** The file-backed disks of the VMs (CD-ROMs and network/block disks are not copied). */
export async function loadImages(runner: Runner, uri: string, domains: DomainRef[]): Promise<Image[]> {
    const all = await Promise.all(
        domains.map(async (d) =>
            (await loadDisks(runner, uri, d.uuid))
                .filter((x) => x.type === "file" && x.device === "disk" && x.source)
                .map((x) => ({ domain: d.name, uuid: d.uuid, target: x.target, path: x.source! })),
        ),
    );
    return all.flat();
}
