package io.durastash.testkit.embedded;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.StackFailure;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.ConnectStack;
import io.durastash.testkit.connect.Connectors;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.isolation.PluginDiscoveryMode;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Connect stack in this JVM: one {@link EmbeddedConnectCluster}, an in-process KRaft broker and distributed
 * Connect workers, with the connectors on the classpath (or on a plugin.path). Starting one costs seconds, so the
 * tests of a class share it: registered as a static JUnit extension it starts before the first test, deletes the
 * connectors a test leaves behind after each test, and stops after the last.
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedStack CLUSTER = EmbeddedStack.builder("sink-to-source").workers(2).build();
 * }</pre>
 *
 * <p>Defaults suit the DuraStash pipeline: byte-array converters (key, value and headers), so that what the sink
 * stashes and the source emits can be compared byte for byte; a short offset flush interval; plugins found by service
 * loading; transactions on a single broker; and a low {@code scheduled.rebalance.max.delay.ms}, so that the tasks of
 * a removed worker move within a second instead of five minutes.
 */
public final class EmbeddedStack extends ConnectStack implements BeforeAllCallback, AfterEachCallback,
    AfterAllCallback {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final long SCHEDULED_REBALANCE_MAX_DELAY_MS = 1_000;
    private static final long OFFSET_FLUSH_INTERVAL_MS = 1_000;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TASKS_GONE = Duration.ofSeconds(60);
    private static final String BYTE_ARRAY_CONVERTER = ByteArrayConverter.class.getName();

    private final String name;
    private final int numWorkers;
    private final Map<String, String> workerProps;
    private final Properties brokerProps;
    private final Connectors connectors = new Connectors(this::anyWorker, () -> { }, () -> "");
    private EmbeddedConnectCluster connect;
    private KafkaCluster kafka;
    private Duration startupTime;

    private EmbeddedStack(Builder builder) {
        this.name = builder.name;
        this.numWorkers = builder.numWorkers;
        this.workerProps = Map.copyOf(builder.workerProps);
        this.brokerProps = new Properties();
        this.brokerProps.putAll(builder.brokerProps);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Starts the broker and the workers; returns once every worker answers on its REST endpoint. */
    public synchronized EmbeddedStack start() {
        if (connect != null) {
            return this;
        }
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
            .name(name)
            .numWorkers(numWorkers)
            .numBrokers(1)
            .brokerProps(brokerProps)
            // EmbeddedConnectCluster adds its own entries (bootstrap.servers, listeners, ...) to this map.
            .workerProps(new HashMap<>(workerProps))
            .build();
        long begin = System.nanoTime();
        try {
            cluster.start();
            kafka = KafkaCluster.connect(cluster.kafka().bootstrapServers(), KAFKA_TIMEOUT, () -> { }, () -> "");
        } catch (RuntimeException | Error e) {
            cluster.stop();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - begin);
        connect = cluster;
        log.info("Connect stack '{}' (1 broker, {} worker(s)) started in {} ms", name, numWorkers,
            startupTime.toMillis());
        return this;
    }

    /** The cluster itself, for what only an embedded one does: adding and removing workers, its REST helpers. */
    public EmbeddedConnectCluster connect() {
        if (connect == null) {
            throw new IllegalStateException("The Connect stack '" + name + "' is not started");
        }
        return connect;
    }

    @Override
    public KafkaCluster kafka() {
        connect();
        return kafka;
    }

    @Override
    public Connectors connectors() {
        return connectors;
    }

    private ConnectRest anyWorker() {
        return connect().workers().stream().map(WorkerHandle::url).filter(Objects::nonNull).findAny()
            .map(ConnectRest::new)
            .orElseThrow(() -> StackFailure.startup("No worker of the Connect stack '" + name + "' is running."));
    }

    /** Wall-clock time of {@link #start()}: the broker formatted and started, the workers joined and serving REST. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Deletes {@code connector} and waits until its tasks' threads ended too: the REST API forgets a connector before
     * its tasks stop, and a task still running would take CPU from, or hold a stash against, what comes next.
     */
    public void delete(String connector) {
        connectors.delete(connector);
        String taskThreads = "task-thread-" + connector + "-";
        Deadline deadline = Deadline.after(TASKS_GONE);
        while (true) {
            String running = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(thread -> thread.startsWith(taskThreads)).collect(Collectors.joining(", "));
            if (running.isEmpty()) {
                return;
            }
            if (deadline.passed()) {
                throw StackFailure.startup("The tasks of the deleted connector '" + connector + "' still ran "
                    + deadline.seconds() + " s later: " + running);
            }
            Deadline.pause(100);
        }
    }

    /** Deletes every connector and waits until Connect no longer knows them, so that the next test starts clean. */
    public void deleteConnectors() {
        connectors.names().forEach(connectors::delete);
    }

    @Override
    public synchronized void close() {
        if (connect == null) {
            return;
        }
        try {
            kafka.close();
            connect.stop();
        } finally {
            connect = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (connect != null) {
            deleteConnectors();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public String toString() {
        return "EmbeddedStack[" + name + ", workers=" + numWorkers + "]";
    }

    public static final class Builder {
        private final String name;
        private int numWorkers = 1;
        private final Map<String, String> workerProps = new HashMap<>();
        private final Properties brokerProps = new Properties();

        private Builder(String name) {
            this.name = name;
            workerProps.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG,
                String.valueOf(SCHEDULED_REBALANCE_MAX_DELAY_MS));
            workerProps.put(DistributedConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, String.valueOf(OFFSET_FLUSH_INTERVAL_MS));
            Stream.of(DistributedConfig.KEY_CONVERTER_CLASS_CONFIG, DistributedConfig.VALUE_CONVERTER_CLASS_CONFIG,
                DistributedConfig.HEADER_CONVERTER_CLASS_CONFIG).forEach(key -> workerProps.put(key, BYTE_ARRAY_CONVERTER));
            // The connectors under test list themselves in META-INF/services: service loading finds them without a
            // reflective scan of the whole (large) test classpath.
            workerProps.put(DistributedConfig.PLUGIN_DISCOVERY_CONFIG, PluginDiscoveryMode.SERVICE_LOAD.toString());
            // Transactions (exactly-once source support) on a single broker.
            brokerProps.put("transaction.state.log.replication.factor", "1");
            brokerProps.put("transaction.state.log.min.isr", "1");
        }

        public Builder workers(int numWorkers) {
            this.numWorkers = numWorkers;
            return this;
        }

        /** {@code exactly.once.source.support=enabled} on every worker (KIP-618). */
        public Builder exactlyOnceSource() {
            return workerProp(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        }

        /** Loads plugins from this directory too (it holds plugin directories, such as an unzipped archive's). */
        public Builder pluginPath(Path directory) {
            return workerProp(DistributedConfig.PLUGIN_PATH_CONFIG, directory.toAbsolutePath().toString());
        }

        public Builder workerProp(String key, String value) {
            workerProps.put(key, value);
            return this;
        }

        public Builder brokerProp(String key, String value) {
            brokerProps.put(key, value);
            return this;
        }

        public EmbeddedStack build() {
            return new EmbeddedStack(this);
        }
    }
}
