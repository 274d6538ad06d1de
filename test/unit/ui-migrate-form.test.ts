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
import { useMigrateForm, type MigrateForm } from "../../src/ui/migrate/useMigrateForm";
import { ServicesContext, type Services } from "../../src/ui/services";
import { MemoryFiles, ScriptedRunner } from "./fakes";
import { uuidOf } from "./refs";

function form(...args: Parameters<typeof useMigrateForm>): { form: MigrateForm; runner: ScriptedRunner } {
    const location: AppLocation = { path: () => [], go: () => undefined, watch: () => () => undefined };
    const s: Services & { runner: ScriptedRunner } = {
        runner: new ScriptedRunner([]),
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

const host = (address: string): KnownHost => ({ id: address, address, sshUser: "root", transport: "ssh" });
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

describe("useMigrateForm: the destination chosen first", () => {
    it("the first host offered, without initialDestination: This host, when the source is another host", () => {
        const { form: f, runner } = form(vm, hostUri(a), [a, b, c]);
        expect(f.candidates.map((h) => h.id)).toEqual(["localhost", "b.example", "c.example"]);
        expect(f.choice).toBe("localhost");
        expect(f.dest?.uri).toBe("qemu:///system");
        expect(f.argv).toContain("qemu:///system");
        expect(f).toMatchObject({ sameHost: false, live: true, argvError: null });
        expect(runner.calls).toEqual([]);
    });
    it("initialDestination, a known host's id (the Destination select's value), is chosen with its command", () => {
        const f = form(vm, hostUri(a), [a, b, c], "c.example").form;
        expect(f.choice).toBe("c.example");
        expect(f.dest?.uri).toBe(hostUri(c));
        expect(f.argv).toContain(hostUri(c));
        expect(f.argv).not.toContain(hostUri(b));
    });
    it("one that is not offered (the source itself, an unknown id) leaves the first one chosen", () => {
        expect(form(vm, hostUri(a), [a, b, c], "a.example").form.choice).toBe("localhost");
        expect(form(vm, hostUri(a), [a, b, c], "nowhere").form.choice).toBe("localhost");
        expect(form(vm, "qemu:///system", [], "nowhere").form.choice).toBe(OTHER);
    });
});
