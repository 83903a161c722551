/**
 * The stash engine's API: {@link io.durastash.stash.Stash} (append, stats, sink offsets, and a door to the quarantine
 * and inspection), {@link io.durastash.stash.Drainer} (one task's claim on draining a stash, with its state),
 * {@link io.durastash.stash.StashRegistry} (one shared handle per directory per JVM), and the values that cross the
 * API: {@link io.durastash.stash.model.NewBatch} and {@link io.durastash.stash.model.EncodedRecord} going in,
 * {@link io.durastash.stash.model.BatchMetadata}, {@link io.durastash.stash.model.BatchRecord} and
 * {@link io.durastash.stash.model.StashPosition} coming out. Nothing here touches RocksDB; that is in
 * {@code io.durastash.stash.internals}.
 *
 * <p>Lock order, outermost first: the registry's monitor; a drainer's lock; the group commit's monitor
 * ({@code WalSync}, held across a WAL sync); the database's lifecycle lock
 * ({@code StashDb}, read for every call, write for close); a cursor's monitor; the drain queue's monitor and the
 * loaded marks' monitor, which are leaves (nothing is locked, and no I/O happens, while they are held).
 */
package io.durastash.stash;
