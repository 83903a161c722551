package io.durastash.bench;

import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.testkit.Directories;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.embedded.EmbeddedStack;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A long outage's backlog, the work a buffer is bought for: the output side is down (no source connector) while the
 * input keeps what the sink has not taken, the stash fills to {@code stash.max.bytes} and the sink pauses; then the
 * source is created and everything drains while the sink stashes the rest of the input. Against MirrorMaker 2
 * copying the same input topic, in the same run.
 *
 * <p>The input is preloaded: {@code records} records of {@code value-bytes} random (incompressible) bytes, no key.
 * {@code stash.max.bytes} is the input's bytes divided by {@code stashed-share}. Figures, all from one run:
 * <ul>
 *   <li>the sink's rate alone: records stashed per second from the first until it paused at the limit;</li>
 *   <li>recovery: all input records per second from the source's creation until the output holds them all, against
 *   MirrorMaker 2's records per second from its creation until its copy holds them all;</li>
 *   <li>the sink's rate while the backlog drains: input records stashed per second from the source's creation until
 *   the sink has taken the whole input (its tasks' {@code put-record-total}; the stash's pending records plus the
 *   output's, read before, left out the records a drainer had claimed and not yet written, and so came late);</li>
 *   <li>the stash directory's bytes on disk (every file, sampled every 200 ms): the peak, over {@code stash.max.bytes};
 *   and {@code after-empty} seconds after the stash was empty, over the peak.</li>
 * </ul>
 *
 * <p>Arguments ({@code --name value}): records (2000000), value-bytes (500), stashed-share (3), partitions (4), tasks
 * (1), after-empty (60 s), rounds (1), pipelines ("mm2,pair"), keep-log (a file name: each round's copy of the stash's
 * RocksDB LOG, with its flushes and compactions, is kept as that name plus the round's number), plus {@link Tuning}
 * overrides. The disk peak is given with the moment it was seen and the bytes of SST, WAL and other files then.
 */
public final class BacklogBenchmark {
    private static final long SAMPLE_MS = 200;
    private static final long PAUSED_AFTER_MS = 3_000;
    private static final long TIMEOUT_MS = 900_000;
    private static final double MB = 1e6;

    private BacklogBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = CommandLine.parse(argv, Set.of(), Set.of("--records", "--value-bytes", "--stashed-share",
            "--partitions", "--tasks", "--after-empty", "--rounds", "--pipelines", "--keep-log"), Tuning.PREFIXES);
        long records = args.number("--records", 2_000_000, 1, Long.MAX_VALUE);
        int valueBytes = (int) args.number("--value-bytes", 500, 1, 10_000_000);
        long share = args.number("--stashed-share", 3, 1, 1000);
        int partitions = (int) args.number("--partitions", 4, 1, 1000);
        int tasks = (int) args.number("--tasks", 1, 1, 1000);
        long afterEmptyMs = args.number("--after-empty", 60, 0, 3600) * 1_000;
        int rounds = (int) args.number("--rounds", 1, 1, 100);
        List<String> pipelines = List.of(args.string("--pipelines", "mm2,pair").split(","));
        Tuning tuning = Tuning.from(args);
        String keepLog = args.string("--keep-log", null);
        long maxBytes = records * valueBytes / share;

        System.out.println("backlog benchmark: " + Machine.describe());
        System.out.printf("%,d records of %d random bytes (%.0f MB) in %d partitions, %d task(s) per connector; pair "
                + "stash.max.bytes=%,d (1/%d of the input), %d s watched after the stash is empty; %d round(s) of %s; "
                + "tuning: %s%n", records, valueBytes, records * valueBytes / MB, partitions, tasks, maxBytes, share,
            afterEmptyMs / 1000, rounds, pipelines, tuning);
        Path stashDir = Files.createTempDirectory("durastash-bench-backlog");
        String input = "backlog-input";
        try (EmbeddedStack cluster = BenchStack.start(Map.of())) {
            cluster.createTopic(input, partitions);
            long begin = System.nanoTime();
            preload(cluster.bootstrapServers(), input, partitions, records, valueBytes);
            System.out.printf("preloaded in %.1f s%n", (System.nanoTime() - begin) / 1e9);
            int id = 0;
            for (int round = 1; round <= rounds; round++) {
                for (String kind : pipelines) {
                    String name = "backlog-" + id++;
                    switch (kind.trim()) {
                        case "mm2" -> System.out.printf("round %d mm2   %s%n", round, copy(cluster,
                            Pipeline.mirrorMaker(name, input, cluster.bootstrapServers(), tasks, tuning.mirror()),
                            partitions, records));
                        case "pair" -> {
                            Map<String, String> sink = new HashMap<>(tuning.sink());
                            sink.putIfAbsent("stash.max.bytes", String.valueOf(maxBytes));
                            Pipeline pair = Pipeline.stashPair(name, input, name + "-output", stashDir, tasks, true,
                                StashOptions.DEFAULT_MEMORY_BYTES, sink, tuning.source());
                            System.out.printf("round %d pair  %s%n", round, outage(cluster, pair, partitions, records,
                                Long.parseLong(sink.get("stash.max.bytes")), afterEmptyMs,
                                keepLog == null ? null : Path.of(keepLog + "." + round)));
                        }
                        default -> throw new IllegalArgumentException("Unknown pipeline '" + kind + "': mm2 or pair");
                    }
                }
            }
        } finally {
            Directories.delete(stashDir);
        }
    }

    private static void preload(String bootstrap, String topic, int partitions, long records, int valueBytes) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        SplittableRandom random = new SplittableRandom(26);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (long i = 0; i < records; i++) {
                byte[] value = new byte[valueBytes];
                random.nextBytes(value);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value));
            }
            producer.flush();
        }
    }

    /** MirrorMaker 2's copy of the whole input: records per second from its creation until its copy holds them all. */
    private static String copy(EmbeddedStack cluster, Pipeline mirror, int partitions, long records) throws Exception {
        cluster.createTopic(mirror.outputTopic(), partitions);
        long start = System.nanoTime();
        mirror.start(cluster);
        long written = 0;
        while (written < records) {
            Thread.sleep(SAMPLE_MS);
            written = cluster.kafka().written(mirror.outputTopic());
            requireWithin(start, mirror.label(), written, records);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        mirror.delete(cluster);
        cluster.connect().kafka().deleteTopic(mirror.outputTopic());
        return String.format("copy %,9.0f records/s (%.1f s)", records / seconds, seconds);
    }

    private static String outage(EmbeddedStack cluster, Pipeline pair, int partitions, long records, long maxBytes,
                                 long afterEmptyMs, Path keepLog) throws Exception {
        String output = pair.outputTopic();
        cluster.createTopic(output, partitions);
        StashGaugeReader files = new StashGaugeReader(pair.connectors().get(0).name(), pair.stashPath());
        long start = System.nanoTime();
        cluster.connectors().deploy(pair.connectors().get(0));
        DiskPeak peak = new DiskPeak(files);
        long firstStashed = -1;
        long lastGrowth = start;
        long stashed = 0;
        while (stashed == 0 || System.nanoTime() - lastGrowth < PAUSED_AFTER_MS * 1_000_000) {
            Thread.sleep(SAMPLE_MS);
            peak.sample();
            long now = stats(pair).liveRecords();
            if (now > stashed) {
                stashed = now;
                lastGrowth = System.nanoTime();
                firstStashed = firstStashed < 0 ? lastGrowth : firstStashed;
            }
            requireWithin(start, "the sink", stashed, records);
            pair.checkNotFailed(cluster);
        }
        double sinkAlone = stashed / ((lastGrowth - firstStashed) / 1e9);
        long stashedAtPause = stashed;
        long peakAtPause = peak.bytes;

        long sourceStart = System.nanoTime();
        cluster.connectors().deploy(pair.connectors().get(1));
        long sinkDone = -1;
        long written = 0;
        while (written < records) {
            Thread.sleep(SAMPLE_MS);
            peak.sample();
            written = cluster.kafka().written(output);
            if (sinkDone < 0 && files.stashedRecords() >= records) {
                sinkDone = System.nanoTime();
            }
            requireWithin(start, pair.label(), written, records);
            pair.checkNotFailed(cluster);
        }
        long empty = System.nanoTime();
        double recovery = records / ((empty - sourceStart) / 1e9);
        double sinkWhileDraining = (records - stashedAtPause) / ((sinkDone - sourceStart) / 1e9);
        long after = files.directoryBytes();
        while (System.nanoTime() - empty < afterEmptyMs * 1_000_000) {
            Thread.sleep(SAMPLE_MS);
            after = files.directoryBytes();
        }
        long finalWritten = cluster.kafka().written(output);
        if (keepLog != null) {
            Files.copy(pair.stashPath().resolve("LOG"), keepLog, StandardCopyOption.REPLACE_EXISTING);
        }
        pair.delete(cluster);
        cluster.connect().kafka().deleteTopic(output);
        boolean whileFilling = peak.at < sourceStart;
        return String.format("recovery %,9.0f records/s (%.1f s)   sink alone %,9.0f records/s (%,d records stashed before "
                + "it paused), while the backlog drains %,9.0f records/s (ratio %.2f)   disk peak %.1f MB = %.2f of "
                + "stash.max.bytes, %.1f s after the %s's creation (%s; %.1f MB at the pause)   %d s after empty "
                + "%.1f MB = %.3f of the peak   output %,d records",
            recovery, (empty - sourceStart) / 1e9, sinkAlone, stashedAtPause, sinkWhileDraining,
            sinkWhileDraining / sinkAlone, peak.bytes / MB, (double) peak.bytes / maxBytes,
            (peak.at - (whileFilling ? start : sourceStart)) / 1e9, whileFilling ? "sink" : "source", peak.files,
            peakAtPause / MB, afterEmptyMs / 1000, after / MB, (double) after / peak.bytes, finalWritten);
    }

    /** The stash directory's largest size seen, when, and of what files. */
    private static final class DiskPeak {
        private final StashGaugeReader reader;
        long bytes;
        long at = System.nanoTime();
        StashGaugeReader.DirectoryBytes files;

        DiskPeak(StashGaugeReader reader) {
            this.reader = reader;
        }

        void sample() {
            StashGaugeReader.DirectoryBytes now = reader.directoryBytesByKind();
            if (now != null && now.total() > bytes) {
                bytes = now.total();
                at = System.nanoTime();
                files = now;
            }
        }
    }

    private static StashStats stats(Pipeline pair) {
        for (Stash stash : StashRegistry.jvm().openStashes()) {
            if (stash.path().equals(pair.stashPath())) {
                return stash.stats();
            }
        }
        return new StashStats(0, 0, 0, 0, 0, 0, 0, 0, 0, false);
    }

    private static void requireWithin(long start, String who, long count, long records) {
        if ((System.nanoTime() - start) / 1_000_000 > TIMEOUT_MS) {
            throw new IllegalStateException(who + " reached " + count + " of " + records + " records in "
                + TIMEOUT_MS / 1000 + " s");
        }
    }
}
