package io.durastash.integration;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.isolation.PluginDiscoveryMode;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One {@link EmbeddedConnectCluster} (in-process KRaft broker plus distributed Connect workers) shared by the
 * tests of a class, because starting one costs seconds.
 *
 * <p>Register it as a static extension to start it before the first test and stop it after the last; the
 * connectors a test leaves behind are deleted after each test so the next one starts clean:
 * <pre>{@code
 * @RegisterExtension
 * static final ConnectClusterFixture CLUSTER = ConnectClusterFixture.builder("sink-to-source").workers(2).build();
 * }</pre>
 * Or call {@link #start()} and {@link #stop()} yourself when the worker properties are only known at run time.
 *
 * <p>Defaults suit the DuraStash pipeline: byte-array converters (key, value and headers), so that what the
 * sink stashes and the source emits can be compared byte for byte; a short offset flush interval; and a low
 * {@code scheduled.rebalance.max.delay.ms}, so that tasks of a removed worker move within a second instead
 * of five minutes.
 */
public final class ConnectClusterFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static final Logger log = LoggerFactory.getLogger(ConnectClusterFixture.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final long SCHEDULED_REBALANCE_MAX_DELAY_MS = 1_000;
    public static final long OFFSET_FLUSH_INTERVAL_MS = 1_000;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final String RUNNING = "RUNNING";
    private static final String FAILED = "FAILED";
    private static final String BYTE_ARRAY_CONVERTER = ByteArrayConverter.class.getName();

    private final String name;
    private final int numWorkers;
    private final int numBrokers;
    private final Map<String, String> workerProps;
    private final Properties brokerProps;

    private EmbeddedConnectCluster connect;
    private Duration startupTime;

    private ConnectClusterFixture(Builder builder) {
        this.name = builder.name;
        this.numWorkers = builder.numWorkers;
        this.numBrokers = builder.numBrokers;
        this.workerProps = Map.copyOf(builder.workerProps);
        this.brokerProps = new Properties();
        this.brokerProps.putAll(builder.brokerProps);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Starts the broker(s) and the workers and waits until every worker answers on its REST endpoint. */
    public synchronized ConnectClusterFixture start() {
        if (connect != null) {
            return this;
        }
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
            .name(name)
            .numWorkers(numWorkers)
            .numBrokers(numBrokers)
            .brokerProps(brokerProps)
            // EmbeddedConnectCluster adds its own entries (bootstrap.servers, listeners, ...) to this map.
            .workerProps(new HashMap<>(workerProps))
            .build();
        long begin = System.nanoTime();
        try {
            cluster.start(); // returns once the brokers and all workers are up
        } catch (RuntimeException | Error e) {
            cluster.stop();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - begin);
        connect = cluster;
        log.info("Connect cluster '{}' ({} broker(s), {} worker(s)) started in {} ms", name, numBrokers,
            numWorkers, startupTime.toMillis());
        return this;
    }

    public synchronized void stop() {
        if (connect != null) {
            try {
                connect.stop();
            } finally {
                connect = null;
            }
        }
    }

    public EmbeddedConnectCluster connect() {
        if (connect == null) {
            throw new IllegalStateException("Connect cluster '" + name + "' is not started");
        }
        return connect;
    }

    public EmbeddedKafkaCluster kafka() {
        return connect().kafka();
    }

    /** Wall-clock time of {@link #start()}: broker(s) formatted and started, workers joined and serving REST. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The worker properties this fixture passed to the cluster (before the cluster added its own). */
    public Map<String, String> workerProps() {
        return workerProps;
    }

    /**
     * Creates a topic (replication factor: the number of brokers) and waits until every partition has a leader,
     * so that the first produce request does not race the broker applying the new partitions.
     */
    public void createTopic(String topic, int partitions) throws InterruptedException {
        kafka().createTopic(topic, partitions, numBrokers, Map.of());
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (!hasLeaders(topic, partitions)) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Partitions of " + topic + " got no leader within " + TOPIC_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    private boolean hasLeaders(String topic, int partitions) {
        Optional<TopicDescription> description = kafka().describeTopics(topic).get(topic);
        return description != null && description.isPresent()
            && description.get().partitions().size() == partitions
            && description.get().partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    /** Deletes every connector and waits until each is gone, so that the next test starts on a clean cluster. */
    public void deleteConnectors() throws InterruptedException {
        for (String connector : connect().connectors()) {
            connect().deleteConnector(connector);
            connect().assertions().assertConnectorDoesNotExist(connector,
                "Connector " + connector + " was not deleted in time");
        }
    }

    /**
     * Waits until {@code connector} and exactly {@code tasks} tasks are RUNNING. Unlike Connect's own assertions
     * it gives up at once, with the stack traces Connect reports, when the connector or a task FAILED.
     */
    public void awaitRunning(String connector, int tasks, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no status yet";
        while (true) {
            try {
                ConnectorStateInfo status = connect().connectorStatus(connector);
                List<String> failures = new ArrayList<>();
                if (FAILED.equals(status.connector().state())) {
                    failures.add("connector: " + status.connector().trace());
                }
                for (ConnectorStateInfo.TaskState task : status.tasks()) {
                    if (FAILED.equals(task.state())) {
                        failures.add("task " + task.id() + ": " + task.trace());
                    }
                }
                if (!failures.isEmpty()) {
                    throw new AssertionError(connector + " FAILED:\n" + String.join("\n", failures));
                }
                if (RUNNING.equals(status.connector().state()) && status.tasks().size() == tasks
                    && status.tasks().stream().allMatch(task -> RUNNING.equals(task.state()))) {
                    return;
                }
                last = status.toString();
            } catch (ConnectRestException e) {
                last = e.getMessage(); // not created yet
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(connector + " was not RUNNING with " + tasks + " task(s) within " + timeout
                    + "; last status: " + last);
            }
            Thread.sleep(100);
        }
    }

    /** {@code GET /connector-plugins}: the connector plugins the worker found, as Connect reports them. */
    public List<ConnectorPlugin> connectorPlugins() {
        Response response = connect().requestGet(connect().endpointForResource("connector-plugins"));
        String body = String.valueOf(response.getEntity()); // EmbeddedConnect hands back the body as a String entity
        if (response.getStatus() != 200) {
            throw new AssertionError("GET /connector-plugins answered " + response.getStatus() + ": " + body);
        }
        try {
            return JSON.readValue(body, new TypeReference<List<ConnectorPlugin>>() { });
        } catch (IOException e) {
            throw new AssertionError("GET /connector-plugins answered unreadable JSON: " + body, e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (connect != null) {
            deleteConnectors();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public String toString() {
        return "ConnectClusterFixture[" + name + ", brokers=" + numBrokers + ", workers=" + numWorkers + "]";
    }

    /** One entry of {@code GET /connector-plugins}. */
    public record ConnectorPlugin(
        @JsonProperty("class") String className,
        @JsonProperty("type") String type,
        @JsonProperty("version") String version) {
    }

    public static final class Builder {
        private final String name;
        private int numWorkers = 1;
        private int numBrokers = 1;
        private final Map<String, String> workerProps = new HashMap<>();
        private final Properties brokerProps = new Properties();

        private Builder(String name) {
            this.name = name;
            workerProps.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG,
                String.valueOf(SCHEDULED_REBALANCE_MAX_DELAY_MS));
            workerProps.put(DistributedConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, String.valueOf(OFFSET_FLUSH_INTERVAL_MS));
            workerProps.put(DistributedConfig.KEY_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
            workerProps.put(DistributedConfig.VALUE_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
            workerProps.put(DistributedConfig.HEADER_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
            // The connectors under test are on the classpath with META-INF/services entries: service loading
            // finds them without a reflective scan of the whole (large) test classpath.
            pluginDiscovery(PluginDiscoveryMode.SERVICE_LOAD);
            // Transactions (exactly-once source support) on a single broker.
            brokerProps.put("transaction.state.log.replication.factor", "1");
            brokerProps.put("transaction.state.log.min.isr", "1");
        }

        public Builder workers(int numWorkers) {
            this.numWorkers = numWorkers;
            return this;
        }

        public Builder brokers(int numBrokers) {
            this.numBrokers = numBrokers;
            return this;
        }

        /** {@code exactly.once.source.support=enabled} on every worker (KIP-618). */
        public Builder exactlyOnceSource(boolean enabled) {
            return workerProp(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, enabled ? "enabled" : "disabled");
        }

        /** Loads plugins from these directories too (each holds plugin directories or archives' contents). */
        public Builder pluginPath(Path... directories) {
            StringBuilder path = new StringBuilder();
            for (Path directory : directories) {
                path.append(path.length() == 0 ? "" : ",").append(directory.toAbsolutePath());
            }
            return workerProp(DistributedConfig.PLUGIN_PATH_CONFIG, path.toString());
        }

        public Builder pluginDiscovery(PluginDiscoveryMode mode) {
            return workerProp(DistributedConfig.PLUGIN_DISCOVERY_CONFIG, mode.toString());
        }

        /** Kafka's SimpleHeaderConverter instead of the byte-array default. */
        public Builder simpleHeaderConverter() {
            return workerProp(DistributedConfig.HEADER_CONVERTER_CLASS_CONFIG, SimpleHeaderConverter.class.getName());
        }

        public Builder workerProp(String key, String value) {
            workerProps.put(key, value);
            return this;
        }

        public Builder brokerProp(String key, String value) {
            brokerProps.put(key, value);
            return this;
        }

        public ConnectClusterFixture build() {
            return new ConnectClusterFixture(this);
        }
    }
}
