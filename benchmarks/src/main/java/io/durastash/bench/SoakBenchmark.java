package io.durastash.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pair under a steady input rate for a long time: is throughput flat, does the stash stay small (it drains
 * as fast as it fills, and RocksDB reclaims what was acknowledged), and does the process's memory stay within
 * its caps (heap: -Xmx; native: stash.memory.bytes for RocksDB) instead of creeping up? Samples every few
 * seconds and prints a line per minute; measures the live heap with a full GC after the first minute and at the end.
 *
 * <p>The broker, the Connect worker and the load generator share this JVM, so heap and resident memory are the
 * whole process's: a flat line is the claim, not a small one. Input and output topics keep 2 minutes of data
 * (64 MiB segments, retention checked every 30 s) so the broker's disk stays bounded too.
 *
 * <p>Arguments ({@code --name value}): minutes (10), rate (records/s, required), partitions (4), tasks (1),
 * sample (10 s), memory (stash.memory.bytes, 64 MiB), sync (true), plus {@link Tuning} overrides.
 */
public final class SoakBenchmark {
    private static final double MIB = 1024.0 * 1024;

    private SoakBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("minutes", "rate", "partitions", "tasks", "sample", "memory", "sync"),
            Tuning.PREFIXES);
        double minutes = args.doubleValue("minutes", 10);
        double rate = args.doubleValue("rate", Double.NaN);
        if (Double.isNaN(rate)) {
            throw new IllegalArgumentException("--rate <records/s> is required");
        }
        int partitions = args.intValue("partitions", 4);
        int tasks = args.intValue("tasks", 1);
        long sampleMs = args.longValue("sample", 10) * 1_000;
        long memoryBytes = args.longValue("memory", 64L * 1024 * 1024);
        boolean sync = args.bool("sync", true);
        Tuning tuning = Tuning.from(args);

        System.out.println("soak benchmark: " + Machine.describe());
        System.out.printf("pair (stash.sync=%s, stash.memory.bytes=%,d = %.0f MiB) at %,.0f records/s of %d bytes into %d "
                + "partitions for %.1f minutes, %d task(s) per connector; tuning: %s%n", sync, memoryBytes,
            memoryBytes / MIB, rate, InputRecords.VALUE_BYTES, partitions, minutes, tasks, tuning);
        Path stashDir = Files.createTempDirectory("durastash-bench-stash");
        Map<String, String> retention = Map.of("retention.ms", "120000", "segment.bytes", String.valueOf(64 * 1024 * 1024));
        try (BenchCluster cluster = BenchCluster.start(60_000, Map.of("log.retention.check.interval.ms", "30000"))) {
            Pipeline pipeline = Pipeline.stashPair("soak", "soak-input", "soak-output", stashDir, tasks, sync, memoryBytes,
                tuning.sink(), tuning.source());
            cluster.createTopic("soak-input", partitions, retention);
            cluster.createTopic(pipeline.outputTopic(), partitions, retention);
            pipeline.start(cluster);
            pipeline.awaitRunning(cluster);
            String sink = pipeline.connectors().keySet().iterator().next();
            StashGaugeReader gauges = new StashGaugeReader(sink, pipeline.stashPath());
            System.out.printf("started; memory now: %s%n", memory(ProcessMemory.now()));

            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            long durationMs = (long) (minutes * 60_000);
            Thread producer = new Thread(() -> {
                try {
                    new InputRecords().produceAtRate(cluster.kafka(), "soak-input", rate, durationMs, sent);
                } catch (Throwable t) {
                    producerFailure.set(t);
                }
            }, "soak-producer");
            long start = System.nanoTime();
            producer.start();

            List<Sample> samples = new ArrayList<>();
            long liveHeapAtOneMinute = -1;
            samples.add(sample(0, cluster, pipeline, partitions, gauges, sent));
            System.out.println("stash live bytes from JMX " + gauges.source() + ", directory size from "
                + pipeline.stashPath());
            long next = sampleMs;
            while (producer.isAlive()) {
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                if (elapsed < next) {
                    Thread.sleep(Math.min(500, next - elapsed));
                    continue;
                }
                Sample sample = sample(elapsed, cluster, pipeline, partitions, gauges, sent);
                samples.add(sample);
                Sample previous = samples.get(samples.size() - 2);
                System.out.printf("%6.0f s  in %,8.0f/s  out %,8.0f/s  stash live %6.1f MiB  dir %6.1f MiB  heap %5.0f MiB "
                        + "(after GC %5.0f, committed %5.0f)  RSS %5.0f MiB (anon %5.0f, of which native not accounted "
                        + "by the JVM %5.0f)%n", elapsed / 1e3,
                    sample.ratePerSecondIn(previous), sample.ratePerSecondOut(previous), sample.liveBytes / MIB,
                    sample.dirBytes / MIB, sample.memory.heapUsedBytes() / MIB, sample.memory.heapAfterGcBytes() / MIB,
                    sample.memory.heapCommittedBytes() / MIB, sample.memory.rssBytes() / MIB,
                    sample.memory.rssAnonBytes() / MIB, sample.memory.unaccountedNativeBytes() / MIB);
                pipeline.checkNotFailed(cluster);
                if (liveHeapAtOneMinute < 0 && elapsed >= 60_000) {
                    liveHeapAtOneMinute = ProcessMemory.liveHeapAfterFullGc();
                    System.out.printf("live heap after a full GC at %.0f s: %.0f MiB%n", elapsed / 1e3,
                        liveHeapAtOneMinute / MIB);
                }
                next += sampleMs;
            }
            producer.join();
            if (producerFailure.get() != null) {
                throw new IllegalStateException("The input producer failed", producerFailure.get());
            }
            long drainStart = System.nanoTime();
            long out = cluster.endOffsetSum(pipeline.outputTopic(), partitions);
            while (out < sent.get() && System.nanoTime() - drainStart < 120_000_000_000L) {
                Thread.sleep(200);
                out = cluster.endOffsetSum(pipeline.outputTopic(), partitions);
            }
            System.out.printf("input %,d records, output %,d records (%s) %.1f s after the input stopped%n", sent.get(), out,
                out == sent.get() ? "all, none twice" : out > sent.get() ? "some twice" : "MISSING " + (sent.get() - out),
                (System.nanoTime() - drainStart) / 1e9);
            long liveHeapAtEnd = ProcessMemory.liveHeapAfterFullGc();
            report(samples, memoryBytes);
            System.out.printf("live heap after a full GC: %s at 1 minute, %.0f MiB at the end%n",
                liveHeapAtOneMinute < 0 ? "n/a (shorter run)" : String.format("%.0f MiB", liveHeapAtOneMinute / MIB),
                liveHeapAtEnd / MIB);
            pipeline.delete(cluster);
        } finally {
            Pipeline.deleteRecursively(stashDir);
        }
    }

    private static Sample sample(long elapsedMs, BenchCluster cluster, Pipeline pipeline, int partitions,
                                 StashGaugeReader gauges, AtomicLong sent) {
        return new Sample(elapsedMs, sent.get(), cluster.endOffsetSum(pipeline.outputTopic(), partitions),
            gauges.liveBytes(), gauges.directoryBytes(), ProcessMemory.now(), ProcessMemory.processCpuSeconds());
    }

    /** One line per minute: rates over the minute, the largest stash and memory figures seen in it. */
    private static void report(List<Sample> samples, long memoryBytes) {
        System.out.println();
        System.out.printf("per minute (stash.memory.bytes %.0f MiB, heap cap -Xmx %.0f MiB):%n", memoryBytes / MIB,
            Runtime.getRuntime().maxMemory() / MIB);
        System.out.println("minute   in rec/s   out rec/s   stash live MiB (max)   stash dir MiB (max)   heap used MiB (max)"
            + "   heap after GC MiB   heap committed MiB   RSS MiB (max)   RSS anon MiB (max)   native not accounted "
            + "by the JVM MiB   CPU cores");
        Sample minuteStart = samples.get(0);
        int minute = 1;
        List<Sample> inMinute = new ArrayList<>();
        List<Double> outRates = new ArrayList<>();
        for (Sample sample : samples.subList(1, samples.size())) {
            inMinute.add(sample);
            boolean last = sample == samples.get(samples.size() - 1);
            if (sample.elapsedMs >= minute * 60_000L || last) {
                double outRate = sample.ratePerSecondOut(minuteStart);
                outRates.add(outRate);
                System.out.printf("%6d   %,8.0f    %,8.0f    %12.1f           %12.1f          %10.0f            %10.0f"
                        + "           %10.0f   %12.0f       %12.0f       %20.0f             %5.2f%n", minute,
                    sample.ratePerSecondIn(minuteStart), outRate,
                    inMinute.stream().mapToLong(s -> s.liveBytes).max().orElse(0) / MIB,
                    inMinute.stream().mapToLong(s -> s.dirBytes).max().orElse(0) / MIB,
                    inMinute.stream().mapToLong(s -> s.memory.heapUsedBytes()).max().orElse(0) / MIB,
                    sample.memory.heapAfterGcBytes() / MIB, sample.memory.heapCommittedBytes() / MIB,
                    inMinute.stream().mapToLong(s -> s.memory.rssBytes()).max().orElse(0) / MIB,
                    inMinute.stream().mapToLong(s -> s.memory.rssAnonBytes()).max().orElse(0) / MIB,
                    sample.memory.unaccountedNativeBytes() / MIB,
                    (sample.cpuSeconds - minuteStart.cpuSeconds) / ((sample.elapsedMs - minuteStart.elapsedMs) / 1e3));
                minuteStart = sample;
                inMinute.clear();
                minute++;
            }
        }
        double min = outRates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = outRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf("output rate per minute: min %,.0f, max %,.0f records/s (spread %.1f%% of the max)%n", min, max,
            max == 0 ? 0 : 100 * (max - min) / max);
    }

    private static String memory(ProcessMemory memory) {
        return String.format("heap %.0f MiB, RSS %.0f MiB (anon %.0f MiB)", memory.heapUsedBytes() / MIB,
            memory.rssBytes() / MIB, memory.rssAnonBytes() / MIB);
    }

    private record Sample(long elapsedMs, long in, long out, long liveBytes, long dirBytes, ProcessMemory memory,
                          double cpuSeconds) {
        double ratePerSecondIn(Sample previous) {
            return (in - previous.in) / ((elapsedMs - previous.elapsedMs) / 1e3);
        }

        double ratePerSecondOut(Sample previous) {
            return (out - previous.out) / ((elapsedMs - previous.elapsedMs) / 1e3);
        }
    }
}
