/** A destination's migration address in the options of a migration to it. */
import { migrationTarget } from "../hosts/uri";
import type { MigrationOptions } from "./options";

/**
 * The options with `--migrateuri tcp://ADDR --listen-address ADDR` for a destination whose known-host
 * entry names a migration address (its name resolves to a loopback or a wrong address), unless the
 * options already say where the data goes. No address: the options as they are.
 *
 * An offline migration gets `--migrateuri` only. libvirt starts no QEMU for it on the destination
 * (qemuMigrationDstPrepareFresh skips the incoming side; the source skips the Perform phase), so a
 * listen address is never used; but the destination's Prepare still reads the migration URI, and
 * without one it builds its own from its host name and refuses a name starting with "localhost"
 * (qemuMigrationDstPrepareDirect), which is one of the faults a migration address is set for.
 *
 * A tunnelled migration gets neither: its data travels inside libvirtd's connection.
 */
export function withMigrationAddress(o: MigrationOptions, address: string | undefined): MigrationOptions {
    // a tunnelled migration opens no connection to the destination's migration ports (libvirt refuses both options)
    if (!address || o.migrateUri || o.tunnelled) return o;
    const { migrateUri, listenAddress } = migrationTarget(address);
    return o.mode === "offline" ? { ...o, migrateUri } : { ...o, migrateUri, listenAddress };
}
