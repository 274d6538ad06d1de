/** Reading libvirt XML documents parsed by xml-js (non-compact form). */
import type { Element } from "xml-js";

/** Child elements, optionally only those with a name. */
export function kids(el: Element | undefined, name?: string): Element[] {
    return (el?.elements ?? []).filter(e => e.type === "element" && (!name || e.name === name));
}

export function kid(el: Element | undefined, name: string): Element | undefined {
    return kids(el, name)[0];
}

/** The element's text (or CDATA), trimmed; null when there is none. */
export function text(el: Element | undefined): string | null {
    const t = el?.elements?.find(e => e.type === "text" || e.type === "cdata");
    const v = t ? String(t.text ?? t.cdata ?? "").trim() : "";
    return v === "" ? null : v;
}

export function attr(el: Element | undefined, name: string): string | null {
    const v = el?.attributes?.[name];
    return v === undefined ? null : String(v);
}
