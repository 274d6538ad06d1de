/** Points a domain's file disks at new paths in its XML definition (xml-js), nothing else changed. */
import { xml2js, type Element } from "xml-js";
import { attr, kid, kids, writeXml } from "../domains/xml";

/** Replaces <disk type='file'><source file='FROM'/> by TO for each pair; returns the XML and how many changed. */
export function repointDisks(xml: string, map: ReadonlyMap<string, string>): { xml: string; changed: number } {
    const doc = xml2js(xml, { compact: false }) as Element;
    const domain = kid(doc, "domain");
    let changed = 0;
    for (const disk of kids(kid(domain, "devices"), "disk")) {
        const source = kid(disk, "source");
        const file = attr(source, "file");
        if (attr(disk, "type") === "file" && source && file !== null && map.has(file)) {
            source.attributes = { ...source.attributes, file: map.get(file)! };
            changed++;
        }
    }
    return { xml: writeXml(doc), changed };
}
