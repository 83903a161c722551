package io.durastash.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.isolation.PluginDiscoveryMode;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * One in-process KRaft broker and one distributed Connect worker ({@link EmbeddedConnectCluster}), set up the
 * same way for every pipeline a benchmark compares: byte-array converters for key, value and headers, plugins
 * found by service loading on the classpath (the DuraStash pair and MirrorMaker 2), and no initial rebalance
 * delay on the broker, so that the sink's consumer group does not start 3 s behind MirrorMaker's assigned
 * consumer.
 */
final class BenchCluster implements AutoCloseable {
    private static final String BYTE_ARRAY_CONVERTER = ByteArrayConverter.class.getName();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedConnectCluster connect;
    private final Admin admin;

    private BenchCluster(EmbeddedConnectCluster connect) {
        this.connect = connect;
        this.admin = connect.kafka().createAdminClient();
    }

    /**
     * Starts the broker and the worker. {@code offsetFlushMs}: the worker's offset.flush.interval.ms (Connect's
     * default is 60 s); {@code brokerProps}: extra broker settings (for example log retention for a soak).
     */
    static BenchCluster start(long offsetFlushMs, Map<String, String> brokerProps) {
        Map<String, String> worker = new HashMap<>();
        worker.put(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
        worker.put(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
        worker.put(WorkerConfig.HEADER_CONVERTER_CLASS_CONFIG, BYTE_ARRAY_CONVERTER);
        worker.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, PluginDiscoveryMode.SERVICE_LOAD.toString());
        worker.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, String.valueOf(offsetFlushMs));
        worker.put(WorkerConfig.CONNECTOR_CLIENT_POLICY_CLASS_CONFIG, "All");
        worker.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "1000");
        Properties broker = new Properties();
        broker.put("group.initial.rebalance.delay.ms", "0");
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.putAll(brokerProps);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
            .name("durastash-bench")
            .numWorkers(1)
            .numBrokers(1)
            .brokerProps(broker)
            .workerProps(worker)
            .build();
        try {
            cluster.start();
        } catch (RuntimeException | Error e) {
            cluster.stop();
            throw e;
        }
        return new BenchCluster(cluster);
    }

    EmbeddedKafkaCluster kafka() {
        return connect.kafka();
    }

    String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Creates a topic and waits until every partition has a leader. */
    void createTopic(String topic, int partitions, Map<String, String> configs) throws InterruptedException {
        kafka().createTopic(topic, partitions, 1, configs);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!hasLeaders(topic, partitions)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Partitions of " + topic + " got no leader within " + TIMEOUT);
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

    void deleteTopic(String topic) {
        kafka().deleteTopic(topic);
    }

    /** The sum of the topic's end offsets: how many records it holds (it is never compacted or truncated here). */
    long endOffsetSum(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(request).all().get();
            return offsets.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (ExecutionException e) {
            return -1; // e.g. not every partition has a leader yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing offsets of " + topic, e);
        }
    }

    void startConnector(String name, Map<String, String> config) {
        connect.configureConnector(name, config);
    }

    /** Waits until the connector and {@code tasks} tasks run; fails at once, with Connect's trace, if one failed. */
    void awaitRunning(String name, int tasks) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "no status";
        while (System.nanoTime() < deadline) {
            try {
                ConnectorStateInfo status = connect.connectorStatus(name);
                String failures = status.tasks().stream().filter(t -> "FAILED".equals(t.state()))
                    .map(t -> "task " + t.id() + ": " + t.trace()).collect(Collectors.joining("\n"));
                if ("FAILED".equals(status.connector().state())) {
                    failures = "connector: " + status.connector().trace() + "\n" + failures;
                }
                if (!failures.isEmpty()) {
                    throw new IllegalStateException(name + " FAILED:\n" + failures);
                }
                if ("RUNNING".equals(status.connector().state()) && status.tasks().size() == tasks
                    && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))) {
                    return;
                }
                last = status.connector().state() + ", tasks " + status.tasks().stream()
                    .map(ConnectorStateInfo.TaskState::state).collect(Collectors.toList());
            } catch (ConnectRestException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " was not RUNNING with " + tasks + " task(s) within " + TIMEOUT + ": " + last);
    }

    /** Fails if a task of the connector FAILED (checked while a benchmark waits for records). */
    void checkNotFailed(String name) {
        ConnectorStateInfo status = connect.connectorStatus(name);
        List<String> failed = status.tasks().stream().filter(t -> "FAILED".equals(t.state()))
            .map(t -> "task " + t.id() + ": " + t.trace()).toList();
        if (!failed.isEmpty()) {
            throw new IllegalStateException(name + " FAILED:\n" + String.join("\n", failed));
        }
    }

    /**
     * Deletes the connector and waits until its tasks' threads ended: the REST API forgets a connector before its
     * tasks stop, and a task still polling would take CPU from the next run.
     */
    void deleteConnector(String name) throws InterruptedException {
        connect.deleteConnector(name);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String taskThreadPrefix = "task-thread-" + name + "-";
        while (connect.connectors().contains(name)
            || Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(taskThreadPrefix))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Connector " + name + " and its tasks were not gone within " + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        admin.close();
        connect.stop();
    }
}
