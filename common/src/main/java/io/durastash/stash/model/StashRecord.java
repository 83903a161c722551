package io.durastash.stash.model;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;

import java.util.Objects;

/**
 * One record as the stash keeps it: the Connect key, value and headers with their schemas, the
 * timestamp, and where it came from (input topic, partition and offset).
 */
public final class StashRecord {
    private final String topic;
    private final int partition;
    private final long offset;
    private final Long timestamp;
    private final TimestampType timestampType;
    private final Schema keySchema;
    private final Object key;
    private final Schema valueSchema;
    private final Object value;
    private final Headers headers;

    public StashRecord(String topic, int partition, long offset, Long timestamp, TimestampType timestampType,
                       Schema keySchema, Object key, Schema valueSchema, Object value, Headers headers) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.timestampType = timestampType == null ? TimestampType.NO_TIMESTAMP_TYPE : timestampType;
        this.keySchema = keySchema;
        this.key = key;
        this.valueSchema = valueSchema;
        this.value = value;
        this.headers = headers == null ? new ConnectHeaders() : headers;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** The record's timestamp, or null when it had none. */
    public Long timestamp() {
        return timestamp;
    }

    public TimestampType timestampType() {
        return timestampType;
    }

    public Schema keySchema() {
        return keySchema;
    }

    public Object key() {
        return key;
    }

    public Schema valueSchema() {
        return valueSchema;
    }

    public Object value() {
        return value;
    }

    public Headers headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "StashRecord{" + topic + "-" + partition + "@" + offset + "}";
    }
}
