/**
 * Engine-level test helpers shared through common's test jar: numbered byte records ({@link io.durastash.stash.testing.TestRecords}),
 * a drainer driven as a source task would ({@link io.durastash.stash.testing.TestDrainer}), a clock that moves only when
 * told ({@link io.durastash.stash.testing.ManualClock}), and raw RocksDB access to damage a closed stash with the
 * engine's own column families and keys ({@link io.durastash.stash.testing.RawStash}).
 */
package io.durastash.stash.testing;
