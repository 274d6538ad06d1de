import { describe, expect, it } from "vitest";
import { machineOf, sameMachine } from "../../src/hosts/machine";
import { RunError, type Runner } from "../../pkg/lib/runner";

describe("one machine, however it is reached", () => {
    const uuid: Record<string, string | null> = {
        "qemu:///system": "761a9c68-4309-48f8-bb21-fbaaca6aee70 vm",
        "qemu+ssh://root@127.0.0.1/system": "761a9c68-4309-48f8-bb21-fbaaca6aee70 vm",
        "qemu+ssh://root@127.0.0.2/system": "b0000000-0000-4000-8000-000000000002 lab-b",
        "qemu+ssh://root@down/system": null,
    };
    it("the same host UUID is the same machine; an unknown one never matches", () => {
        expect(sameMachine(uuid["qemu:///system"], uuid["qemu+ssh://root@127.0.0.1/system"])).toBe(true);
        expect(sameMachine(uuid["qemu:///system"], uuid["qemu+ssh://root@127.0.0.2/system"])).toBe(false);
        expect(sameMachine(null, null)).toBe(false);
        expect(sameMachine(uuid["qemu+ssh://root@down/system"], undefined)).toBe(false);
    });
    it("a cloned installation (the same host UUID, another host name) is another machine", () => {
        expect(
            sameMachine("b0000000-0000-4000-8000-000000000002 lab-b", "b0000000-0000-4000-8000-000000000002 lab-d"),
        ).toBe(false);
    });
    it("reads the host UUID from virsh capabilities and the name from virsh hostname; a host that does not answer is unknown", async () => {
        const runner: Runner = {
            run: async (_t, argv) => {
                if (argv[2] === "qemu+ssh://root@down/system") throw new RunError("unreachable", "no route", argv);
                return argv[3] === "hostname"
                    ? "vm\n"
                    : "<capabilities><host><uuid>761A9C68-4309-48F8-BB21-FBAACA6AEE70</uuid></host></capabilities>";
            },
        };
        expect(await machineOf(runner, "qemu:///system")).toBe("761a9c68-4309-48f8-bb21-fbaaca6aee70 vm");
        expect(await machineOf(runner, "qemu+ssh://root@down/system")).toBeNull();
    });
});
