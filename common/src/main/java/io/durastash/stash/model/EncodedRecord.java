package io.durastash.stash.model;

import org.apache.kafka.common.TopicPartition;

/** A record already encoded for the stash, with the input position it came from. */
public record EncodedRecord(TopicPartition source, long offset, byte[] bytes) {
}
