package io.durastash.stash;

import org.apache.kafka.common.TopicPartition;

/** A record already encoded for the stash, with the input position it came from. */
public final class EncodedRecord {
    private final TopicPartition source;
    private final long offset;
    private final byte[] bytes;

    public EncodedRecord(TopicPartition source, long offset, byte[] bytes) {
        this.source = source;
        this.offset = offset;
        this.bytes = bytes;
    }

    public TopicPartition source() {
        return source;
    }

    public long offset() {
        return offset;
    }

    public byte[] bytes() {
        return bytes;
    }
}
