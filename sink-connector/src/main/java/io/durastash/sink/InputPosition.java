package io.durastash.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Objects;

/**
 * Where a record sits in Kafka: its topic, partition and offset before any transform renamed or repartitioned it,
 * which is what the consumer commits and what the stash tracks.
 */
public record InputPosition(TopicPartition partition, long offset) {
    /** Set once the runtime turns out to predate KIP-793 (Kafka 3.6), whose records have no original position. */
    private static volatile boolean legacyRuntime;

    /**
     * The position of {@code record}. Records of a poll come in runs of one partition, so when {@code previous}
     * (the position of the record before, or null) is in the same partition, its {@link TopicPartition} is reused:
     * map lookups along the run then match by identity instead of comparing topic names.
     */
    public static InputPosition of(SinkRecord record, InputPosition previous) {
        if (!legacyRuntime) {
            try {
                return at(record.originalTopic(), record.originalKafkaPartition(), record.originalKafkaOffset(),
                    previous);
            } catch (NoSuchMethodError e) {
                legacyRuntime = true;
            }
        }
        return at(record.topic(), record.kafkaPartition(), record.kafkaOffset(), previous);
    }

    private static InputPosition at(String topic, int partition, long offset, InputPosition previous) {
        boolean samePartition = previous != null && previous.partition.partition() == partition
            && Objects.equals(previous.partition.topic(), topic);
        return new InputPosition(samePartition ? previous.partition : new TopicPartition(topic, partition), offset);
    }

    /** For messages: "topic 'orders', partition 3, offset 1234". */
    public String describe() {
        return "topic '" + partition.topic() + "', partition " + partition.partition() + ", offset " + offset;
    }
}
