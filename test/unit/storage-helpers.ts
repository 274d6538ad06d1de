/** Test helpers for the NFS flow: a real local Runner and the inputs (the scripted doubles are in ./fakes). */
import { spawnSync } from "node:child_process";
import { RunError, type RunOptions, type Runner, type RunTarget } from "../../pkg/lib/runner";
import type { NfsHost, NfsInputs, Step } from "../../src/storage/types";
import { buildPlan } from "../../src/storage/plan";
import type { FlowContext } from "../../src/storage/run";
import { newRecord } from "../../src/storage/record";
import { EXPORTS_PATH } from "../../src/storage/exports";
import { FSTAB_PATH } from "../../src/storage/fstab";
import { MemoryFiles, ScriptedRunner } from "./fakes";
import { ref, uuidOf } from "./refs";

/** Runs argv for real on this machine (local targets only): for the constant shell scripts. */
export class LocalRunner implements Runner {
    async run(target: RunTarget, argv: readonly string[], options: RunOptions = {}): Promise<string> {
        if (target.kind !== "local") throw new Error("local only");
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", input: options.input ?? "" });
        if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
            throw new RunError("not-found", String(r.error), argv);
        // any other spawn error (e.g. EPIPE: the command exited before reading its input) is a failure, as a strict
        // runner would report it
        if (r.error) throw new RunError("internal", String(r.error), argv);
        if (r.status !== 0) throw new RunError("exit-status", r.stderr, argv, r.status, r.stderr);
        return r.stdout;
    }
}

export const host = (id: string, address = id): NfsHost => ({
    id,
    label: address,
    address,
    uri: `qemu+ssh://root@${address}/system`,
    target: { kind: "ssh", address, user: "root" },
});
export const LOCAL: NfsHost = {
    id: "localhost",
    label: "this host",
    address: "10.0.0.1",
    uri: "qemu:///system",
    target: { kind: "local" },
};

export function inputs(over: Partial<NfsInputs> = {}): NfsInputs {
    const storage = host("storage", "10.0.0.9"),
        dest = host("dest", "10.0.0.2");
    return {
        storage,
        exportDir: "/var/lib/libvirt/shared-images",
        exportOptions: "rw,no_root_squash",
        source: LOCAL,
        clients: [LOCAL, dest],
        mountPoint: "/var/lib/libvirt/images",
        mountOptions: "rw",
        method: "mount",
        poolName: "shared-images",
        domains: [ref("vm1")],
        images: [{ domain: "vm1", uuid: uuidOf("vm1"), target: "vda", path: "/var/lib/libvirt/images/vm1.qcow2" }],
        overwrite: false,
        ...over,
    };
}

export const EXPORTS = "# admin's exports\n/srv/other  *.lan(ro)   # keep\n\n/srv/x \\\n   a(rw)\n";
export const FSTAB = "UUID=1 / ext4 defaults 0 1\n";

/** A flow over the scripted runner, with an exports file and an fstab on every host. */
export function setup(rules: ConstructorParameters<typeof ScriptedRunner>[0], over = {}) {
    const runner = new ScriptedRunner(rules);
    const stores = new Map<string, MemoryFiles>();
    const files = (h: NfsHost) => {
        if (!stores.has(h.id)) stores.set(h.id, new MemoryFiles({ [EXPORTS_PATH]: EXPORTS, [FSTAB_PATH]: FSTAB }));
        return stores.get(h.id)!;
    };
    const ctx: FlowContext = { runner, files, jobDir: (id) => `/run/test/${id}`, sleep: async () => undefined };
    const record = newRecord(inputs(over), []);
    const plan = buildPlan(record.inputs, record.selinuxHosts);
    const step = (id: string) => plan.find((s) => s.id === id) as Step;
    return { runner, files, ctx, record, plan, step };
}
