/** Test doubles for the NFS flow: a scripted Runner, an in-memory tag-checked FileStore, a real local Runner. */
import { spawnSync } from "node:child_process";
import { RunError, type RunOptions, type Runner, type RunTarget } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";
import type { NfsHost, NfsInputs } from "../../src/storage/types";
import { ref, uuidOf } from "./refs";

export type Reply = string | RunError | ((argv: readonly string[], input?: string) => string);
export interface Call {
    target: RunTarget;
    argv: readonly string[];
    input?: string;
}

/** Answers by the first rule whose pattern matches the argv joined with spaces; unknown commands fail the test. */
export class ScriptedRunner implements Runner {
    calls: Call[] = [];
    constructor(public rules: [RegExp, Reply][]) {}
    async run(target: RunTarget, argv: readonly string[], options: RunOptions = {}): Promise<string> {
        this.calls.push({ target, argv, ...(options.input !== undefined ? { input: options.input } : {}) });
        const line = argv.join(" ");
        const rule = this.rules.find(([re]) => re.test(line));
        if (!rule) throw new Error(`unexpected command: ${line}`);
        const r = rule[1];
        if (r instanceof RunError) throw r;
        return typeof r === "function" ? r(argv, options.input) : r;
    }
    ran(re: RegExp): Call[] {
        return this.calls.filter((c) => re.test(c.argv.join(" ")));
    }
}

export const failure = (stderr: string, status = 1) => new RunError("exit-status", stderr, [], status, stderr);

export class MemoryFiles implements FileStore {
    files = new Map<string, { content: string; tag: number }>();
    next = 1;
    /** Called between a read and a replace, to simulate a concurrent edit. */
    onReplace: ((path: string) => void) | null = null;
    constructor(init: Record<string, string> = {}) {
        for (const [p, c] of Object.entries(init)) this.files.set(p, { content: c, tag: this.next++ });
    }
    async read(path: string) {
        const f = this.files.get(path);
        return { content: f?.content ?? null, tag: f ? String(f.tag) : null };
    }
    async replace(path: string, content: string, expectedTag: string | null) {
        this.onReplace?.(path);
        const f = this.files.get(path);
        if ((f ? String(f.tag) : null) !== expectedTag)
            throw Object.assign(new Error("changed"), { problem: "change-conflict" });
        const tag = this.next++;
        this.files.set(path, { content, tag });
        return String(tag);
    }
    get(path: string) {
        return this.files.get(path)?.content ?? null;
    }
    touch(path: string, content: string) {
        this.files.set(path, { content, tag: this.next++ });
    }
}

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
