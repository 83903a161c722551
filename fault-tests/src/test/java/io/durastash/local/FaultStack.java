package io.durastash.local;

import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KRaft broker and Connect workers as separate processes on one data directory, built from the local stack's own
 * classes ({@link LocalBroker}, {@link ConnectWorker}, {@link ConnectRest}, {@link DemoLoad}, {@link OutputCheck}),
 * plus what faults need: stopping and killing (SIGKILL) the broker and the workers and starting them again on the
 * same ports and the same disk, distributed workers, and workers with extra properties.
 *
 * <p>Workers run {@code config/local/worker.properties}, as users of the local stack do; tests that need more
 * (exactly-once, a second worker, large records) get that file with their overrides appended. The connectors are
 * {@code config/local/durastash-sink.json} and {@code durastash-source.json} with per-test overrides.
 */
final class FaultStack implements AutoCloseable {
    static final Duration BROKER_START = Duration.ofSeconds(90);
    static final Duration WORKER_START = Duration.ofSeconds(120);
    static final Duration CONNECTOR_START = Duration.ofSeconds(120);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final int PARTITIONS = 3;

    private static final Pattern OPENED_STASH = Pattern.compile("Opened stash ([0-9a-f-]{36}) at (\\S+?):");

    private final BuildInfo build;
    private final DataDir dataDir;
    private final KafkaRuntime runtime;
    private final Path pluginDir;
    private final int kafkaPort = Ports.anyFree();
    private final int controllerPort = Ports.anyFree();
    private final Map<String, String> brokerProperties;
    private final ConnectorConfigFile sinkTemplate;
    private final ConnectorConfigFile sourceTemplate;
    private final List<ConnectWorker> workers = new ArrayList<>();
    private LocalBroker broker;
    private KafkaCluster cluster;

    private FaultStack(Path root, Map<String, String> brokerProperties) {
        this.build = BuildInfo.load();
        this.dataDir = DataDir.open(root.toAbsolutePath().normalize());
        this.brokerProperties = Map.copyOf(brokerProperties);
        try {
            this.runtime = KafkaRuntime.load(build.kafkaClasspathFile(), build.configDir().resolve("log4j2.properties"),
                dataDir.root());
            this.pluginDir = PluginArchive.install(build.pluginArchive(), dataDir.plugins());
            this.sinkTemplate = ConnectorConfigFile.read(build.configDir().resolve("durastash-sink.json"),
                ConnectorConfigFile.SINK_CLASS);
            this.sourceTemplate = ConnectorConfigFile.read(build.configDir().resolve("durastash-source.json"),
                ConnectorConfigFile.SOURCE_CLASS);
        } catch (RuntimeException e) {
            dataDir.close();
            throw e;
        }
    }

    /** Starts a broker on {@code root} (with {@code brokerProperties} on top of the local stack's) and connects to it. */
    static FaultStack start(Path root, Map<String, String> brokerProperties) {
        FaultStack stack = new FaultStack(root, brokerProperties);
        try {
            stack.startBroker();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    static FaultStack start(Path root) {
        return start(root, Map.of());
    }

    Path root() {
        return dataDir.root();
    }

    Path logs() {
        return dataDir.logs();
    }

    /** {@code <data dir>/stash}: the stash.dir of config/local's connectors (through ${env:DURASTASH_DATA_DIR}). */
    Path stashDir() {
        return dataDir.stash();
    }

    KafkaCluster cluster() {
        return cluster;
    }

    String bootstrap() {
        return "localhost:" + kafkaPort;
    }

    // ---- broker ----

    /** Starts the broker (again, on the same ports and log dirs) and waits until it answers. */
    void startBroker() {
        if (!Ports.isFree(kafkaPort) || !Ports.isFree(controllerPort)) {
            awaitPortsFree(Duration.ofSeconds(30));
        }
        broker = LocalBroker.start(runtime, dataDir, kafkaPort, controllerPort, PARTITIONS, brokerProperties);
        KafkaCluster connected = KafkaCluster.connect(broker.bootstrap(), broker.process(), BROKER_START);
        if (cluster != null) {
            cluster.close();
        }
        cluster = connected;
    }

    /** SIGTERM, the clean shutdown of kafka-server-stop.sh; SIGKILL after {@link #STOP_GRACE}. */
    boolean stopBroker() {
        return broker.process().stop(STOP_GRACE);
    }

    /** SIGKILL. */
    void killBroker() {
        broker.process().kill();
    }

    ChildProcess brokerProcess() {
        return broker.process();
    }

    private void awaitPortsFree(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !(Ports.isFree(kafkaPort) && Ports.isFree(controllerPort))) {
            sleep(200);
        }
    }

    // ---- topics ----

    /** Creates {@code in} and {@code out} with {@link #PARTITIONS} partitions each and {@code configs}. */
    void createTopics(String in, String out, Map<String, String> configs) {
        cluster.ensureTopic(in, PARTITIONS, configs);
        cluster.ensureTopic(out, PARTITIONS, configs);
    }

    /** The input and output topics of config/local's connectors. */
    String inputTopic() {
        return sinkTemplate.inputTopics().get(0);
    }

    String outputTopic() {
        return sourceTemplate.outputTopic(inputTopic());
    }

    // ---- workers ----

    /** A standalone worker running config/local/worker.properties as it is, logging to logs/connect.log. */
    ConnectWorker startStandalone(int port) {
        return startWorker(ConnectWorker.STANDALONE, build.configDir().resolve("worker.properties"), port, "connect");
    }

    /** A standalone worker with {@code overrides} appended to config/local/worker.properties. */
    ConnectWorker startStandalone(String name, int port, Map<String, String> overrides) {
        return startWorker(ConnectWorker.STANDALONE, workerProperties(name, overrides), port, name);
    }

    /**
     * A distributed worker (ConnectDistributed) with config/local/worker.properties, the settings a one-broker
     * distributed cluster needs, and {@code overrides}.
     */
    ConnectWorker startDistributed(String name, int port, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("group.id", "durastash-faults");
        props.put("config.storage.topic", "durastash-faults-configs");
        props.put("offset.storage.topic", "durastash-faults-offsets");
        props.put("status.storage.topic", "durastash-faults-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        // A killed worker's tasks are reassigned as soon as it is gone, not after the default 5 minutes.
        props.put("scheduled.rebalance.max.delay.ms", "0");
        // A standalone key; a distributed worker would read it as a config of its offsets topic ("file.filename").
        props.put("offset.storage.file.filename", null);
        props.putAll(overrides);
        return startWorker(ConnectWorker.DISTRIBUTED, workerProperties(name, props), port, name);
    }

    private ConnectWorker startWorker(String mainClass, Path properties, int port, String logName) {
        if (!Ports.isFree(port)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Ports.isFree(port) && System.nanoTime() < deadline) {
                sleep(200);
            }
        }
        ConnectWorker worker = ConnectWorker.start(runtime, dataDir, mainClass, properties, bootstrap(), port, logName);
        workers.add(worker);
        try {
            worker.awaitReady(cluster.clusterId(), WORKER_START);
            worker.requireConnectors(pluginDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return worker;
    }

    /**
     * config/local/worker.properties with {@code overrides} (a null value removes the key), as
     * {@code workers/<name>.properties}.
     */
    private Path workerProperties(String name, Map<String, String> overrides) {
        Path file = dataDir.root().resolve("workers").resolve(name + ".properties");
        try {
            StringBuilder text = new StringBuilder();
            for (String line : Files.readAllLines(build.configDir().resolve("worker.properties"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                boolean overridden = !line.startsWith("#") && eq > 0 && overrides.containsKey(line.substring(0, eq).trim());
                text.append(overridden ? "# (overridden below) " + line : line).append(System.lineSeparator());
            }
            text.append(System.lineSeparator()).append("# Fault test overrides").append(System.lineSeparator());
            overrides.forEach((key, value) -> {
                if (value != null) {
                    text.append(key).append('=').append(value).append(System.lineSeparator());
                }
            });
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** SIGKILL: no shutdown hook, no task stop, no offset flush. */
    static void kill(ConnectWorker worker) {
        worker.process().kill();
    }

    /** SIGTERM, the clean shutdown path (tasks stopped, offsets flushed, stash closed). */
    static boolean stop(ConnectWorker worker) {
        return worker.process().stop(STOP_GRACE);
    }

    // ---- connectors ----

    /** config/local's sink with {@code overrides} (a "name" entry renames the connector). */
    ConnectorConfigFile sink(Map<String, String> overrides) {
        return connector(sinkTemplate, overrides);
    }

    ConnectorConfigFile sink() {
        return sink(Map.of());
    }

    /** config/local's source with {@code overrides} (a "name" entry renames the connector). */
    ConnectorConfigFile source(Map<String, String> overrides) {
        return connector(sourceTemplate, overrides);
    }

    ConnectorConfigFile source() {
        return source(Map.of());
    }

    private static ConnectorConfigFile connector(ConnectorConfigFile template, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>(template.config());
        String name = template.name();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if ("name".equals(e.getKey())) {
                name = e.getValue();
            } else if (e.getValue() == null) {
                config.remove(e.getKey());
            } else {
                config.put(e.getKey(), e.getValue());
            }
        }
        return new ConnectorConfigFile(template.file(), name, java.util.Collections.unmodifiableMap(config));
    }

    /**
     * Validates and creates (or updates) the connector through REST, retrying while a distributed worker is still
     * joining its group (HTTP 409/503), then waits until it is RUNNING (or PAUSED). Fails when it FAILED.
     */
    static void deploy(ConnectWorker worker, ConnectorConfigFile connector, boolean paused) {
        long deadline = System.nanoTime() + CONNECTOR_START.toNanos();
        while (true) {
            try {
                worker.deploy(connector, paused);
                break;
            } catch (StackFailure e) {
                boolean transient_ = e.getMessage().contains("HTTP 409") || e.getMessage().contains("HTTP 503")
                    || e.getMessage().contains("HTTP 500");
                if (!transient_ || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(500);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(e);
                }
                sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        awaitState(worker, connector, paused ? "PAUSED" : "RUNNING");
    }

    /** Waits until the connector and its tasks are in {@code state}; fails with the task's trace when one FAILED. */
    static void awaitState(ConnectWorker worker, ConnectorConfigFile connector, String state) {
        try {
            worker.awaitState(connector, state, CONNECTOR_START);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static ConnectRest.Status status(ConnectWorker worker, String connector) {
        try {
            return worker.rest().status(connector);
        } catch (IOException e) {
            return new ConnectRest.Status("UNREACHABLE", Map.of(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(250);
        }
    }

    // ---- what arrived ----

    /**
     * Reads {@code out} from its beginning (read_committed) until every record of {@code in} arrived or nothing new
     * arrived for {@code stall}, and compares: missing, duplicated, out of order, altered.
     */
    Verdict verdict(String in, String out, Duration stall) {
        try {
            return new OutputCheck(cluster, in, out, true).await(stall, () -> false);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Reading " + out + " failed", e);
        }
    }

    /** Records in {@code topic}: the sum over its partitions of end minus start offsets. */
    long records(String topic) {
        try {
            List<TopicPartition> partitions = cluster.partitions(topic);
            Map<TopicPartition, Long> start = cluster.startOffsets(partitions);
            Map<TopicPartition, Long> end = cluster.endOffsets(partitions);
            return partitions.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the sink's consumer group has committed the end offset of every partition of {@code in}. */
    boolean allCommitted(String in, String group) {
        try {
            List<TopicPartition> partitions = cluster.partitions(in);
            Map<TopicPartition, Long> end = cluster.endOffsets(partitions);
            Map<TopicPartition, Long> committed = cluster.committed(group, partitions);
            return partitions.stream().allMatch(tp -> committed.getOrDefault(tp, 0L) >= end.get(tp));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum over {@code in}'s partitions of the offsets {@code group} committed. */
    long committed(String in, String group) {
        try {
            return cluster.committed(group, cluster.partitions(in)).values().stream().mapToLong(Long::longValue).sum();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stash ids the workers logged as opened at {@code stashPath}, in log order (one per open). */
    static List<String> stashIdsOpened(Path log, Path stashPath) {
        List<String> ids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = OPENED_STASH.matcher(line);
                if (m.find() && Path.of(m.group(2)).equals(stashPath.toAbsolutePath().normalize())) {
                    ids.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the workers (SIGTERM, then SIGKILL), then the broker, and releases the data directory. */
    @Override
    public void close() {
        for (ConnectWorker worker : workers) {
            if (worker.process().isAlive()) {
                worker.process().stop(STOP_GRACE);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null && broker.process().isAlive()) {
            broker.process().stop(STOP_GRACE);
        }
        dataDir.close();
    }
}
