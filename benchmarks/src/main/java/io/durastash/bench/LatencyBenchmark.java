package io.durastash.bench;

import io.durastash.stash.model.StashOptions;
import io.durastash.testkit.Directories;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End-to-end latency of the pipelines at a fixed input rate: each input record carries its send time as its
 * timestamp, both pipelines keep the timestamp, and a consumer of the output topic takes {@code now - timestamp}
 * when a poll hands it the record. So a latency covers the input producer's batching, the broker, the pipeline
 * and the output fetch. Records sent in the warm-up are not counted.
 *
 * <p>Each mode runs on fresh topics: "pair" (stash.sync=true, the default), "pair-nosync" (stash.sync=false: the
 * WAL is synced before each offset commit instead), "mm2" (MirrorMaker 2, for reference).
 *
 * <p>Arguments ({@code --name value}): rate (records/s, required: half the maximum PipelineBenchmark measured),
 * seconds (60, measured), warmup (90 s: with 30 s the first mode still ran while the JIT compiled, and the pair,
 * which runs first, started its measurement behind), partitions (4), segment-bytes (Kafka's default 1 GiB: the
 * input and output topics' {@code segment.bytes}; the broker fsyncs each rolled segment on the disk the stash
 * shares with it here), tasks (1), modes ("pair,pair-nosync,mm2"), stash-parent (the directory the stashes go under;
 * java.io.tmpdir, where the broker's log goes too: with {@code -Djava.io.tmpdir=/dev/shm} in {@code bench.jvm} and
 * {@code --stash-parent /tmp} the broker's log is on a tmpfs, as on a broker host of its own, its flushes cost the
 * stash's disk nothing, and the figure is the pipeline's), read-committed (false: true reads the output
 * {@code read_committed}, as a reader of exactly-once output does; with {@code --sink.input.commit transactional} a
 * record then counts when its transaction commits), profile-threads
 * (false: true prints where the task threads spend their wall-clock time, see {@link TaskThreadSampler}), plus
 * {@link Tuning} overrides.
 */
public final class LatencyBenchmark {
    /** The measured time is also reported in windows of this length, to tell a steady latency from a stall. */
    private static final long WINDOW_SECONDS = 10;

    private LatencyBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = CommandLine.parse(argv, Set.of(), Set.of("--rate", "--seconds", "--warmup", "--partitions",
            "--tasks", "--modes", "--segment-bytes", "--profile-threads", "--stash-parent", "--read-committed"),
            Tuning.PREFIXES);
        if (!args.has("--rate")) {
            throw new IllegalArgumentException("--rate <records/s> is required: half the maximum PipelineBenchmark measured");
        }
        long rate = args.number("--rate", 0, 1, Long.MAX_VALUE);
        long seconds = args.number("--seconds", 60, 1, Long.MAX_VALUE);
        long warmup = args.number("--warmup", 90, 0, Long.MAX_VALUE);
        int partitions = (int) args.number("--partitions", 4, 1, 1000);
        int tasks = (int) args.number("--tasks", 1, 1, 1000);
        List<String> modes = List.of(args.string("--modes", "pair,pair-nosync,mm2").split(","));
        Tuning tuning = Tuning.from(args);
        boolean profileThreads = args.bool("--profile-threads", false);
        String isolation = args.bool("--read-committed", false) ? "read_committed" : "read_uncommitted";
        String segmentBytes = args.string("--segment-bytes", null);
        Map<String, String> topicConfig = segmentBytes == null ? Map.of() : Map.of("segment.bytes", segmentBytes);

        System.out.println("latency benchmark: " + Machine.describe());
        System.out.printf("input %,d records/s of %d bytes into %d partitions for %d s (+%d s warm-up, not counted), "
            + "%d task(s) per connector; topic config %s; output read %s; tuning: %s%n", rate,
            NumberedRecords.DEFAULT_VALUE_BYTES, partitions, seconds, warmup, tasks, topicConfig, isolation, tuning);
        Path stashParent = Path.of(args.string("--stash-parent", System.getProperty("java.io.tmpdir")));
        Path stashDir = Files.createTempDirectory(stashParent, "durastash-bench-stash");
        System.out.printf("stashes under %s; the broker's log under %s (java.io.tmpdir)%n", stashDir,
            System.getProperty("java.io.tmpdir"));
        List<String> rows = new ArrayList<>();
        try (EmbeddedStack cluster = BenchStack.start(Map.of())) {
            int id = 0;
            for (String mode : modes) {
                String input = "latency-input-" + id;
                Pipeline pipeline = switch (mode.trim()) {
                    case "pair" -> Pipeline.stashPair(String.valueOf(id), input, "latency-output-" + id, stashDir, tasks,
                        true, StashOptions.DEFAULT_MEMORY_BYTES, tuning.sink(), tuning.source());
                    case "pair-nosync" -> Pipeline.stashPair(String.valueOf(id), input, "latency-output-" + id, stashDir,
                        tasks, false, StashOptions.DEFAULT_MEMORY_BYTES, tuning.sink(), tuning.source());
                    case "mm2" -> Pipeline.mirrorMaker(String.valueOf(id), input, cluster.bootstrapServers(), tasks,
                        tuning.mirror());
                    default -> throw new IllegalArgumentException("Unknown mode '" + mode + "': pair, pair-nosync or mm2");
                };
                id++;
                String row = run(cluster, pipeline, input, partitions, topicConfig, rate, seconds, warmup, profileThreads,
                    isolation);
                System.out.println(row);
                rows.add(row);
            }
        } finally {
            Directories.delete(stashDir);
        }
        System.out.println();
        System.out.println("summary:");
        rows.forEach(System.out::println);
    }

    private static String run(EmbeddedStack cluster, Pipeline pipeline, String input, int partitions,
                              Map<String, String> topicConfig, long rate, long seconds, long warmup,
                              boolean profileThreads, String isolation) throws Exception {
        cluster.createTopic(input, partitions, topicConfig);
        cluster.createTopic(pipeline.outputTopic(), partitions, topicConfig);
        pipeline.start(cluster);
        pipeline.awaitRunning(cluster);
        Thread.sleep(2_000); // consumer group joined, drainer elected

        long countFrom = System.currentTimeMillis() + warmup * 1_000;
        RecordLoad load = RecordLoad.into(cluster.kafka(), input, NumberedRecords.of(input).bare()).rate(rate)
            .producer(Map.of("linger.ms", "1"));
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        LatencyHistogram histogram = new LatencyHistogram();
        LatencyHistogram[] windows = new LatencyHistogram[(int) ((seconds + WINDOW_SECONDS - 1) / WINDOW_SECONDS)];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new LatencyHistogram();
        }
        AtomicLong received = new AtomicLong();
        Thread consumer = new Thread(() -> {
            try {
                consume(cluster, pipeline.outputTopic(), partitions, countFrom, histogram, windows, received, load,
                    producing, isolation);
            } catch (Throwable t) {
                consumerFailure.set(t);
            }
        }, "latency-consumer");
        consumer.start();
        TaskThreadSampler sampler = profileThreads ? new TaskThreadSampler(5) : null;
        long start = System.nanoTime();
        load.start();
        Thread.sleep((warmup + seconds) * 1_000);
        long acknowledged = load.stop(Duration.ofMinutes(2)).acknowledged();
        double achieved = load.sent() / ((System.nanoTime() - start) / 1e9);
        producing.set(false);
        consumer.join(120_000);
        if (sampler != null) {
            sampler.report(2.0);
            sampler.printTimeline();
        }
        pipeline.checkNotFailed(cluster);
        pipeline.delete(cluster);
        if (consumerFailure.get() != null) {
            throw new IllegalStateException("The output consumer failed", consumerFailure.get());
        }
        for (int i = 0; i < windows.length; i++) {
            System.out.printf("  %-22s records sent %3d..%3d s: p50 %5d ms  p99 %5d ms  max %5d ms  (%,d records)%n",
                pipeline.label(), i * WINDOW_SECONDS, (i + 1) * WINDOW_SECONDS, windows[i].percentile(0.5),
                windows[i].percentile(0.99), windows[i].max(), windows[i].count());
        }
        String missing = received.get() >= acknowledged ? "" : String.format("   MISSING %,d of %,d records",
            acknowledged - received.get(), acknowledged);
        return String.format("%-24s input %,8.0f records/s   latency p50 %5d ms   p90 %5d ms   p99 %5d ms   p99.9 %5d ms"
                + "   max %5d ms   (%,d records measured)%s", pipeline.label(), achieved, histogram.percentile(0.50),
            histogram.percentile(0.90), histogram.percentile(0.99), histogram.percentile(0.999), histogram.max(),
            histogram.count(), missing);
    }

    /** Reads the output until every sent record arrived (or 60 s after the producer stopped). */
    private static void consume(EmbeddedStack cluster, String topic, int partitions, long countFrom,
                                LatencyHistogram histogram, LatencyHistogram[] windows, AtomicLong received, RecordLoad sent,
                                AtomicBoolean producing, String isolation) {
        Map<String, Object> props = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = cluster.connect().kafka().createConsumer(props)) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long stoppedAt = -1;
            while (true) {
                if (!producing.get()) {
                    if (stoppedAt < 0) {
                        stoppedAt = System.nanoTime();
                    }
                    if (received.get() >= sent.sent() || System.nanoTime() - stoppedAt > 60_000_000_000L) {
                        return;
                    }
                }
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.timestamp() >= countFrom) {
                        histogram.record(now - record.timestamp());
                        int window = (int) ((record.timestamp() - countFrom) / (WINDOW_SECONDS * 1_000));
                        windows[Math.min(window, windows.length - 1)].record(now - record.timestamp());
                    }
                }
                received.addAndGet(records.count());
            }
        }
    }
}
