/**
 * The engine's internals, behind {@link io.durastash.stash.Stash} and {@link io.durastash.stash.Drainer}. Each class
 * has one job:
 * <ul>
 *   <li>{@link io.durastash.stash.internals.StashDb}: the RocksDB handle, its options and column families
 *       ({@link io.durastash.stash.internals.Family}), its close order, and the one place that takes the lifecycle
 *       lock, checks the handle is open and translates errors; writes go through
 *       {@link io.durastash.stash.internals.StashWrite}, scans through
 *       {@link io.durastash.stash.internals.FamilyCursor}. Only this package holds a {@code RocksDB} or a
 *       {@code ColumnFamilyHandle}.</li>
 *   <li>{@link io.durastash.stash.internals.Recovery}: format version, identity, and the queue rebuilt from
 *       {@code meta} on open.</li>
 *   <li>{@link io.durastash.stash.internals.BatchLog}: the writes of the batch lifecycle (append, claim metadata,
 *       deletion) and the deferred LOADED marks ({@link io.durastash.stash.internals.LoadedMarks}).</li>
 *   <li>{@link io.durastash.stash.internals.DrainQueue}: what the stash holds, in memory, in batch order; the next
 *       id; who drains; waiting and waking.</li>
 *   <li>{@link io.durastash.stash.internals.WalSync}: the group commit, one WAL sync, when the drainer needs one, for
 *       every append written since the last that must be durable before it is delivered.</li>
 *   <li>{@link io.durastash.stash.internals.BatchStream}, {@link io.durastash.stash.internals.RecordCursor},
 *       {@link io.durastash.stash.internals.Acknowledgements}, {@link io.durastash.stash.internals.ResumePoint}: what a
 *       drainer hands out and how it counts Kafka's acknowledgements.</li>
 *   <li>{@link io.durastash.stash.internals.SinkOffsetStore}: the sink connectors' stashed offsets.</li>
 *   <li>{@link io.durastash.stash.internals.StashKeys}, {@link io.durastash.stash.internals.StashJson}: the on-disk
 *       keys and the one metadata parser.</li>
 * </ul>
 * Public so that the facade, the quarantine and the inspection can use them; not an API for connectors or tools.
 */
package io.durastash.stash.internals;
