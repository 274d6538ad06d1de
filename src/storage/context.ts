/** Wiring for the flow: hosts from the known-hosts list, file stores per host, the copy job directory. */
import type { Runner } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";
import { hostUri, localUri } from "../hosts/uri";
import type { KnownHost } from "../hosts/types";
import { loadDisks } from "../domains/disks";
import { RunnerFileStore } from "./remote-file";
import type { FlowContext } from "./run";
import type { Image, NfsHost } from "./types";
import type { DomainRef } from "../domains/types";

export const LOCAL_ID = "localhost";

export function localNfsHost(address: string, label: string): NfsHost {
    return { id: LOCAL_ID, label, target: { kind: "local" }, uri: localUri("system"), address };
}

export function knownNfsHost(h: KnownHost): NfsHost {
    return {
        id: h.id,
        label: h.address,
        uri: hostUri(h),
        address: h.address,
        target: { kind: "ssh", address: h.address, user: h.sshUser, ...(h.sshPort ? { port: h.sshPort } : {}) },
    };
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
