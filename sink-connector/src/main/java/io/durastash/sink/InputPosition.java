package io.durastash.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where a record sits in Kafka: its topic, partition and offset before any transform renamed or repartitioned it,
 * which is what the consumer commits and what the stash tracks.
 */
public record InputPosition(TopicPartition partition, long offset) {
    /** Set once the runtime turns out to predate KIP-793 (Kafka 3.6), whose records have no original position. */
    private static volatile boolean legacyRuntime;

    public static InputPosition of(SinkRecord record) {
        if (!legacyRuntime) {
            try {
                return new InputPosition(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()),
                    record.originalKafkaOffset());
            } catch (NoSuchMethodError e) {
                legacyRuntime = true;
            }
        }
        return new InputPosition(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset());
    }

    /** For messages: "topic 'orders', partition 3, offset 1234". */
    public String describe() {
        return "topic '" + partition.topic() + "', partition " + partition.partition() + ", offset " + offset;
    }
}
