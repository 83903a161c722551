package io.durastash.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Kafka cluster a stack runs against, through an Admin client: topics, offsets, consumer group offsets. Every
 * failure is a {@link StackFailure} that names the topic or group and the cluster.
 */
public final class KafkaCluster implements AutoCloseable {
    private static final long CALL_TIMEOUT_MS = 15_000;
    private static final Duration LEADERS_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final Admin admin;
    private final String clusterId;

    private KafkaCluster(String bootstrap, Admin admin, String clusterId) {
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.clusterId = clusterId;
    }

    /**
     * Connects once the cluster answers with at least one broker. {@code whileWaiting} runs before every attempt and
     * may fail the wait (the local broker process died); {@code afterTimeout} is appended to the message when no
     * broker answered in time (the broker's log, or what to check).
     */
    public static KafkaCluster connect(String bootstrap, Duration timeout, Runnable whileWaiting,
                                       Supplier<String> afterTimeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "durastash-testkit");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(CALL_TIMEOUT_MS));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        Admin admin = Admin.create(props);
        Deadline deadline = Deadline.after(timeout);
        Exception last = null;
        try {
            while (!deadline.passed()) {
                whileWaiting.run();
                try {
                    var cluster = admin.describeCluster();
                    if (!cluster.nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return new KafkaCluster(bootstrap, admin, cluster.clusterId().get(2, TimeUnit.SECONDS));
                    }
                } catch (ExecutionException e) {
                    last = e;
                } catch (TimeoutException e) {
                    // No answer yet: keep the last real error, if any.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw StackFailure.startup("Interrupted while waiting for Kafka at " + bootstrap + ".");
                }
                Deadline.pause(250);
            }
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        admin.close(Duration.ZERO);
        throw StackFailure.startup("Kafka at " + bootstrap + " did not answer within " + deadline.seconds() + " s."
            + (last == null ? " No broker answered." : " Last error: " + StackFailure.rootMessage(last) + ".")
            + afterTimeout.get());
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String clusterId() {
        return clusterId;
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions, the cluster's default replication and {@code configs}
     * unless it exists (an existing topic is kept as it is), and waits until every partition has a leader, so that a
     * first produce request does not race the broker applying the new partitions. Returns its partition count.
     */
    public int ensureTopic(String topic, int partitions, Map<String, String> configs) {
        if (describe(topic).isEmpty()) {
            try {
                call("create the topic '" + topic + "'", admin.createTopics(List.of(
                    new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs))).all());
            } catch (StackFailure e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Deadline deadline = Deadline.after(LEADERS_TIMEOUT);
        Optional<TopicDescription> description = describe(topic);
        while (description.isEmpty() || description.get().partitions().stream()
            .anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
            if (deadline.passed()) {
                throw StackFailure.startup("The partitions of '" + topic + "' on " + bootstrap + " got no leader within "
                    + deadline.seconds() + " s: " + description.map(TopicDescription::partitions).orElse(List.of()));
            }
            Deadline.pause(50);
            description = describe(topic);
        }
        return description.get().partitions().size();
    }

    /** Sets {@code key} of {@code topic}'s config to {@code value}, as {@code kafka-configs --alter} does. */
    public void alterTopicConfig(String topic, String key, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        call("set " + key + " of the topic '" + topic + "'", admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all());
    }

    /** Deletes {@code topic} and waits until the cluster no longer knows it. */
    public void deleteTopic(String topic) {
        call("delete the topic '" + topic + "'", admin.deleteTopics(List.of(topic)).all());
        Deadline deadline = Deadline.after(LEADERS_TIMEOUT);
        while (describe(topic).isPresent()) {
            if (deadline.passed()) {
                throw StackFailure.startup("The topic '" + topic + "' on " + bootstrap + " was not gone within "
                    + deadline.seconds() + " s after its deletion.");
            }
            Deadline.pause(100);
        }
    }

    public int ensureTopic(String topic, int partitions) {
        return ensureTopic(topic, partitions, Map.of());
    }

    public List<TopicPartition> partitions(String topic) {
        TopicDescription description = describe(topic).orElseThrow(() -> StackFailure.startup("The topic '" + topic
            + "' does not exist on " + bootstrap + "."));
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private Optional<TopicDescription> describe(String topic) {
        try {
            return Optional.of(call("describe the topic '" + topic + "'",
                admin.describeTopics(List.of(topic)).allTopicNames()).get(topic));
        } catch (StackFailure e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.latest());
    }

    public Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.earliest());
    }

    /** The records ever written to {@code topic}: the sum of its end offsets. */
    public long written(String topic) {
        return endOffsets(partitions(topic)).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        call("list the offsets of " + partitions, admin.listOffsets(request).all())
            .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** The committed offsets of {@code group} on {@code partitions}; partitions without one are absent. */
    public Map<TopicPartition, Long> committed(String group, Collection<TopicPartition> partitions) {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = call("list the offsets of the group '" + group + "'",
            admin.listConsumerGroupOffsets(Map.of(group, spec)).partitionsToOffsetAndMetadata(group));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((tp, offset) -> {
            if (offset != null) {
                offsets.put(tp, offset.offset());
            }
        });
        return offsets;
    }

    /** The sum over {@code topic}'s partitions of the offsets {@code group} committed. */
    public long committed(String group, String topic) {
        return committed(group, partitions(topic)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether {@code group} has committed the end offset of every partition of {@code topic}. */
    public boolean committedAll(String group, String topic) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = endOffsets(partitions);
        Map<TopicPartition, Long> committed = committed(group, partitions);
        return partitions.stream().allMatch(tp -> committed.getOrDefault(tp, 0L) >= end.get(tp));
    }

    /**
     * The partitions each member of {@code group} is assigned now, by the member's client id (Connect names a sink
     * task's consumer {@code connector-consumer-<connector>-<task>}); empty while the group rebalances.
     */
    public Map<String, Set<TopicPartition>> assignments(String group) {
        ConsumerGroupDescription description = call("describe the group '" + group + "'",
            admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
        Map<String, Set<TopicPartition>> assignments = new HashMap<>();
        for (MemberDescription member : description.members()) {
            assignments.computeIfAbsent(member.clientId(), id -> new HashSet<>())
                .addAll(member.assignment().topicPartitions());
        }
        return assignments;
    }

    /** Waits for one Admin call; its failure names {@code what} was tried on which cluster, its cause kept. */
    private <T> T call(String what, KafkaFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            StackFailure failure = StackFailure.startup("Could not " + what + " on " + bootstrap + ": "
                + StackFailure.rootMessage(e) + ".");
            failure.initCause(e.getCause());
            throw failure;
        } catch (TimeoutException e) {
            throw StackFailure.startup("Could not " + what + " on " + bootstrap + " within " + CALL_TIMEOUT_MS / 1000
                + " s.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StackFailure.startup("Interrupted while trying to " + what + ".");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
