/** A thin typed wrapper over cockpit.gettext, usable before cockpit.js loads (e.g. in unit tests). */
import type { Cockpit } from "./cockpit";

function cockpitOrNull(): Cockpit | null {
    return typeof window !== "undefined" && window.cockpit ? window.cockpit : null;
}

export function _(text: string): string {
    return cockpitOrNull()?.gettext(text) ?? text;
}

export function ngettext(singular: string, plural: string, n: number): string {
    return cockpitOrNull()?.ngettext(singular, plural, n) ?? (n === 1 ? singular : plural);
}

/** Replaces $0, $1 … like cockpit.format. */
export function format(template: string, ...args: unknown[]): string {
    return template.replace(/\$(\d+)/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}
