/**
 * The CPU baseline's new definitions against the real libvirt parser: `virsh -c test:///default
 * define` runs libvirt's own domain XML parsing and generic validation (without a daemon or a
 * guest), so what it refuses, a host would refuse at Apply. The qemu driver validates more (a
 * passthrough `<cache>` under `mode='custom'` is refused only there); the unit test of
 * `replaceCpuExplained` covers that part.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replaceCpu } from "../../src/cpu/definition";

const fx = (name: string) => readFileSync(new URL(`fixtures/cpu/${name}`, import.meta.url), "utf8");

/** libvirt's verdict on a definition: "" when it defines, else its error. */
function define(xml: string): string {
    const dir = mkdtempSync(join(tmpdir(), "cm-cpu-"));
    try {
        const file = join(dir, "domain.xml");
        writeFileSync(file, xml);
        const r = spawnSync("timeout", ["20", "virsh", "-q", "-c", "test:///default", "define", "--file", file], {
            encoding: "utf8",
        });
        return r.status === 0 ? "" : r.stderr.trim() || `exit ${r.status}`;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("a baseline applied to a host-passthrough VM defines in real libvirt (issue 17 item 5)", () => {
    const baseline = fx("baseline-intel3-qemu.xml");
    const passthrough = fx("domain-passthrough.xml");

    it("the VM as virt-manager defines it is valid to begin with", () => {
        expect(define(passthrough)).toBe("");
    });

    it("the result of Apply defines", () => {
        expect(define(replaceCpu(passthrough, baseline))).toBe("");
    });

    it("the control: what passthrough allows and custom does not is refused by libvirt, so the test can fail", () => {
        const after = replaceCpu(passthrough, baseline);
        expect(define(after.replace('<cpu mode="custom"', '<cpu migratable="on" mode="custom"'))).toMatch(
            /migratable is only allowed for 'host-passthrough'/,
        );
    });

    for (const f of ["domain-lab-dirty.xml", "domain-lab-disk.xml", "domain-numa.xml"])
        it(`${f}: the result of Apply defines as the original does`, () => {
            const before = fx(f);
            expect(define(before)).toBe("");
            expect(define(replaceCpu(before, baseline))).toBe("");
        });
});
