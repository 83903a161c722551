package io.durastash.connect;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/**
 * The sink side of one stash in this worker, as the stash's source tasks see it: which consumer-group member owns
 * each input partition, how the input offsets are committed, how to reach the input's Kafka cluster, and what the
 * sink needs to hear about deliveries. The sink connector's group registers it ({@link StashInputs}); a source task
 * looks it up by the stash's path. Implementations are thread-safe.
 */
public interface StashInput {
    /** The metadata of every input offset DuraStash commits: an offset without it was set by another client. */
    String COMMIT_METADATA = "durastash";

    /**
     * Whether input offsets are committed in the transaction that delivers the records ({@code input.commit=
     * transactional}): the source task then delivers through a transactional producer of its own and commits the input
     * offsets in each transaction, under the owning member's group generation, so a worker that lost a partition
     * cannot deliver its records anymore.
     */
    boolean transactional();

    /** The consumer-group member of this worker that owns {@code partition} now; null when none does. */
    ConsumerGroupMetadata owner(TopicPartition partition);

    /** The sink tasks' consumer settings (bootstrap servers, security), to reach the input's Kafka cluster. */
    Map<String, Object> clientConfig();

    /** A record of {@code partition} at {@code offset} was handed to Kafka, and is not acknowledged yet. */
    void emitted(TopicPartition partition, long offset);

    /** Kafka acknowledged the record of {@code partition} at {@code offset} (or the framework dropped it). */
    void acknowledged(TopicPartition partition, long offset);

    /**
     * The group refused to commit offsets under {@code owner}: the group has moved on from that member (it was
     * expelled, or a rebalance is under way). Records of its partitions wait until its next assignment.
     */
    void refused(ConsumerGroupMetadata owner);

    /**
     * A transaction committed the input offsets {@code next} (per partition, the offset of the next record to
     * consume): every record before them is delivered.
     */
    void delivered(Map<TopicPartition, Long> next);
}
