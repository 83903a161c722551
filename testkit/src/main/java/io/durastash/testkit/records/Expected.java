package io.durastash.testkit.records;

import io.durastash.testkit.KafkaCluster;
import org.apache.kafka.common.TopicPartition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers a {@link SequenceCheck} expects: per input partition of a series, every number from {@code from} up to
 * (not including) {@code to}. Taken from what a load produced, or from an input topic's offsets, since a record's
 * number is its input offset.
 */
public final class Expected {
    /** The numbers {@code [from, to)} of one input partition. */
    public record Range(long from, long to) {
        public long count() {
            return to - from;
        }

        @Override
        public String toString() {
            return from + "-" + (to - 1);
        }
    }

    private final Map<InputPartition, Range> ranges;

    Expected(Map<InputPartition, Range> ranges) {
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    /**
     * Every number {@code topic} holds now, per partition from its start offset (what retention kept) to its end
     * offset: what a load numbered as {@code series} wrote into it, over all its runs.
     */
    public static Expected inTopic(KafkaCluster kafka, String topic, String series) {
        List<TopicPartition> partitions = kafka.partitions(topic);
        Map<TopicPartition, Long> starts = kafka.startOffsets(partitions);
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
        Map<InputPartition, Range> ranges = new LinkedHashMap<>();
        partitions.forEach(tp -> ranges.put(new InputPartition(series, tp.partition()),
            new Range(starts.get(tp), ends.get(tp))));
        return new Expected(ranges);
    }

    /** {@link #inTopic(KafkaCluster, String, String)} of the series named after the topic, as a load numbers it. */
    public static Expected inTopic(KafkaCluster kafka, String topic) {
        return inTopic(kafka, topic, topic);
    }

    /** These numbers and {@code other}'s: a check over several series, read from several output topics together. */
    public Expected and(Expected other) {
        Map<InputPartition, Range> both = new LinkedHashMap<>(ranges);
        other.ranges.forEach((partition, range) -> {
            if (both.putIfAbsent(partition, range) != null) {
                throw new IllegalArgumentException("Two ranges for " + partition);
            }
        });
        return new Expected(both);
    }

    public Map<InputPartition, Range> ranges() {
        return ranges;
    }

    /** How many numbers are expected in all. */
    public long count() {
        return ranges.values().stream().mapToLong(Range::count).sum();
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
