package io.durastash.sink.placement;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;

/**
 * What Kafka says of the sink's input, read when partitions are assigned, by which a sink task tells records it
 * stashed before from new ones at the same offsets: the ids of the input topics (a topic deleted and created again
 * under its name has a new one, and its offsets start over) and the group's committed offsets (deleted by an offset
 * reset, or set by another tool, they no longer carry the sink's own commit metadata).
 */
public interface InputLookup {
    /** Knows nothing: a task then judges by the offsets it sees alone. */
    InputLookup NONE = new InputLookup() {
        @Override
        public Map<String, String> topicIds(Collection<String> topics) {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
            return null;
        }
    };

    /** The ids of those of {@code topics} that can be looked up now, by topic name. */
    Map<String, String> topicIds(Collection<String> topics);

    /** The group's committed offsets of {@code partitions} (a partition with none is absent); null when unknown. */
    Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions);
}
