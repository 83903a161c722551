package io.durastash.stash;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/** The input offsets, first to last inclusive, that a batch holds from one topic partition. */
public final class OffsetRange {
    private final String topic;
    private final int partition;
    private final long first;
    private final long last;

    @JsonCreator
    public OffsetRange(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition,
                       @JsonProperty("first") long first, @JsonProperty("last") long last) {
        this.topic = topic;
        this.partition = partition;
        this.first = first;
        this.last = last;
    }

    @JsonProperty
    public String topic() {
        return topic;
    }

    @JsonProperty
    public int partition() {
        return partition;
    }

    @JsonProperty
    public long first() {
        return first;
    }

    @JsonProperty
    public long last() {
        return last;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OffsetRange)) {
            return false;
        }
        OffsetRange that = (OffsetRange) o;
        return partition == that.partition && first == that.first && last == that.last && Objects.equals(topic, that.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, first, last);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "[" + first + ".." + last + "]";
    }
}
