package io.durastash.bench;

import io.durastash.stash.model.StashOptions;
import io.durastash.testkit.Directories;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The DuraStash pair (sink and source on one stash) against MirrorMaker 2's {@code MirrorSourceConnector}
 * copying the same preloaded topic on the same broker, in the same process, with the same task count and
 * converters. Runs alternate (MM2, pair, MM2, pair, ...) after uncounted warm-up rounds, so both see the same
 * machine noise and a similar JIT state; prints every run (with the seconds the JIT compiled during it, to show
 * when warm-up is over) and the medians, and the ratio pair / MM2. With one warm-up round the JIT was still
 * compiling through the next three or four (a third of the CPU in round 2), so the default is three.
 *
 * <p>A run is timed from the moment its connectors are created until the output topic's end offsets add up
 * to all input records: connector start-up, consumer assignment, stash round trip and producer all count.
 * The time to the first output record and the rate after it are printed too, to tell start-up from
 * throughput. Every run writes a fresh output topic (and, for the pair, a fresh stash), deleted afterwards.
 *
 * <p>Two more peers (issue #17): {@code floor}, the Connect floor, a sink and a source in the same worker that pass
 * records through memory with the pair's offset discipline ({@link Pipeline#floor}); and {@code flume}, Apache
 * Flume's file channel between the same topics in a JVM of its own ({@link FlumeAgent}), whose CPU time is added to
 * the run's. The report gives the pair's ratio to each peer measured in the run.
 *
 * <p>Arguments ({@code --name value}): records (1000000), partitions (4), tasks (1), rounds (5), warm-ups (3), pipelines
 * ("mm2,pair,floor"; any of mm2, pair, floor, flume; "pair" alone for profiling), sync (true: the pair's stash.sync),
 * profile-threads (false: true prints where the task threads spend their wall-clock time, see
 * {@link TaskThreadSampler}), exactly-once (false: true runs MM2 and the pair exactly once on a worker with
 * exactly-once source support, and counts the output as a {@code read_committed} consumer reads it; the pipeline
 * "pair-delivered" is then the pair at its default {@code input.commit=delivered} in the same run, to show what the
 * transactions cost), plus {@link Tuning} overrides.
 */
public final class PipelineBenchmark {
    private static final long TIMEOUT_NANOS = 600_000_000_000L;
    private static final Map<String, String> LABELS = Map.of("mm2", "MM2", "floor", "floor", "flume", "Flume",
        "pair-delivered", "pair (input.commit=delivered)");
    /** MirrorMaker 2 exactly once (KIP-618): on a worker with exactly-once source support, reading only committed input. */
    private static final Map<String, String> EXACTLY_ONCE_MIRROR = Map.of("exactly.once.support", "required",
        "source.consumer.isolation.level", "read_committed");
    /** The pair exactly once: each stash batch delivered in a transaction that commits its input offsets. */
    private static final Map<String, String> EXACTLY_ONCE_SINK = Map.of("input.commit", "transactional");

    private PipelineBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = CommandLine.parse(argv, Set.of(), Set.of("--records", "--partitions", "--tasks", "--rounds",
            "--warm-ups", "--pipelines", "--sync", "--profile-threads", "--exactly-once"), Tuning.PREFIXES);
        long records = args.number("--records", 1_000_000, 1, Long.MAX_VALUE);
        int partitions = (int) args.number("--partitions", 4, 1, 1000);
        int tasks = (int) args.number("--tasks", 1, 1, 1000);
        int rounds = (int) args.number("--rounds", 5, 1, 1000);
        int warmUps = (int) args.number("--warm-ups", 3, 0, 1000);
        List<String> pipelines = List.of(args.string("--pipelines", "mm2,pair,floor").split(","));
        boolean sync = args.bool("--sync", true);
        boolean exactlyOnce = args.bool("--exactly-once", false);
        Tuning tuning = Tuning.from(args);
        Map<String, String> mirrorTuning = new LinkedHashMap<>(tuning.mirror());
        Map<String, String> sinkTuning = new LinkedHashMap<>(tuning.sink());
        if (exactlyOnce) {
            mirrorTuning.putAll(EXACTLY_ONCE_MIRROR);
            sinkTuning.putAll(EXACTLY_ONCE_SINK);
        }
        boolean profileThreads = args.bool("--profile-threads", false);
        NumberedRecords input = NumberedRecords.of("bench-input").bare();

        System.out.println("pipeline benchmark: " + Machine.describe());
        System.out.printf("%,d records of %d bytes in %d partitions, %d task(s) per connector, %d rounds of %s after "
            + "%d warm-up round(s); pair stash.sync=%s; exactly once: %s; tuning: %s%n", records,
            NumberedRecords.DEFAULT_VALUE_BYTES, partitions, tasks, rounds, pipelines, warmUps, sync,
            exactlyOnce ? "yes (MM2 " + EXACTLY_ONCE_MIRROR + ", pair " + EXACTLY_ONCE_SINK + ", output read read_committed)"
                : "no", tuning);
        Path stashDir = Files.createTempDirectory("durastash-bench-stash");
        String inputTopic = input.series();
        try (EmbeddedStack cluster = BenchStack.start(Map.of(), exactlyOnce)) {
            cluster.createTopic(inputTopic, partitions);
            long begin = System.nanoTime();
            RecordLoad.into(cluster.kafka(), inputTopic, input).producer(Map.of("linger.ms", "10")).count(records).produce();
            System.out.printf("preloaded %,d records in %.1f s%n", records, (System.nanoTime() - begin) / 1e9);

            Map<String, List<Run>> results = new LinkedHashMap<>();
            int id = 0;
            for (int round = -warmUps; round < rounds; round++) {
                for (String kind : pipelines) {
                    Peer pipeline = switch (kind.trim()) {
                        case "mm2" -> Pipeline.mirrorMaker(String.valueOf(id), inputTopic, cluster.bootstrapServers(), tasks,
                            mirrorTuning);
                        case "pair" -> Pipeline.stashPair(String.valueOf(id), inputTopic, "bench-output-" + id, stashDir, tasks,
                            sync, StashOptions.DEFAULT_MEMORY_BYTES, sinkTuning, tuning.source());
                        case "pair-delivered" -> Pipeline.stashPair(String.valueOf(id), inputTopic, "bench-output-" + id,
                            stashDir, tasks, sync, StashOptions.DEFAULT_MEMORY_BYTES, tuning.sink(), tuning.source());
                        case "floor" -> Pipeline.floor(String.valueOf(id), inputTopic, "floor-output-" + id, tasks,
                            tuning.sink(), tuning.source());
                        case "flume" -> FlumeAgent.fileChannel(String.valueOf(id), inputTopic, cluster.bootstrapServers(),
                            stashDir, tuning.sinkPollRecords(), tuning.sourcePollRecords(), tuning.flume());
                        default -> throw new IllegalArgumentException("Unknown pipeline '" + kind
                            + "': mm2, pair, pair-delivered, floor or flume");
                    };
                    id++;
                    TaskThreadSampler sampler = profileThreads && round >= 0 ? new TaskThreadSampler(5) : null;
                    Run run = run(cluster, pipeline, partitions, records, sampler, exactlyOnce);
                    System.out.printf("%-9s %-6s %s%n", round < 0 ? "warm-up " + (warmUps + round + 1) : "round " + (round + 1),
                        kind, run);
                    if (sampler != null) {
                        sampler.report(2.0);
                    }
                    if (round >= 0) {
                        results.computeIfAbsent(kind.trim(), k -> new ArrayList<>()).add(run);
                    }
                }
            }
            report(results);
        } finally {
            Directories.delete(stashDir);
        }
    }

    private static Run run(EmbeddedStack cluster, Peer pipeline, int partitions, long records, TaskThreadSampler sampler,
                           boolean exactlyOnce) throws Exception {
        String output = pipeline.outputTopic();
        cluster.createTopic(output, partitions);
        CommittedCount committed = exactlyOnce ? CommittedCount.of(cluster.bootstrapServers(), output, partitions) : null;
        LongSupplier written = committed != null ? committed::count : () -> cluster.kafka().written(output);
        double cpuBefore = ProcessMemory.processCpuSeconds();
        double jitBefore = ProcessMemory.jitSeconds();
        long gcBefore = ProcessMemory.gcCount();
        long start = System.nanoTime();
        pipeline.start(cluster);
        long first = -1;
        long countAtFirst = 0;
        long count = 0;
        long polls = 0;
        while (count < records) {
            if (System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException(pipeline.label() + " copied " + count + " of " + records + " records in "
                    + TIMEOUT_NANOS / 1_000_000_000L + " s");
            }
            Thread.sleep(20);
            count = Math.max(count, written.getAsLong());
            if (count > 0 && first < 0) {
                first = System.nanoTime();
                countAtFirst = count;
            }
            if (++polls % 50 == 0) {
                pipeline.checkNotFailed(cluster);
            }
        }
        long end = System.nanoTime();
        if (sampler != null) {
            sampler.stop();
        }
        double outsideCpu = pipeline.outsideCpuSeconds();
        double cpu = ProcessMemory.processCpuSeconds() - cpuBefore + outsideCpu;
        long gcs = ProcessMemory.gcCount() - gcBefore;
        double jit = ProcessMemory.jitSeconds() - jitBefore;
        Thread.sleep(1_000); // anything written twice shows up as more than `records` end offsets
        long finalCount = written.getAsLong();
        if (committed != null) {
            committed.close();
        }
        pipeline.delete(cluster);
        cluster.connect().kafka().deleteTopic(output);
        return new Run((end - start) / 1e9, (first - start) / 1e9, (records - countAtFirst) / ((end - first) / 1e9), records,
            finalCount, cpu, outsideCpu, jit, gcs);
    }

    private static void report(Map<String, List<Run>> results) {
        System.out.println();
        System.out.println("medians:");
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach((kind, runs) -> {
            List<Double> rates = runs.stream().map(Run::recordsPerSecond).toList();
            double total = median(rates);
            double afterFirst = median(runs.stream().map(Run::recordsPerSecondAfterFirst).toList());
            double firstAfter = median(runs.stream().map(Run::firstAfterSeconds).toList());
            double cpuPerMillion = median(runs.stream().map(r -> r.cpuSeconds() / r.records() * 1e6).toList());
            medians.put(kind, new double[] {total, afterFirst, cpuPerMillion});
            System.out.printf("  %-6s %,9.0f records/s start-to-end (runs %,.0f..%,.0f)   %,9.0f records/s after the first "
                + "record   first record after %.2f s   %.1f CPU-s per million records (whole process, plus a peer's own JVM)%n",
                kind, total, rates.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                rates.stream().mapToDouble(Double::doubleValue).max().orElse(0), afterFirst, firstAfter, cpuPerMillion);
        });
        double[] pair = medians.get("pair");
        if (pair != null) {
            medians.forEach((kind, peer) -> {
                if (!kind.equals("pair")) {
                    System.out.printf("  ratio pair / %s: %.2f start-to-end, %.2f after the first record; CPU per record %.2f%n",
                        LABELS.getOrDefault(kind, kind), pair[0] / peer[0], pair[1] / peer[1], pair[2] / peer[2]);
                }
            });
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One timed copy. */
    private record Run(double seconds, double firstAfterSeconds, double recordsPerSecondAfterFirst, long records,
                       long outputRecords, double cpuSeconds, double outsideCpuSeconds, double jitSeconds, long gcs) {
        double recordsPerSecond() {
            return records / seconds;
        }

        @Override
        public String toString() {
            return String.format("%6.2f s  %,9.0f records/s   first record after %5.2f s, then %,9.0f records/s   "
                    + "output %,d records   CPU %.1f s%s (JIT compiling %.1f s)   GCs %d", seconds, recordsPerSecond(),
                firstAfterSeconds, recordsPerSecondAfterFirst(), outputRecords, cpuSeconds,
                outsideCpuSeconds == 0 ? "" : String.format(", of which %.1f s in its own JVM", outsideCpuSeconds),
                jitSeconds, gcs);
        }
    }
}
