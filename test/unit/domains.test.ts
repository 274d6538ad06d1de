import { describe, expect, it } from "vitest";
import { HOSTILE } from "./hostile";
import { domainsFrom, parseCapabilities, parseDomstats, parseNames, parseVersion } from "../../src/domains/parse";
import { loadDomains, loadDomainsArgvs } from "../../src/domains/load";
import type { Runner } from "../../pkg/lib/runner";

const DOMSTATS = `Domain: 'lab-tiny'
  state.state=1
  state.reason=1
  balloon.current=65536
  balloon.maximum=65536
  vcpu.current=1
  vcpu.maximum=1

Domain: 'it's "odd"'
  state.state=5
  state.reason=0
  balloon.current=131072
  balloon.maximum=262144
  vcpu.current=2
  vcpu.maximum=4

`;

describe("domain parsing", () => {
    it("reads domstats blocks, names verbatim", () => {
        const s = parseDomstats(DOMSTATS);
        expect(s.map(x => x.name)).toEqual(["lab-tiny", `it's "odd"`]);
        expect(s[1]!.fields.get("balloon.maximum")).toBe("262144");
    });
    it("combines with the persistent and autostart lists", () => {
        const d = domainsFrom(parseDomstats(DOMSTATS), [`it's "odd"`], ["lab-tiny"]);
        expect(d).toEqual([
            { name: `it's "odd"`, state: "shutoff", memoryKiB: 131072, maxMemoryKiB: 262144, vcpus: 2, persistent: true, autostart: false },
            { name: "lab-tiny", state: "running", memoryKiB: 65536, maxMemoryKiB: 65536, vcpus: 1, persistent: false, autostart: true },
        ]);
    });
    it("list --name", () => expect(parseNames("a\n-b\n\n")).toEqual(["a", "-b"]));
    it("version", () => {
        expect(parseVersion("Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nUsing API: QEMU 9.0.0\nRunning hypervisor: QEMU 7.2.22\n"))
            .toEqual({ libvirtVersion: "9.0.0", hypervisor: "QEMU 7.2.22" });
    });
    it("capabilities", () => {
        const xml = "<capabilities><host><uuid>18d4c149-c4ad-47cd-886c-b89ee699b6ad</uuid><cpu><arch>x86_64</arch><model>Broadwell-noTSX-IBRS</model><vendor>Intel</vendor></cpu></host></capabilities>";
        expect(parseCapabilities(xml)).toEqual({ hostUuid: "18d4c149-c4ad-47cd-886c-b89ee699b6ad", arch: "x86_64", cpuModel: "Broadwell-noTSX-IBRS", cpuVendor: "Intel" });
    });
    it("loads with three bulk calls on the URI, not one per domain", async () => {
        const calls: string[][] = [];
        const runner: Runner = { run: async (_t, argv) => { calls.push([...argv]); return argv.includes("domstats") ? DOMSTATS : argv.includes("--persistent") ? "lab-tiny\n" : "" } };
        const d = await loadDomains(runner, "qemu+tcp://127.0.0.2/system");
        expect(d.map(x => x.name)).toEqual([`it's "odd"`, "lab-tiny"]);
        expect(calls).toEqual(loadDomainsArgvs("qemu+tcp://127.0.0.2/system"));
        expect(calls.every(c => c[0] === "virsh" && c[1] === "-c" && c[2] === "qemu+tcp://127.0.0.2/system")).toBe(true);
    });
});

describe("writeXml: attribute values with & < > and quotes survive a round trip (xml-js alone leaves & and < raw)", () => {
    it("round-trips every hostile string as an attribute value and as text", async () => {
        const { xml2js } = await import("xml-js");
        const { writeXml, attr, kid, text } = await import("../../src/domains/xml");
        for (const s of HOSTILE.filter(h => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uD800-\uDFFF\uFFFE\uFFFF]/.test(h))) {
            const xml = writeXml({ elements: [{ type: "element", name: "source", attributes: { file: s }, elements: [{ type: "text", text: s }] }] });
            const back = kid(xml2js(xml, { compact: false }) as import("xml-js").Element, "source");
            expect(attr(back, "file"), JSON.stringify(s)).toBe(s);
            expect(text(back) ?? "", JSON.stringify(s)).toBe(s.trim());
        }
    });
});
