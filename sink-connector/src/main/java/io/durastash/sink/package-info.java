/**
 * The sink connector: {@link io.durastash.sink.StashSinkTask} is thin Connect glue over plain classes that write each
 * poll into the stash ({@link io.durastash.sink.StashWriter}, {@link io.durastash.sink.PollBatches}), track which input
 * offsets are safe to commit ({@link io.durastash.sink.InputOffsets}) and pause the input when the stash is full
 * ({@link io.durastash.sink.Backpressure}). One task, one thread: nothing here locks.
 */
package io.durastash.sink;
