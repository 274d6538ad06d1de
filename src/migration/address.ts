/** A destination's migration address in the options of a migration to it. */
import { migrationTarget } from "../hosts/uri";
import type { MigrationOptions } from "./options";

/**
 * The options with `--migrateuri tcp://ADDR --listen-address ADDR` for a destination whose known-host
 * entry names a migration address (its name resolves to a loopback or a wrong address), unless the
 * options already say where the data goes. No address: the options as they are.
 */
export function withMigrationAddress(o: MigrationOptions, address: string | undefined): MigrationOptions {
    return address && !o.migrateUri ? { ...o, ...migrationTarget(address) } : o;
}
