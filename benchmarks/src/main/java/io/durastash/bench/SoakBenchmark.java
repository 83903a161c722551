package io.durastash.bench;

import io.durastash.testkit.Directories;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        CommandLine args = CommandLine.parse(argv, Set.of(), Set.of("--minutes", "--rate", "--partitions", "--tasks",
            "--sample", "--memory", "--sync"), Tuning.PREFIXES);
        double minutes = args.decimal("--minutes", 10);
        if (!args.has("--rate")) {
            throw new IllegalArgumentException("--rate <records/s> is required");
        }
        long rate = args.number("--rate", 0, 1, Long.MAX_VALUE);
        int partitions = (int) args.number("--partitions", 4, 1, 1000);
        int tasks = (int) args.number("--tasks", 1, 1, 1000);
        long sampleMs = args.number("--sample", 10, 1, Long.MAX_VALUE) * 1_000;
        long memoryBytes = args.number("--memory", 64L * 1024 * 1024, 1, Long.MAX_VALUE);
        boolean sync = args.bool("--sync", true);
        Tuning tuning = Tuning.from(args);

        System.out.println("soak benchmark: " + Machine.describe());
        System.out.printf("pair (stash.sync=%s, stash.memory.bytes=%,d = %.0f MiB) at %,d records/s of %d bytes into %d "
                + "partitions for %.1f minutes, %d task(s) per connector; tuning: %s%n", sync, memoryBytes,
            memoryBytes / MIB, rate, NumberedRecords.DEFAULT_VALUE_BYTES, partitions, minutes, tasks, tuning);
        Path stashDir = Files.createTempDirectory("durastash-bench-stash");
        Map<String, String> retention = Map.of("retention.ms", "120000", "segment.bytes", String.valueOf(64 * 1024 * 1024));
        try (EmbeddedStack cluster = BenchStack.start(Map.of("log.retention.check.interval.ms", "30000"))) {
            Pipeline pipeline = Pipeline.stashPair("soak", "soak-input", "soak-output", stashDir, tasks, sync, memoryBytes,
                tuning.sink(), tuning.source());
            cluster.createTopic("soak-input", partitions, retention);
            cluster.createTopic(pipeline.outputTopic(), partitions, retention);
            pipeline.start(cluster);
            pipeline.awaitRunning(cluster);
            String sink = pipeline.connectors().get(0).name();
            StashGaugeReader gauges = new StashGaugeReader(sink, pipeline.stashPath());
            System.out.printf("started; memory now: %s%n", memory(ProcessMemory.now()));

            long durationMs = (long) (minutes * 60_000);
            RecordLoad producer = RecordLoad.into(cluster.kafka(), "soak-input", NumberedRecords.of("soak-input").bare())
                .rate(rate).producer(Map.of("linger.ms", "1"));
            long start = System.nanoTime();
            producer.start();

            List<Sample> samples = new ArrayList<>();
            long liveHeapAtOneMinute = -1;
            samples.add(sample(0, cluster, pipeline, gauges, producer));
            System.out.println("stash live bytes from JMX " + gauges.source() + ", directory size from "
                + pipeline.stashPath());
            long next = sampleMs;
            for (long elapsed = 0; elapsed < durationMs && producer.running();
                 elapsed = (System.nanoTime() - start) / 1_000_000) {
                if (elapsed < next) {
                    Thread.sleep(Math.min(500, next - elapsed));
                    continue;
                }
                Sample sample = sample(elapsed, cluster, pipeline, gauges, producer);
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
            long sent = producer.stop(Duration.ofMinutes(2)).acknowledged();
            long drainStart = System.nanoTime();
            long out = cluster.kafka().written(pipeline.outputTopic());
            while (out < sent && System.nanoTime() - drainStart < 120_000_000_000L) {
                Thread.sleep(200);
                out = cluster.kafka().written(pipeline.outputTopic());
            }
            System.out.printf("input %,d records, output %,d records (%s) %.1f s after the input stopped%n", sent, out,
                out == sent ? "all, none twice" : out > sent ? "some twice" : "MISSING " + (sent - out),
                (System.nanoTime() - drainStart) / 1e9);
            long liveHeapAtEnd = ProcessMemory.liveHeapAfterFullGc();
            report(samples, memoryBytes);
            System.out.printf("live heap after a full GC: %s at 1 minute, %.0f MiB at the end%n",
                liveHeapAtOneMinute < 0 ? "n/a (shorter run)" : String.format("%.0f MiB", liveHeapAtOneMinute / MIB),
                liveHeapAtEnd / MIB);
            pipeline.delete(cluster);
        } finally {
            Directories.delete(stashDir);
        }
    }

    private static Sample sample(long elapsedMs, EmbeddedStack cluster, Pipeline pipeline, StashGaugeReader gauges,
                                 RecordLoad producer) {
        return new Sample(elapsedMs, producer.sent(), cluster.kafka().written(pipeline.outputTopic()),
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
