/**
 * Damaged entries set aside so that the rest of the stash keeps flowing:
 * {@link io.durastash.stash.quarantine.QuarantineStore} moves an entry that fails its checksum into the
 * {@code quarantine} column family, with the reason, in one synced write; {@link io.durastash.stash.quarantine.Quarantine}
 * is what an operator does with them (list, requeue what is intact again, purge). Repairs are serialised by the
 * quarantine's own monitor, taken before the database's lifecycle lock.
 */
package io.durastash.stash.quarantine;
