package io.durastash.bench;

import io.durastash.testkit.Directories;
import io.durastash.testkit.embedded.EmbeddedStack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Apache Flume's file channel between the same topics: an agent in its own JVM with a Kafka source, a file channel
 * and a Kafka sink, on the stack's broker. Every run forks a fresh agent (a cold JVM) with a fresh consumer group,
 * channel and output topic; the channel's checkpoint and data directories are on the stash's disk.
 *
 * <p>Settings: Flume's defaults except where the DuraStash pair has a counterpart. The source's {@code batchSize}
 * (events per channel transaction) is the consumer's {@code max.poll.records} (Connect's 500 unless a run sets it),
 * the sink's {@code flumeBatchSize} is the DuraStash source's {@code poll.max.records} (2,000), the sink's producer
 * uses {@code acks=all} as Connect's does, and the sink keeps the input partition (the source's {@code partition}
 * header) and writes only to its own topic ({@code allowTopicOverride=false}; otherwise the source's {@code topic}
 * header would send every record back into the input). The file channel keeps its defaults: an fsync per
 * transaction, a checkpoint every 30 s, capacity 1,000,000 events, transactionCapacity 10,000.
 */
final class FlumeAgent implements Peer {
    static final String LIB_PROPERTY = "bench.flume.lib";
    private static final String AGENT = "agent";
    private static final String JVM_OPTIONS = "-Xmx1g -XX:+UseG1GC";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final String label;
    private final String outputTopic;
    private final Path lib;
    private final Path runDir;
    private final Map<String, String> properties;
    private Process process;

    private FlumeAgent(String outputTopic, Path lib, Path runDir, Map<String, String> properties) {
        this.label = "Flume";
        this.outputTopic = outputTopic;
        this.lib = lib;
        this.runDir = runDir;
        this.properties = properties;
    }

    /**
     * An agent that copies {@code inputTopic} to {@code flume-output-<id>} through a file channel under
     * {@code dataDir}.
     *
     * @param pollRecords the consumer's max.poll.records, which is also the source's batch size
     * @param sinkBatch   the sink's flumeBatchSize
     * @param tuning      agent properties on top (without the {@code agent.} prefix), from {@link Tuning#flume()}
     */
    static FlumeAgent fileChannel(String id, String inputTopic, String bootstrap, Path dataDir, int pollRecords,
                                  int sinkBatch, Map<String, String> tuning) {
        String outputTopic = "flume-output-" + id;
        Path runDir = dataDir.resolve("flume-" + id);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sources", "in");
        p.put("channels", "ch");
        p.put("sinks", "out");
        p.put("sources.in.type", "org.apache.flume.source.kafka.KafkaSource");
        p.put("sources.in.channels", "ch");
        p.put("sources.in.kafka.bootstrap.servers", bootstrap);
        p.put("sources.in.kafka.topics", inputTopic);
        p.put("sources.in.kafka.consumer.group.id", "flume-" + id);
        p.put("sources.in.kafka.consumer.auto.offset.reset", "earliest");
        p.put("sources.in.kafka.consumer.max.poll.records", String.valueOf(pollRecords));
        p.put("sources.in.batchSize", String.valueOf(pollRecords));
        p.put("channels.ch.type", "file");
        p.put("channels.ch.checkpointDir", runDir.resolve("checkpoint").toString());
        p.put("channels.ch.dataDirs", runDir.resolve("data").toString());
        p.put("sinks.out.type", "org.apache.flume.sink.kafka.KafkaSink");
        p.put("sinks.out.channel", "ch");
        p.put("sinks.out.kafka.bootstrap.servers", bootstrap);
        p.put("sinks.out.kafka.topic", outputTopic);
        p.put("sinks.out.allowTopicOverride", "false");
        p.put("sinks.out.partitionIdHeader", "partition");
        p.put("sinks.out.flumeBatchSize", String.valueOf(sinkBatch));
        p.put("sinks.out.kafka.producer.acks", "all");
        p.putAll(tuning);
        return new FlumeAgent(outputTopic, Path.of(System.getProperty(LIB_PROPERTY, "flume-agent/target/lib")), runDir, p);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String outputTopic() {
        return outputTopic;
    }

    /** Writes the agent's configuration and forks its JVM. */
    @Override
    public void start(EmbeddedStack stack) {
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("No Flume agent classpath at " + lib.toAbsolutePath() + ": run `mvn -f "
                + "benchmarks/flume-agent/pom.xml package` first, or set -D" + LIB_PROPERTY + " (see docs/benchmarks.md)");
        }
        try {
            Files.createDirectories(runDir);
            Path conf = runDir.resolve("agent.properties");
            Files.writeString(conf, properties.entrySet().stream().map(e -> AGENT + "." + e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
            Path log4j = runDir.resolve("log4j2.properties");
            Files.writeString(log4j, """
                rootLogger.level = WARN
                rootLogger.appenderRef.out.ref = out
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1}: %m%n
                logger.flume.name = org.apache.flume
                logger.flume.level = INFO
                """);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(JVM_OPTIONS.split(" ")));
            command.add("-Dlog4j.configurationFile=" + log4j);
            command.addAll(List.of("-cp", lib.toAbsolutePath() + File.separator + "*", "org.apache.flume.node.Application",
                "-n", AGENT, "-f", conf.toString(), "--no-reload-conf"));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Flume agent in " + runDir, e);
        }
    }

    private Path log() {
        return runDir.resolve("agent.log");
    }

    @Override
    public void checkNotFailed(EmbeddedStack stack) {
        if (process != null && !process.isAlive()) {
            throw new IllegalStateException("The Flume agent exited with " + process.exitValue() + "; the end of its log "
                + log() + ":\n" + logTail());
        }
    }

    /** The agent JVM's CPU time so far (user and system, from the OS). */
    @Override
    public double outsideCpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Stops the agent (SIGTERM: Flume's shutdown hook stops source, sink and channel) and deletes its directory. */
    @Override
    public void delete(EmbeddedStack stack) {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        keepLog();
        Directories.delete(runDir);
    }

    /** Copies the agent's log next to its classpath ({@code flume-agent/target/logs}), for reading after the run. */
    private void keepLog() {
        Path logs = lib.toAbsolutePath().getParent().resolve("logs");
        try {
            Files.createDirectories(logs);
            Files.copy(log(), logs.resolve(runDir.getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("Could not keep the Flume agent's log " + log() + " in " + logs + ": " + e.getMessage());
        }
    }

    /** The last lines of the agent's log, for a message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return label + " agent " + properties;
    }
}
