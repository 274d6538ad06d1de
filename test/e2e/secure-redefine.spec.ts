/**
 * The NFS flow's repoint step and its Undo define a VM again: on the lab's real libvirt (host A),
 * a definition with a VNC console password and an rbd disk's auth secret keeps both through
 * repoint → undo. (The mount steps cannot run on this machine kind: no kernel NFS; the step and
 * the undo action are the flow's own code, run with a local runner.)
 */
import { test, expect } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { labHost, tryVirsh, virsh } from "./lab";
import { MemoryFiles } from "../unit/fakes";
import { RunError, type Runner, type RunOptions, type RunTarget } from "../../pkg/lib/runner";
import { buildPlan } from "../../src/storage/plan";
import { newRecord } from "../../src/storage/record";
import { executeStep } from "../../src/storage/run";
import { undoAction, undoPlan } from "../../src/storage/undo";
import { domainUuid } from "../../src/virsh/argv";
import type { NfsHost, NfsInputs } from "../../src/storage/types";

const NAME = "lab-e2e-sec-nfs";
const UUID = domainUuid("5b0f7a52-6c1e-4f0e-9c39-3f6f1c2d8e11");
const DISK = `/var/lib/libvirt/images/${NAME}.qcow2`;
test.afterAll(() => {
    tryVirsh(labHost("a").uri, "undefine", "--domain", UUID);
});

/**
 * Runs argv here, standard input from a file: virsh reads `--file /dev/stdin`, which cannot be
 * opened on the socket Node gives a child for a piped input (Cockpit's spawn gives a pipe).
 */
class HereRunner implements Runner {
    async run(target: RunTarget, argv: readonly string[], options: RunOptions = {}): Promise<string> {
        if (target.kind !== "local") throw new Error("local only");
        const dir = mkdtempSync(join(tmpdir(), "cm-e2e-in-"));
        writeFileSync(join(dir, "in"), options.input ?? "");
        const fd = openSync(join(dir, "in"), "r");
        try {
            const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", stdio: [fd, "pipe", "pipe"] });
            if (r.status !== 0) throw new RunError("exit-status", r.stderr, argv, r.status, r.stderr);
            return r.stdout;
        } finally {
            closeSync(fd);
            rmSync(dir, { recursive: true, force: true });
        }
    }
}

const fields = () => {
    const xml = virsh(labHost("a").uri, "dumpxml", "--inactive", "--security-info", "--domain", UUID);
    return {
        passwd: /passwd='([^']*)'/.exec(xml)?.[1],
        secret: /<secret type='ceph' uuid='([^']+)'/.exec(xml)?.[1],
        file: /<source file='([^']+)'/.exec(xml)?.[1],
    };
};

test("NFS repoint and its Undo keep the console password and the disk secret (real libvirt)", () => {
    const a = labHost("a");
    tryVirsh(a.uri, "undefine", "--domain", UUID);
    const file = join(mkdtempSync(join(tmpdir(), "cm-e2e-")), "vm.xml");
    writeFileSync(
        file,
        `<domain type='qemu'><name>${NAME}</name><uuid>${UUID}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
        <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${DISK}'/><target dev='vda' bus='virtio'/></disk>
        <disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='rbd' name='lab/img'><host name='127.0.0.9' port='6789'/></source>
          <auth username='lab'><secret type='ceph' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></auth><target dev='vdb' bus='virtio'/></disk>
        <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cr3t!'/></devices></domain>`,
    );
    try {
        execFileSync("virsh", ["-c", a.uri, "define", "--file", file], { stdio: "pipe" });
    } finally {
        rmSync(dirname(file), { recursive: true, force: true });
    }
    const secure = { passwd: "s3cr3t!", secret: "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f" };
    expect(fields()).toEqual({ ...secure, file: DISK });

    const local: NfsHost = {
        id: "localhost",
        label: "this host",
        address: "127.0.0.1",
        uri: a.uri,
        target: { kind: "local" },
    };
    const inputs: NfsInputs = {
        storage: local,
        exportDir: "/srv/cm-e2e-shared",
        exportOptions: "rw,no_root_squash",
        source: local,
        clients: [local],
        mountPoint: "/mnt/cm-e2e-shared",
        mountOptions: "rw",
        method: "mount",
        poolName: "cm-e2e",
        domains: [{ uuid: UUID, name: NAME }],
        images: [{ domain: NAME, uuid: UUID, target: "vda", path: DISK }],
        overwrite: false,
    };
    const record = newRecord(inputs, []);
    const ctx = {
        runner: new HereRunner(),
        files: () => new MemoryFiles(),
        jobDir: (id: string) => `/run/cockpit-migrate/nfs/${id}`,
    };
    const step = buildPlan(inputs, []).find((s) => s.id === `repoint-${NAME}`)!;
    return (async () => {
        await executeStep(ctx, record, step);
        expect(fields()).toEqual({ ...secure, file: `/mnt/cm-e2e-shared/${NAME}.qcow2` });
        const undo = undoPlan(record).find((u) => u.id === `repoint-${NAME}`)!;
        await undoAction(ctx, record, undo);
        expect(fields()).toEqual({ ...secure, file: DISK });
    })();
});
