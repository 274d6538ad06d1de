/** Reading libvirt XML documents parsed by xml-js (non-compact form). */
import { js2xml, type Element } from "xml-js";

/** Child elements, optionally only those with a name. */
export function kids(el: Element | undefined, name?: string): Element[] {
    return (el?.elements ?? []).filter((e) => e.type === "element" && (!name || e.name === name));
}

export function kid(el: Element | undefined, name: string): Element | undefined {
    return kids(el, name)[0];
}

/** The element's text (or CDATA), trimmed; null when there is none. */
export function text(el: Element | undefined): string | null {
    const t = el?.elements?.find((e) => e.type === "text" || e.type === "cdata");
    const v = t ? String(t.text ?? t.cdata ?? "").trim() : "";
    return v === "" ? null : v;
}

export function attr(el: Element | undefined, name: string): string | null {
    const v = el?.attributes?.[name];
    return v === undefined ? null : String(v);
}

/**
 * Writes an xml-js document. xml-js escapes text but leaves `&` and `<` in attribute values as they
 * are (it only turns `"` into `&quot;`), which would make a path like `/images/a&b.qcow2` unreadable
 * XML: every document we write goes through here, which escapes them first (on a copy).
 */
export function writeXml(doc: Element | { elements: Element[] }, spaces = 0): string {
    const escape = (el: Element): Element => ({
        ...el,
        ...(el.attributes
            ? {
                  attributes: Object.fromEntries(
                      Object.entries(el.attributes).map(([k, v]) => [
                          k,
                          typeof v === "string"
                              ? v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
                              : v,
                      ]),
                  ),
              }
            : {}),
        ...(el.elements ? { elements: el.elements.map(escape) } : {}),
    });
    return js2xml(escape(doc as Element), { compact: false, spaces });
}
