package io.durastash.bench;

import io.durastash.stash.model.StashOptions;
import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.Directories;
import io.durastash.testkit.process.Ports;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pair against MirrorMaker 2 as a new user meets them (issue #26's first row): the broker and the Connect worker
 * are separate OS processes of Kafka's own runtime, the plugin archive unzipped onto the worker's plugin.path, and
 * every copy runs on a <em>new</em> worker process, so neither peer has a warm JIT. A preloaded topic is copied at
 * defaults (config/local's pair without its poll size, MirrorMaker 2 doing nothing but copy), and the clock runs from
 * the connectors' creation over the REST API until the output's end offsets add up to every input record. The peers
 * alternate, round after round, on the same broker (whose page cache holds the input for both); each worker forms a
 * Connect cluster of its own.
 *
 * <p>Arguments ({@code --name value}): records (1000000), value-bytes (100), partitions (4), tasks (1), rounds (3),
 * pipelines ("mm2,pair";
 * "pair-unmarked" is the pair without its loop header, {@code loop.header=false}),
 * profile (none: a directory to write each worker's JDK Flight Recorder profile of its copy to), plugin (the build's
 * plugin archive: another build's, to compare two versions of the pair against the same peer), plus {@link Tuning}
 * overrides.
 */
public final class ColdStartBenchmark {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final Duration WORKER_STOP = Duration.ofSeconds(20);
    private static final String RECORDING = "cold-start";

    private ColdStartBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = CommandLine.parse(argv, Set.of(), Set.of("--records", "--partitions", "--tasks", "--rounds",
            "--pipelines", "--profile", "--plugin", "--value-bytes"), Tuning.PREFIXES);
        long records = args.number("--records", 1_000_000, 1, Long.MAX_VALUE);
        int partitions = (int) args.number("--partitions", 4, 1, 1000);
        int tasks = (int) args.number("--tasks", 1, 1, 1000);
        int rounds = (int) args.number("--rounds", 3, 1, 100);
        List<String> pipelines = List.of(args.string("--pipelines", "mm2,pair").split(","));
        Path profiles = args.value("--profile").map(dir -> Path.of(dir).toAbsolutePath()).orElse(null);
        Tuning tuning = Tuning.from(args);
        BuildInfo build = BuildInfo.load();
        Path plugin = args.value("--plugin").map(Path::of).orElse(build.pluginArchive()).toAbsolutePath();
        int valueBytes = (int) args.number("--value-bytes", NumberedRecords.DEFAULT_VALUE_BYTES, 1, 10_000_000);
        NumberedRecords input = NumberedRecords.of("cold-input").bare().withValueBytes(valueBytes);

        System.out.println("cold-start benchmark: " + Machine.describe());
        System.out.printf("%,d records of %d bytes in %d partitions, %d task(s) per connector, %d rounds of %s, each on a "
            + "new worker process; plugin %s; tuning: %s%n", records, valueBytes, partitions, tasks,
            rounds, pipelines, plugin, tuning);
        Path root = Files.createTempDirectory("durastash-cold");
        try (ProcessStack stack = ProcessStack.open(root, build.kafkaClasspathFile(), build.configDir(),
            System.out::println)) {
            stack.installPlugin(plugin);
            stack.startBroker(Ports.anyFree(), Ports.anyFree(), ProcessStack.PARTITIONS, Map.of());
            stack.createTopic(input.series(), partitions);
            long begin = System.nanoTime();
            RecordLoad.into(stack.kafka(), input.series(), input).producer(Map.of("linger.ms", "10")).count(records)
                .produce();
            System.out.printf("preloaded %,d records in %.1f s%n", records, (System.nanoTime() - begin) / 1e9);

            Map<String, List<Copy>> results = new LinkedHashMap<>();
            int id = 0;
            for (int round = 1; round <= rounds; round++) {
                for (String kind : pipelines) {
                    Copy copy = copy(stack, kind.trim(), String.valueOf(id++), input.series(), partitions, tasks, records,
                        tuning, profiles);
                    System.out.printf("round %d %-13s %s%n", round, kind, copy);
                    results.computeIfAbsent(kind.trim(), k -> new ArrayList<>()).add(copy);
                }
            }
            report(results);
        } finally {
            Directories.delete(root);
        }
    }

    /** One copy on a worker process of its own, started for it and stopped after it. */
    private static Copy copy(ProcessStack stack, String kind, String id, String inputTopic, int partitions, int tasks,
                             long records, Tuning tuning, Path profiles) throws Exception {
        long booting = System.nanoTime();
        // A Connect cluster of its own: a worker of an earlier round that had to be killed cannot hold up this one's
        // first rebalance until its session expires.
        String cluster = "cold-connect-" + id;
        WorkerProcess worker = startWorker(stack, WorkerSpec.distributed("cold-" + id).property("group.id", cluster)
            .property("config.storage.topic", cluster + "-configs").property("offset.storage.topic", cluster + "-offsets")
            .property("status.storage.topic", cluster + "-status"), kind, id, profiles);
        double bootSeconds = (System.nanoTime() - booting) / 1e9;
        Pipeline pipeline = switch (kind) {
            case "mm2" -> Pipeline.mirrorMaker(id, inputTopic, stack.bootstrapServers(), tasks, tuning.mirror());
            case "pair" -> Pipeline.stashPair(id, inputTopic, "cold-output-" + id, worker.stashDir(), tasks, true,
                StashOptions.DEFAULT_MEMORY_BYTES, tuning.sink(), tuning.source());
            case "pair-unmarked" -> Pipeline.stashPair(id, inputTopic, "cold-output-" + id, worker.stashDir(), tasks, true,
                StashOptions.DEFAULT_MEMORY_BYTES, tuning.sink(), unmarked(tuning.source()));
            default -> throw new IllegalArgumentException("Unknown pipeline '" + kind + "': mm2, pair or pair-unmarked");
        };
        String output = pipeline.outputTopic();
        stack.createTopic(output, partitions);
        double cpuBefore = cpuSeconds(worker);
        long start = System.nanoTime();
        pipeline.connectors().forEach(worker.connectors()::deploy);
        long first = -1;
        long count = 0;
        for (long polls = 1; count < records; polls++) {
            if (System.nanoTime() - start > TIMEOUT.toNanos()) {
                throw new IllegalStateException(pipeline.label() + " copied " + count + " of " + records + " records in "
                    + TIMEOUT.toSeconds() + " s; the worker's log: " + worker.process().log());
            }
            Thread.sleep(20);
            count = stack.kafka().written(output);
            if (count > 0 && first < 0) {
                first = System.nanoTime();
            }
            if (polls % 50 == 0) {
                pipeline.connectors().forEach(connector -> worker.connectors().requireNotFailed(connector.name()));
            }
        }
        long end = System.nanoTime();
        double cpu = cpuSeconds(worker) - cpuBefore;
        if (profiles != null) {
            dumpRecording(worker, profiles.resolve(kind + "-" + id + ".jfr"));
        }
        Thread.sleep(1_000); // anything written twice shows up as more than `records` end offsets
        long written = stack.kafka().written(output);
        for (ConnectorConfig connector : pipeline.connectors()) {
            worker.connectors().delete(connector.name());
        }
        boolean clean = worker.stop(WORKER_STOP);
        stack.kafka().deleteTopic(output);
        Directories.delete(worker.stashDir());
        return new Copy((end - start) / 1e9, (first - start) / 1e9, records, written, cpu, bootSeconds, clean);
    }

    /** The source's settings without the loop header, whose cost on small records the "pair-unmarked" run shows. */
    private static Map<String, String> unmarked(Map<String, String> source) {
        Map<String, String> settings = new LinkedHashMap<>(source);
        settings.put("loop.header", "false");
        return settings;
    }

    /** Starts the worker, recording with JDK Flight Recorder (its profile settings) when {@code profiles} is given. */
    private static WorkerProcess startWorker(ProcessStack stack, WorkerSpec spec, String kind, String id, Path profiles)
        throws IOException {
        if (profiles != null) {
            Files.createDirectories(profiles);
            spec.jvmOption("-XX:StartFlightRecording=name=" + RECORDING + ",settings=profile");
        }
        return stack.startWorker(spec);
    }

    /** Writes the worker's recording so far to {@code file} (jcmd), before the worker stops. */
    private static void dumpRecording(WorkerProcess worker, Path file) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(worker.process().pid()), "JFR.dump", "name=" + RECORDING,
            "filename=" + file).redirectErrorStream(true).start();
        String said = new String(jcmd.getInputStream().readAllBytes());
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd could not dump the worker's recording to " + file + ": " + said);
        }
        System.out.println("  profile: " + file);
    }

    /** The worker process's CPU time so far (user and system, from the OS). */
    private static double cpuSeconds(WorkerProcess worker) {
        return ProcessHandle.of(worker.process().pid()).flatMap(handle -> handle.info().totalCpuDuration())
            .map(duration -> duration.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static void report(Map<String, List<Copy>> results) {
        System.out.println();
        System.out.println("medians:");
        Map<String, Double> medians = new LinkedHashMap<>();
        results.forEach((kind, copies) -> {
            double rate = PipelineBenchmark.median(copies.stream().map(Copy::recordsPerSecond).toList());
            medians.put(kind, rate);
            System.out.printf("  %-13s %,9.0f records/s start-to-end   first record after %.2f s   %.1f worker CPU-s per "
                    + "million records%n", kind, rate, PipelineBenchmark.median(copies.stream().map(Copy::firstAfterSeconds)
                    .toList()), cpuPerRecord(copies) * 1e6);
        });
        List<Copy> mirror = results.get("mm2");
        if (mirror == null) {
            return;
        }
        results.forEach((kind, copies) -> {
            if (kind.equals("mm2")) {
                return;
            }
            System.out.printf("  ratio %s / MM2: %.2f (medians); round by round:", kind, medians.get(kind)
                / medians.get("mm2"));
            for (int i = 0; i < Math.min(copies.size(), mirror.size()); i++) {
                System.out.printf(" %.2f", copies.get(i).recordsPerSecond() / mirror.get(i).recordsPerSecond());
            }
            System.out.printf("; worker CPU per record %.2f%n", cpuPerRecord(copies) / cpuPerRecord(mirror));
        });
    }

    private static double cpuPerRecord(List<Copy> copies) {
        return PipelineBenchmark.median(copies.stream().map(copy -> copy.cpuSeconds() / copy.records()).toList());
    }

    /** One timed copy: seconds from the connectors' creation, and the worker it ran on. */
    private record Copy(double seconds, double firstAfterSeconds, long records, long outputRecords, double cpuSeconds,
                        double workerBootSeconds, boolean stoppedCleanly) {
        double recordsPerSecond() {
            return records / seconds;
        }

        @Override
        public String toString() {
            return String.format("%6.2f s  %,9.0f records/s   first record after %5.2f s   output %,d records   worker CPU "
                    + "%.1f s   (worker up in %.1f s, %s)", seconds, recordsPerSecond(), firstAfterSeconds, outputRecords,
                cpuSeconds, workerBootSeconds, stoppedCleanly ? "stopped cleanly" : "killed after " + WORKER_STOP.toSeconds()
                    + " s");
        }
    }
}
