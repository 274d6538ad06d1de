/**
 * A migration's steps on the page's timeline (`performance.mark("cockpit-migrate:migration STEP")`,
 * the record's id as the detail), as `src/boot.ts` marks the first screen's: bench/migrate.mjs
 * reads them to say where the time between the click and the verified result goes.
 */
export function markStep(step: string, id: string): void {
    globalThis.performance?.mark?.(`cockpit-migrate:migration ${step}`, { detail: id });
}
