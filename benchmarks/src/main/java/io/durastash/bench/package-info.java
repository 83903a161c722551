/**
 * Benchmarks that report ratios against a peer measured in the same run: the engine against raw RocksDB
 * ({@link io.durastash.bench.EngineBenchmark}), and the pair against MirrorMaker 2 on the test kit's in-process stack
 * for throughput, latency and a long soak; for throughput also against the Connect floor
 * ({@link io.durastash.bench.floor}) and Apache Flume's file channel in an agent process of its own. Here what is particular to measuring: the pipelines compared, the
 * samplers of threads, memory and latency, and the description of the machine.
 *
 * <p>No locks: a sampler or consumer thread publishes through atomics and volatiles, and its histograms are read
 * only after it has been joined.
 */
package io.durastash.bench;
