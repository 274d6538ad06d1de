import { describe, expect, it } from "vitest";
import { HOSTILE } from "./hostile";

describe("writeXml: attribute values with & < > and quotes survive a round trip (xml-js alone leaves & and < raw)", () => {
    it("round-trips every hostile string as an attribute value and as text", async () => {
        const { xml2js } = await import("xml-js");
        const { writeXml, attr, kid, text } = await import("../../src/domains/xml");
        for (const s of HOSTILE.filter(
            (h) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uD800-\uDFFF\uFFFE\uFFFF]/.test(h),
        )) {
            const xml = writeXml({
                elements: [
                    { type: "element", name: "source", attributes: { file: s }, elements: [{ type: "text", text: s }] },
                ],
            });
            const back = kid(xml2js(xml, { compact: false }) as import("xml-js").Element, "source");
            expect(attr(back, "file"), JSON.stringify(s)).toBe(s);
            expect(text(back) ?? "", JSON.stringify(s)).toBe(s.trim());
        }
    });
});
