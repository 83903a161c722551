/**
 * The stash engine's API: {@link io.durastash.stash.Stash} (open, stats, disk, and the doors to the quarantine and the
 * inspection), a sink connector's {@link io.durastash.stash.SinkLedger} (its appends, syncs and reclaims, its gate, its
 * stashed offsets, runs and refetches), a source task's {@link io.durastash.stash.Drainer} (its claim on draining a
 * stash, with its state), and {@link io.durastash.stash.StashRegistry} (one shared handle per directory per JVM). Behind
 * them, {@code StashCore} holds the engine in use and {@code StashEngine} its parts. The values that cross the API are
 * in {@link io.durastash.stash.model}. Nothing here touches RocksDB; that is in {@code io.durastash.stash.internals}.
 *
 * <p>Lock order, outermost first: the registry's monitor; a drainer's lock; the group commit's monitor
 * ({@code WalSync}, held across a WAL sync); the database's lifecycle lock
 * ({@code StashDb}, read for every call, write for close); a cursor's monitor; the drain queue's monitor and the
 * loaded marks' monitor, which are leaves (nothing is locked, and no I/O happens, while they are held).
 */
package io.durastash.stash;
