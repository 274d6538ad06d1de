/** What the rows of the Migrate dialog share: the options as chosen and a patch to them. */
import type { MigrationOptions } from "../../migration/options";

/** The destination choice that stands for "a host or URI typed in the field". */
export const OTHER = "__other__";

export interface OptionsProps {
    options: MigrationOptions;
    set(patch: Partial<MigrationOptions>): void;
}
