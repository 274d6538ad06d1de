import { describe, expect, it } from "vitest";
import { preflightInput, routeBetween } from "../../src/preflight/input";
import { defaultOptions } from "../../src/migration/options";
import { DOMAIN_STATES, type DomainState } from "../../src/domains/types";
import type { KnownHost } from "../../src/hosts/types";
import { uuidOf } from "./refs";

const known: KnownHost[] = [{ id: "b", address: "b.lab", sshUser: "admin", sshPort: 2222, transport: "ssh" }];
const route = routeBetween(
    "qemu:///system",
    { uri: "qemu+ssh://admin@b.lab:2222/system?no_tty=1", label: "b.lab" },
    known,
);
const vm = (state: DomainState) => ({ uuid: uuidOf("vm"), name: "vm", state });

describe("preflightInput", () => {
    it("is live exactly for the states with a QEMU process; shut off, crashed and no state move offline", () => {
        const live = DOMAIN_STATES.filter((s) => preflightInput(vm(s), route, defaultOptions(s)).live);
        expect(live).toEqual(["running", "blocked", "paused", "shutdown", "pmsuspended"]);
    });
    it("agrees with the options' default mode for every state", () => {
        for (const s of DOMAIN_STATES)
            expect(preflightInput(vm(s), route, defaultOptions(s)).live).toBe(defaultOptions(s).mode === "live");
    });
    it("names the VM by UUID for commands and by name for messages, and carries the extras", () => {
        const options = defaultOptions("running");
        expect(preflightInput(vm("running"), route, options, { measureDirtyRate: false })).toEqual({
            domain: "vm",
            uuid: uuidOf("vm"),
            sourceUri: "qemu:///system",
            destinationUri: "qemu+ssh://admin@b.lab:2222/system?no_tty=1",
            destinationLabel: "b.lab",
            sourceTarget: { kind: "local" },
            destinationTarget: { kind: "ssh", address: "b.lab", user: "admin", port: 2222 },
            options,
            live: true,
            measureDirtyRate: false,
        });
    });
});
