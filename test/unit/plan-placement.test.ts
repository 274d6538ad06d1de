import { describe, expect, it } from "vitest";
import { planEvacuation, planRebalance, limits, type PlanHost, type PlanVm } from "../../src/plan/placement";
import { DEFAULT_POLICY } from "../../src/preflight/policy";
import { uuidOf } from "./refs";

const GiB = 1048576;

const host = (id: string, memGiB: number, committedGiB = 0, cpus = 4): PlanHost => ({
    id,
    label: id,
    uri: `qemu+ssh://root@${id}/system`,
    memoryKiB: memGiB * GiB,
    cpus,
    committedKiB: committedGiB * GiB,
    committedVcpus: 0,
});

const vm = (
    name: string,
    hostId: string,
    memGiB: number,
    blocked: Record<string, string> = {},
    running = true,
): PlanVm => ({ name, uuid: uuidOf(name), hostId, running, memoryKiB: memGiB * GiB, vcpus: 1, blocked });

const policy = { ...DEFAULT_POLICY, hostReserveMiB: 0 };

describe("evacuation placement", () => {
    it("largest first, each to the host with the most headroom; deterministic", () => {
        const hosts = [host("a", 16, 7), host("b", 8), host("c", 8, 2)];
        const vms = [vm("small", "a", 1), vm("big", "a", 4), vm("mid", "a", 2)];
        const p = planEvacuation("a", hosts, vms, policy);
        expect(p.moves.map((m) => `${m.vm}→${m.to}`)).toEqual(["big→b", "mid→c", "small→b"]);
        expect(planEvacuation("a", hosts, [...vms].reverse(), policy)).toEqual(p);
        expect(p.after.find((u) => u.hostId === "a")!.memoryKiB).toBe(0);
        expect(p.after.find((u) => u.hostId === "b")!.memoryKiB).toBe(5 * GiB);
    });
    it("a VM that cannot move anywhere is listed with every host's reason", () => {
        const p = planEvacuation(
            "a",
            [host("a", 16), host("b", 8), host("c", 8)],
            [
                vm("gpu", "a", 1, {
                    b: "Devices that cannot migrate: pci 0000:01:00.0",
                    c: "Devices that cannot migrate: pci 0000:01:00.0",
                }),
                vm("ok", "a", 1),
            ],
            policy,
        );
        expect(p.moves.map((m) => m.vm)).toEqual(["ok"]);
        expect(p.unmovable).toEqual([
            {
                vm: "gpu",
                reason: "b: Devices that cannot migrate: pci 0000:01:00.0; c: Devices that cannot migrate: pci 0000:01:00.0",
            },
        ]);
    });
    it("the policy limits what a host takes, counting the plan's own earlier moves", () => {
        const p = planEvacuation("a", [host("a", 16), host("b", 4)], [vm("x", "a", 3), vm("y", "a", 2)], policy);
        expect(p.moves.map((m) => m.vm)).toEqual(["x"]);
        expect(p.unmovable[0]).toMatchObject({
            vm: "y",
            reason: expect.stringMatching(/b: not enough memory under the policy \(1\.0 GiB free, 2\.0 GiB needed\)/),
        });
        expect(
            planEvacuation("a", [host("a", 16), host("b", 4)], [vm("y", "a", 2)], {
                ...policy,
                memoryCommitPercent: 25,
            }).unmovable,
        ).toHaveLength(1);
        expect(limits(host("b", 4), { ...policy, hostReserveMiB: 1024 }).memoryKiB).toBe(3 * GiB);
    });
    it("shut-off VMs move only when asked, and take no room", () => {
        const hosts = [host("a", 8), host("b", 1)];
        expect(planEvacuation("a", hosts, [vm("off", "a", 4, {}, false)], policy).moves).toEqual([]);
        expect(planEvacuation("a", hosts, [vm("off", "a", 4, {}, false)], policy, true).moves).toEqual([
            { vm: "off", uuid: uuidOf("off"), from: "a", to: "b", memoryKiB: 0, vcpus: 0 },
        ]);
    });
});

describe("rebalance", () => {
    it("moves VMs from the fullest host to the emptiest while the spread shrinks", () => {
        const hosts = [host("a", 8, 6), host("b", 8, 0), host("c", 8, 2)];
        const vms = [vm("v1", "a", 2), vm("v2", "a", 2), vm("v3", "a", 2), vm("w", "c", 2)];
        const p = planRebalance(hosts, vms, policy);
        const ratios = p.after.map((u) => u.ratio);
        expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(
            Math.max(...p.before.map((u) => u.ratio)) - Math.min(...p.before.map((u) => u.ratio)),
        );
        expect(p.moves[0]).toMatchObject({ from: "a", to: "b" });
        expect(planRebalance(hosts, vms, policy)).toEqual(p);
    });
    it("balanced hosts: nothing to do", () => {
        expect(
            planRebalance([host("a", 8, 2), host("b", 8, 2)], [vm("x", "a", 2), vm("y", "b", 2)], policy).moves,
        ).toEqual([]);
    });
});
