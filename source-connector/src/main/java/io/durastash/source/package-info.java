/**
 * The source connector: {@link io.durastash.source.StashSourceTask} is thin Connect glue over the stash's
 * {@link io.durastash.stash.Drainer}, which owns claims, acknowledgements and the hand-over between tasks; this package
 * turns stashed records into {@code SourceRecord}s ({@link io.durastash.source.SourceRecordMapper}, topic template,
 * provenance headers) and reads and writes source offsets ({@link io.durastash.source.SourceOffsets}). No locks of its
 * own: {@code poll()} and {@code stop()} meet in the drainer's lock.
 */
package io.durastash.source;
