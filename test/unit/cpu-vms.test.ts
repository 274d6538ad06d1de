import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
    chosenByHost,
    domainVirtType,
    loadHostVms,
    otherTypeVms,
    typeBasis,
    virtTypeFor,
    virtTypeWarning,
    vmKey,
    type CpuVm,
} from "../../src/cpu/vms";
import type { Domain } from "../../src/domains/types";
import { ScriptedRunner } from "./fakes";
import { uuidOf } from "./refs";

const fixture = (f: string) => readFileSync(`test/unit/fixtures/cpu/${f}`, "utf8");
const A = { label: "This host", uri: "qemu:///system" };
const B = { label: "127.0.0.2", uri: "qemu+ssh://root@127.0.0.2/system" };
const domain = (name: string): Domain => ({
    uuid: uuidOf(name),
    name,
    state: "running",
    memoryKiB: null,
    maxMemoryKiB: null,
    vcpus: null,
    persistent: true,
    autostart: false,
});
const vm = (name: string, virttype: string | null, host = A): CpuVm => ({ host, domain: domain(name), virttype });

describe("the virtualization type of a definition", () => {
    it("is the domain's type attribute, as libvirt wrote it on the lab (TCG guests: qemu)", () => {
        expect(domainVirtType(fixture("domain-lab-disk.xml"))).toBe("qemu");
        expect(domainVirtType("<domain type='kvm'><name>x</name></domain>")).toBe("kvm");
        expect(domainVirtType("<network/>")).toBeNull();
        expect(domainVirtType("not xml <")).toBeNull();
    });
});

describe("the type a baseline is computed for", () => {
    it("follows the VMs: qemu when they run as qemu (not KVM by default)", () => {
        expect(virtTypeFor([vm("a", "qemu"), vm("b", "qemu", B)])).toEqual({ virttype: "qemu", types: ["qemu"] });
    });

    it("is the type most VMs run as when they differ, and says they differ", () => {
        expect(virtTypeFor([vm("a", "kvm"), vm("b", "qemu"), vm("c", "qemu")])).toEqual({
            virttype: "qemu",
            types: ["qemu", "kvm"],
        });
    });

    it("is KVM when no VM says (none, or none could be read)", () => {
        expect(virtTypeFor([])).toEqual({ virttype: "kvm", types: [] });
        expect(virtTypeFor([vm("a", null)]).virttype).toBe("kvm");
    });
});

describe("the mismatch warning", () => {
    it("names the VMs of another type than the baseline's, with their type", () => {
        const vms = [vm("lab-one", "qemu"), vm("lab-two", "qemu", B), vm("lab-k", "kvm")];
        expect(otherTypeVms("kvm", vms).map((x) => x.domain.name)).toEqual(["lab-one", "lab-two"]);
        const w = virtTypeWarning("kvm", vms);
        expect(w).toMatch(/^2 VMs do not run as kvm: lab-one \(qemu\), lab-two \(qemu\)\./);
        expect(virtTypeWarning("qemu", [vm("lab-k", "kvm")])).toMatch(/^1 VM does not run as qemu: lab-k \(kvm\)/);
    });

    it("is silent when every VM runs as the baseline's type, or a VM's type is unknown", () => {
        expect(virtTypeWarning("qemu", [vm("a", "qemu"), vm("b", null)])).toBeNull();
        expect(virtTypeWarning("kvm", [])).toBeNull();
    });
});

describe("the VMs the type follows", () => {
    // two VMs named lab-y, on B and on A: two VMs (two UUIDs), as on a fleet where names repeat
    const onB: CpuVm = { ...vm("lab-y", "kvm", B), domain: { ...domain("lab-y"), uuid: uuidOf("lab-y on B") } };
    const vms = [vm("lab-x", "qemu"), onB, vm("lab-y", "qemu")];
    it("is the VM the wizard was opened for, by its UUID, on its host", () => {
        expect(typeBasis(vms, { uuid: uuidOf("lab-y on B"), sourceUri: B.uri }).map((x) => x.virttype)).toEqual([
            "kvm",
        ]);
        // not the other lab-y, although its name is the same and its host is listed
        expect(typeBasis(vms, { uuid: uuidOf("lab-y"), sourceUri: B.uri }).map((x) => x.host.uri)).toEqual([A.uri]);
    });
    it("is that VM when its host is listed under another URI, else every VM", () => {
        expect(typeBasis(vms, { uuid: uuidOf("lab-x"), sourceUri: "qemu+ssh://root@127.0.0.1/system" })).toHaveLength(
            1,
        );
        expect(typeBasis(vms, { uuid: uuidOf("gone"), sourceUri: A.uri })).toHaveLength(3);
        expect(typeBasis(vms)).toHaveLength(3);
    });
});

describe("the VMs of every chosen host", () => {
    const tiny = uuidOf("lab-tiny"),
        disk = uuidOf("lab-disk"),
        moved = uuidOf("lab-moved");
    const listing = (uri: string): [RegExp, string][] => {
        const q = uri.replace(/[.+/]/g, "\\$&");
        const on =
            uri === A.uri
                ? [["lab-tiny", tiny, 1]]
                : [
                      ["lab-disk", disk, 1],
                      ["lab-moved", moved, 5],
                  ];
        return [
            [
                new RegExp(`^virsh -c ${q} domstats`),
                on.map(([n, , s]) => `Domain: '${n}'\n  state.state=${s}\n  state.reason=0\n`).join("\n") + "\n",
            ],
            [new RegExp(`^virsh -c ${q} list --all --uuid --name`), on.map(([n, u]) => `${u} ${n}`).join("\n") + "\n"],
            [new RegExp(`^virsh -c ${q} list --all --uuid --persistent`), on.map(([, u]) => u).join("\n") + "\n"],
            [new RegExp(`^virsh -c ${q} list --all --uuid --autostart`), "\n"],
        ];
    };
    const machine = (uri: string, id: string): [RegExp, string][] => {
        const q = uri.replace(/[.+/]/g, "\\$&");
        return [
            [new RegExp(`^virsh -c ${q} capabilities`), `<capabilities><host><uuid>${id}</uuid></host></capabilities>`],
            [new RegExp(`^virsh -c ${q} hostname`), `host-${id}\n`],
        ];
    };
    const A2 = { label: "127.0.0.1", uri: "qemu+ssh://root@127.0.0.1/system" };

    it("lists each machine's persistent VMs once, with the type of each, read through that host's URI", async () => {
        const runner = new ScriptedRunner([
            ...machine(A.uri, "11111111-1111-1111-1111-111111111111"),
            ...machine(A2.uri, "11111111-1111-1111-1111-111111111111"),
            ...machine(B.uri, "22222222-2222-2222-2222-222222222222"),
            ...listing(A.uri),
            ...listing(B.uri),
            [/dumpxml --domain \S+ --inactive$/, (argv) => `<domain type='${argv[2] === A.uri ? "kvm" : "qemu"}'/>`],
        ]);
        const got = await loadHostVms(runner, [A, A2, B]);
        expect(got.map((h) => [h.host.label, h.error, h.vms.map((x) => [x.domain.name, x.virttype])])).toEqual([
            ["This host", null, [["lab-tiny", "kvm"]]],
            [
                "127.0.0.2",
                null,
                [
                    ["lab-disk", "qemu"],
                    ["lab-moved", "qemu"],
                ],
            ],
        ]);
        // this machine under its address is not read twice
        expect(runner.ran(/127\.0\.0\.1.* (domstats|dumpxml)/)).toHaveLength(0);
        expect(runner.ran(/dumpxml/).map((c) => c.argv[2])).toEqual([A.uri, B.uri, B.uri]);
    });

    it("reports a host that cannot be listed, and keeps the others", async () => {
        const runner = new ScriptedRunner(
            [
                ...machine(A.uri, "11111111-1111-1111-1111-111111111111"),
                ...listing(A.uri),
                [/dumpxml/, "<domain type='qemu'/>"],
            ],
            { unknown: "run-error" },
        );
        const got = await loadHostVms(runner, [A, B]);
        expect(got[0]!.vms).toHaveLength(1);
        expect(got[1]).toMatchObject({ host: B, vms: [] });
        expect(got[1]!.error).toMatch(/^The VMs of 127\.0\.0\.2 could not be listed/);
    });

    it("groups the chosen VMs by host for applying, in the hosts' order", () => {
        const hosts = [
            { host: A, vms: [vm("a1", "qemu"), vm("a2", "qemu")], error: null },
            { host: B, vms: [vm("b1", "qemu", B)], error: null },
        ];
        const chosen = new Set([vmKey(hosts[1]!.vms[0]!), vmKey(hosts[0]!.vms[1]!)]);
        expect(chosenByHost(hosts, chosen).map((h) => [h.host.label, h.vms.map((x) => x.domain.name)])).toEqual([
            ["This host", ["a2"]],
            ["127.0.0.2", ["b1"]],
        ]);
        // the same name on two hosts is two VMs
        expect(vmKey(vm("x", "qemu"))).not.toBe(vmKey(vm("x", "qemu", B)));
    });
});
