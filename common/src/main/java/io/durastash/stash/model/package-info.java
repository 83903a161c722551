/**
 * The values that cross the engine's API, and what its callers implement: a poll's batches on their way in
 * ({@link io.durastash.stash.model.NewBatch}, {@link io.durastash.stash.model.EncodedRecord}), the batches and records
 * a drainer hands out ({@link io.durastash.stash.model.BatchMetadata}, {@link io.durastash.stash.model.BatchRecord},
 * {@link io.durastash.stash.model.StashPosition}), the callbacks ({@link io.durastash.stash.model.RecordEmitter},
 * {@link io.durastash.stash.model.DeliveryGate}), counters and options, and the exceptions. The floor of the engine: it
 * depends on nothing of DuraStash outside itself ({@code ArchitectureTest}).
 */
package io.durastash.stash.model;
