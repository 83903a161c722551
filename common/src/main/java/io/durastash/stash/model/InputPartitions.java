package io.durastash.stash.model;

import org.apache.kafka.common.TopicPartition;

/**
 * The input partitions of records read one after the other: records of a batch come in runs of one partition, so the
 * {@link TopicPartition} of the record before is handed out again while the run lasts, and lookups keyed by it match by
 * identity. Not thread-safe: one per reader.
 */
public final class InputPartitions {
    private TopicPartition last;

    /** The input partition {@code record} was consumed from. */
    public TopicPartition of(StashRecord record) {
        TopicPartition partition = last;
        if (partition == null || partition.partition() != record.partition() || !partition.topic().equals(record.topic())) {
            partition = new TopicPartition(record.topic(), record.partition());
            last = partition;
        }
        return partition;
    }
}
