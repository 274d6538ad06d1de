/**
 * The data hooks' first render, through react-dom/server (no DOM here: effects do not run on the server, so this is
 * what a view shows before anything has loaded, and proof that rendering alone runs no command).
 */
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { AppLocation } from "../../pkg/lib/location";
import { LOCAL_HOST_ID, type KnownHost } from "../../src/hosts/types";
import { hostUri } from "../../src/hosts/uri";
import {
    useAdmin,
    useDestinationChoices,
    useIdentity,
    useLoader,
    useLocationPath,
    useMachineList,
    type Loaded,
} from "../../src/ui/hooks";
import { ServicesContext, type Services } from "../../src/ui/services";
import { MemoryFiles, ScriptedRunner } from "./fakes";

function services(): Services & { runner: ScriptedRunner } {
    const location: AppLocation = { path: () => ["vm", "x"], go: () => undefined, watch: () => () => undefined };
    return {
        runner: new ScriptedRunner([]),
        files: new MemoryFiles(),
        location,
        watchAdmin: () => () => undefined,
        userName: async () => null,
    };
}

/** What `hook` returns on the first render, inside the services. */
function firstRender<T>(hook: () => T, s: Services = services()): T {
    let seen: { value: T } | null = null;
    const Probe = (): ReactNode => {
        seen = { value: hook() };
        return null;
    };
    renderToString(createElement(ServicesContext.Provider, { value: s }, createElement(Probe)));
    if (!seen) throw new Error("the probe did not render");
    return (seen as { value: T }).value;
}

const host = (address: string): KnownHost => ({ id: address, address, sshUser: "root", transport: "ssh" });

describe("useLoader, first render", () => {
    it("is loading, with no data and no error, and has not called load yet", () => {
        let loads = 0;
        const r: Loaded<number> = firstRender(() =>
            useLoader("k", async () => {
                loads++;
                return 1;
            }),
        );
        expect(r).toMatchObject({ data: null, error: null, loading: true });
        expect(typeof r.reload).toBe("function");
        expect(loads).toBe(0);
    });
});

describe("useDestinationChoices, first render (machines not read yet)", () => {
    it("offers nothing until the machines are read (127.0.0.1 may be this host, a.example the source) and runs no command", () => {
        const s = services();
        const a = host("a.example"),
            b = host("b.example");
        for (const source of [hostUri(a), "qemu:///system"])
            expect(firstRender(() => useDestinationChoices(source, [a, b, host("127.0.0.1")]), s)).toEqual({
                choices: [],
                reading: true,
            });
        expect(s.runner.calls).toEqual([]);
    });
});

describe("useMachineList, first render", () => {
    it("is this host, then every known host by its address (nothing merged before the machines are read)", () => {
        const s = services();
        expect(firstRender(() => useMachineList([host("127.0.0.1")]).hosts, s).map((h) => [h.id, h.label])).toEqual([
            [LOCAL_HOST_ID, "This host"],
            ["127.0.0.1", "127.0.0.1"],
        ]);
        expect(s.runner.calls).toEqual([]);
    });
});

describe("the other hooks, first render", () => {
    it("useIdentity knows nothing yet; useAdmin is undecided; useLocationPath reads the location", () => {
        const s = services();
        expect(firstRender(() => useIdentity("qemu:///system"), s)).toEqual({});
        expect(firstRender(() => useAdmin(), s)).toBeNull();
        expect(firstRender(() => useLocationPath(), s)[0]).toEqual(["vm", "x"]);
        expect(s.runner.calls).toEqual([]);
    });
});
