/** A human-readable message from anything thrown across the layers. */
export function errorText(e: unknown): string {
    if (e instanceof Error) return e.message;
    if (typeof e === "object" && e !== null) {
        const o = e as { message?: unknown; problem?: unknown };
        if (typeof o.message === "string" && o.message) return o.message;
        if (typeof o.problem === "string") return o.problem;
    }
    return String(e);
}
