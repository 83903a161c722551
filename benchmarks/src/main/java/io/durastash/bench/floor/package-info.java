/**
 * The Connect floor the pipeline benchmark measures the DuraStash pair against: a sink and a source connector in one
 * worker that pass records through memory ({@link io.durastash.bench.floor.HandOff}) instead of a stash, with the
 * pair's offset discipline (an input offset is committed once its record's copy was acknowledged). What it costs is
 * what any sink-plus-source design on Connect costs; the gap between it and the pair is the stash's.
 *
 * <p>No locks: the hand-off's queue, semaphore and acknowledged offsets are concurrent structures shared by the sink
 * task thread, the source task thread and the source's producer thread (which calls {@code commitRecord}).
 */
package io.durastash.bench.floor;
