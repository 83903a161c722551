package io.durastash.stash.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The input offsets, first to last inclusive, that a batch holds from one topic partition. */
public record OffsetRange(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition,
                          @JsonProperty("first") long first, @JsonProperty("last") long last) {
    @Override
    public String toString() {
        return topic + "-" + partition + "[" + first + ".." + last + "]";
    }
}
