package io.durastash.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The Kafka cluster the stack runs against, through an Admin client: topics, offsets, consumer group offsets. */
final class KafkaCluster implements AutoCloseable {
    private static final long CALL_TIMEOUT_MS = 15_000;

    private final String bootstrap;
    private final Admin admin;
    private final String clusterId;

    private KafkaCluster(String bootstrap, Admin admin, String clusterId) {
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.clusterId = clusterId;
    }

    /**
     * Connects once the cluster answers with at least one broker. With {@code broker} (the local one), fails as soon
     * as that process dies, showing its log.
     */
    static KafkaCluster connect(String bootstrap, ChildProcess broker, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "durastash-local");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(CALL_TIMEOUT_MS));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        Admin admin = Admin.create(props);
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try {
            while (System.nanoTime() < deadline) {
                if (broker != null && !broker.isAlive()) {
                    throw StackFailure.startup("The Kafka broker exited with code " + broker.exitCode()
                        + " while starting." + broker.tailReport());
                }
                try {
                    var cluster = admin.describeCluster();
                    if (!cluster.nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return new KafkaCluster(bootstrap, admin, cluster.clusterId().get(2, TimeUnit.SECONDS));
                    }
                } catch (ExecutionException e) {
                    last = e;
                } catch (TimeoutException e) {
                    // No answer yet: keep the last real error, if any.
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admin.close(Duration.ZERO);
            throw StackFailure.startup("Interrupted while waiting for Kafka at " + bootstrap + ".");
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        admin.close(Duration.ZERO);
        String cause = last == null ? " No broker answered." : " Last error: " + rootMessage(last) + ".";
        if (broker != null) {
            throw StackFailure.startup("The Kafka broker did not answer on " + bootstrap + " within " + timeout.toSeconds()
                + " s." + cause + broker.tailReport());
        }
        throw StackFailure.startup("Cannot reach Kafka at " + bootstrap + " (--bootstrap-server) within "
            + timeout.toSeconds() + " s." + cause + " Check the address, that the cluster is up, and that it accepts "
            + "plaintext connections from this machine.");
    }

    String bootstrap() {
        return bootstrap;
    }

    String clusterId() {
        return clusterId;
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions (and the cluster's default replication) unless it
     * exists; returns its partition count.
     */
    int ensureTopic(String topic, int partitions) {
        return ensureTopic(topic, partitions, Map.of());
    }

    /** The same, creating the topic with {@code configs} (e.g. max.message.bytes); an existing topic is kept as it is. */
    int ensureTopic(String topic, int partitions, Map<String, String> configs) {
        Optional<TopicDescription> existing = describe(topic);
        if (existing.isPresent()) {
            return existing.get().partitions().size();
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs)))
                .all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw StackFailure.startup("Cannot create the topic '" + topic + "' on " + bootstrap + ": "
                    + rootMessage(e) + ".");
            }
        } catch (TimeoutException e) {
            throw StackFailure.startup("Creating the topic '" + topic + "' on " + bootstrap + " timed out.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StackFailure.startup("Interrupted while creating the topic '" + topic + "'.");
        }
        return describe(topic).map(d -> d.partitions().size()).orElse(partitions);
    }

    List<TopicPartition> partitions(String topic) {
        TopicDescription description = describe(topic).orElseThrow(() -> StackFailure.startup("The topic '" + topic
            + "' does not exist on " + bootstrap + "."));
        List<TopicPartition> partitions = new ArrayList<>();
        description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        return partitions;
    }

    private Optional<TopicDescription> describe(String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw StackFailure.startup("Cannot describe the topic '" + topic + "' on " + bootstrap + ": "
                + rootMessage(e) + ".");
        } catch (TimeoutException e) {
            throw StackFailure.startup("Describing the topic '" + topic + "' on " + bootstrap + " timed out.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StackFailure.startup("Interrupted while describing the topic '" + topic + "'.");
        }
    }

    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) throws Exception {
        return offsets(partitions, OffsetSpec.latest());
    }

    Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> partitions) throws Exception {
        return offsets(partitions, OffsetSpec.earliest());
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** The committed offsets of {@code group} on {@code partitions}; partitions without one are absent. */
    Map<TopicPartition, Long> committed(String group, Collection<TopicPartition> partitions) throws Exception {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Map.of(group, spec))
            .partitionsToOffsetAndMetadata(group).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((tp, offset) -> {
            if (offset != null) {
                offsets.put(tp, offset.offset());
            }
        });
        return offsets;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName()
            : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
