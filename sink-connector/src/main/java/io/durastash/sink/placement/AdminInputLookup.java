package io.durastash.sink.placement;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the input topics' ids and the group's committed offsets (stable ones: a transaction that commits an offset is
 * waited for, as the consumer waits for it) with an Admin client on the sink consumers' own settings (bootstrap servers, security), created at the first lookup and closed with the group. A lookup that fails
 * (no DESCRIBE on the topic or the group, the cluster away) is logged and answers nothing: the check it serves is then
 * skipped, never the records. Thread-safe.
 */
final class AdminInputLookup implements InputLookup, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminInputLookup.class);
    private static final long TIMEOUT_MS = 10_000;

    private final String groupId;
    private final Map<String, Object> adminConfig;
    private Admin admin;
    private boolean closed;

    AdminInputLookup(String groupId, Map<String, Object> consumerConfig) {
        this.groupId = groupId;
        this.adminConfig = AdminRebalance.adminConfig(consumerConfig, groupId);
    }

    @Override
    public synchronized Map<String, String> topicIds(Collection<String> topics) {
        Map<String, TopicDescription> described = call("look up the ids of the input topics " + topics,
            topics.isEmpty() ? null : admin -> admin.describeTopics(topics).allTopicNames());
        Map<String, String> ids = new HashMap<>();
        if (described != null) {
            described.forEach((topic, description) -> ids.put(topic, description.topicId().toString()));
        }
        return ids;
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> read = call("read the committed offsets of " + partitions,
            partitions.isEmpty() ? null : admin -> admin.listConsumerGroupOffsets(Map.of(groupId,
                new ListConsumerGroupOffsetsSpec().topicPartitions(List.copyOf(partitions))),
                new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata(groupId));
        if (read == null) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        read.forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset);
            }
        });
        return committed;
    }

    private interface Request<T> {
        KafkaFuture<T> send(Admin admin);
    }

    private <T> T call(String what, Request<T> request) {
        if (closed || request == null) {
            return null;
        }
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
            }
            return request.send(admin).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("Consumer group {}: could not {} ({}); until it can, a topic deleted and created again, or an offset "
                + "reset, is judged by the offsets alone. Give the sink connector's principal DESCRIBE on the input "
                + "topics and the group.", groupId, what, e.toString());
            return null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
