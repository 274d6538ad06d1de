/**
 * The Migrate dialog's form hook (src/ui/migrate/useMigrateForm.ts) on its first render, through
 * react-dom/server as in ui-hooks.test.ts: which destination it chooses, and the command it makes.
 */
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { AppLocation } from "../../pkg/lib/location";
import type { Domain } from "../../src/domains/types";
import type { KnownHost } from "../../src/hosts/types";
import { hostUri } from "../../src/hosts/uri";
import { OTHER } from "../../src/ui/migrate/props";
import { readMachine } from "../../src/ui/hooks";
import { useMigrateForm, type MigrateForm } from "../../src/ui/migrate/useMigrateForm";
import { ServicesContext, type Services } from "../../src/ui/services";
import { MemoryFiles, ScriptedRunner } from "./fakes";
import { uuidOf } from "./refs";

const host = (address: string): KnownHost => ({ id: address, address, sshUser: "root", transport: "ssh" });

/** Each host its own machine, as virsh on it says: capabilities' host UUID and its host name. */
const MACHINES: Record<string, string> = {
    "qemu:///system": "00000000-0000-4000-8000-000000000001",
    [hostUri(host("a.example"))]: "00000000-0000-4000-8000-00000000000a",
    [hostUri(host("b.example"))]: "00000000-0000-4000-8000-00000000000b",
    [hostUri(host("c.example"))]: "00000000-0000-4000-8000-00000000000c",
};
const virsh = (argv: readonly string[]) => {
    const uuid = MACHINES[argv[2]!];
    if (!uuid) return undefined;
    if (argv[3] === "capabilities") return `<capabilities><host><uuid>${uuid}</uuid></host></capabilities>`;
    if (argv[3] === "hostname") return `host-${uuid.slice(-1)}\n`;
    return undefined;
};

/**
 * The form's first render, after the page read the machines (`read`: which; useIdentities starts from what
 * was read). `runner.calls`: the commands the render ran (none: the reads came before).
 */
async function form(
    read: readonly string[],
    ...args: Parameters<typeof useMigrateForm>
): Promise<{ form: MigrateForm; runner: ScriptedRunner }> {
    const location: AppLocation = { path: () => [], go: () => undefined, watch: () => () => undefined };
    const runner = new ScriptedRunner(virsh);
    for (const uri of read) await readMachine(runner, uri);
    runner.calls = [];
    const s: Services & { runner: ScriptedRunner } = {
        runner,
        files: new MemoryFiles(),
        location,
        watchAdmin: () => () => undefined,
        userName: async () => null,
    };
    let seen: MigrateForm | null = null;
    const Probe = (): ReactNode => {
        seen = useMigrateForm(...args);
        return null;
    };
    renderToString(createElement(ServicesContext.Provider, { value: s }, createElement(Probe)));
    if (!seen) throw new Error("the probe did not render");
    return { form: seen, runner: s.runner };
}

const vm: Domain = {
    uuid: uuidOf("vm"),
    name: "vm",
    state: "running",
    memoryKiB: null,
    maxMemoryKiB: null,
    vcpus: null,
    persistent: true,
    autostart: false,
};
const [a, b, c] = [host("a.example"), host("b.example"), host("c.example")];

const ALL = Object.keys(MACHINES);

describe("useMigrateForm: the destination chosen first", () => {
    it("the first host offered, without initialDestination: This host, when the source is another host", async () => {
        const { form: f, runner } = await form(ALL, vm, hostUri(a), [a, b, c]);
        expect(f.candidates.map((h) => h.id)).toEqual(["localhost", "b.example", "c.example"]);
        expect(f.choice).toBe("localhost");
        expect(f.dest?.uri).toBe("qemu:///system");
        expect(f.argv).toContain("qemu:///system");
        expect(f).toMatchObject({ sameHost: false, live: true, argvError: null });
        expect(runner.calls).toEqual([]);
    });
    it("initialDestination, a known host's id (the Destination select's value), is chosen with its command", async () => {
        const f = (await form(ALL, vm, hostUri(a), [a, b, c], "c.example")).form;
        expect(f.choice).toBe("c.example");
        expect(f.dest?.uri).toBe(hostUri(c));
        expect(f.argv).toContain(hostUri(c));
        expect(f.argv).not.toContain(hostUri(b));
    });
    it("one that is not offered (the source itself, an unknown id) leaves the first one chosen", async () => {
        expect((await form(ALL, vm, hostUri(a), [a, b, c], "a.example")).form.choice).toBe("localhost");
        expect((await form(ALL, vm, hostUri(a), [a, b, c], "nowhere")).form.choice).toBe("localhost");
        expect((await form(ALL, vm, "qemu:///system", [], "nowhere")).form.choice).toBe(OTHER);
    });
});

describe("useMigrateForm: before the machines are read", () => {
    it("no destination and no command while a host that may be the source is not read", async () => {
        // c.example not read yet: it may be a.example's machine, or this one's; b.example is offered, not chosen
        const { form: f, runner } = await form(["qemu:///system", hostUri(a), hostUri(b)], vm, hostUri(a), [a, b, c]);
        expect(f.candidates.map((h) => h.id)).toEqual(["localhost", "b.example"]);
        expect(f).toMatchObject({ reading: true, choice: "", dest: null, argv: null, resolveError: null });
        expect(runner.calls).toEqual([]);
    });
    it("a destination asked for and offered already is chosen while the others are read", async () => {
        const f = (await form(["qemu:///system", hostUri(a), hostUri(b)], vm, hostUri(a), [a, b, c], "b.example")).form;
        expect(f).toMatchObject({ reading: true, choice: "b.example" });
        expect(f.argv).toContain(hostUri(b));
    });
    it("nothing read: nothing offered, not even Other (the first render of a page that has read nothing)", async () => {
        expect((await form([], vm, hostUri(a), [a, b, c])).form).toMatchObject({ candidates: [], choice: "" });
    });
});
