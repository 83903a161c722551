package io.durastash.stash.internals;

import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stash's keys. Big-endian, so that RocksDB's byte order is batch order: {@code meta} keys are the 8-byte batch id,
 * {@code data} keys the batch id and the 4-byte record index; {@code default} holds named keys.
 */
public final class StashKeys {
    public static final byte[] STASH_ID = "stash.id".getBytes(StandardCharsets.UTF_8);
    public static final byte[] FORMAT_VERSION = "format.version".getBytes(StandardCharsets.UTF_8);
    public static final byte[] NEXT_BATCH_ID = "next.batch.id".getBytes(StandardCharsets.UTF_8);
    /** The end (exclusive) of the batch ids reserved by a synced write before any of them is used. */
    public static final byte[] IDS_RESERVED = "ids.reserved".getBytes(StandardCharsets.UTF_8);
    private static final String SINK_OFFSET_PREFIX = "sink.offset\u0000";
    private static final String SINK_TOPIC_ID_PREFIX = "sink.topic-id\u0000";
    private static final String SINK_RUN_PREFIX = "sink.run\u0000";
    private static final String SINK_MODE_PREFIX = "sink.mode\u0000";

    private StashKeys() {
    }

    /** The length of a batch's key in {@code meta}. */
    public static final int BATCH_KEY_BYTES = 8;
    /** The length of a record's key in {@code data}: its batch's key, then its index. */
    public static final int RECORD_KEY_BYTES = 12;

    public static byte[] batch(long batchId) {
        return ByteBuffer.allocate(BATCH_KEY_BYTES).putLong(batchId).array();
    }

    public static long batchId(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong();
    }

    public static byte[] record(long batchId, int index) {
        return ByteBuffer.allocate(RECORD_KEY_BYTES).putLong(batchId).putInt(index).array();
    }

    /** The greatest key a record of batch {@code batchId} can have: the key just below the next batch's. */
    public static byte[] lastRecord(long batchId) {
        return record(batchId, -1);
    }

    public static int recordIndex(byte[] key) {
        return ByteBuffer.wrap(key, 8, 4).getInt();
    }

    public static byte[] longValue(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long longValue(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    /** The prefix of every stashed-offset key of one sink connector. */
    public static byte[] sinkOffsetPrefix(String sinkName) {
        return (SINK_OFFSET_PREFIX + sinkName + "\u0000").getBytes(StandardCharsets.UTF_8);
    }

    /** The prefix of every stashed-offset key, of any sink connector. */
    public static byte[] sinkOffsetPrefix() {
        return SINK_OFFSET_PREFIX.getBytes(StandardCharsets.UTF_8);
    }

    /** The sink connector and partition of a stashed-offset key, given the length of {@link #sinkOffsetPrefix()}. */
    public static java.util.Map.Entry<String, TopicPartition> sinkOffsetOwner(byte[] key, int prefixLength) {
        String rest = new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
        int first = rest.indexOf('\u0000');
        int last = rest.lastIndexOf('\u0000');
        return java.util.Map.entry(rest.substring(0, first), new TopicPartition(rest.substring(first + 1, last),
            Integer.parseInt(rest.substring(last + 1))));
    }

    public static byte[] sinkOffset(String sinkName, TopicPartition tp) {
        return (SINK_OFFSET_PREFIX + sinkName + "\u0000" + tp.topic() + "\u0000" + tp.partition()).getBytes(StandardCharsets.UTF_8);
    }

    public static TopicPartition sinkOffsetPartition(byte[] key, int prefixLength) {
        String rest = new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
        int sep = rest.lastIndexOf('\u0000');
        return new TopicPartition(rest.substring(0, sep), Integer.parseInt(rest.substring(sep + 1)));
    }

    /** The prefix of every input-topic-id key of one sink connector. */
    public static byte[] sinkTopicIdPrefix(String sinkName) {
        return (SINK_TOPIC_ID_PREFIX + sinkName + "\u0000").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] sinkTopicId(String sinkName, TopicPartition tp) {
        return (SINK_TOPIC_ID_PREFIX + sinkName + "\u0000" + tp.topic() + "\u0000" + tp.partition()).getBytes(StandardCharsets.UTF_8);
    }

    /** The prefix of every run-start key of one sink connector. */
    public static byte[] sinkRunPrefix(String sinkName) {
        return (SINK_RUN_PREFIX + sinkName + "\u0000").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] sinkRun(String sinkName, TopicPartition tp) {
        return (SINK_RUN_PREFIX + sinkName + "\u0000" + tp.topic() + "\u0000" + tp.partition()).getBytes(StandardCharsets.UTF_8);
    }

    /** The key of the input commit mode a sink connector last wrote the stash in. */
    public static byte[] sinkMode(String sinkName) {
        return (SINK_MODE_PREFIX + sinkName).getBytes(StandardCharsets.UTF_8);
    }

    /** The prefix of every commit-mode key. */
    public static byte[] sinkModePrefix() {
        return SINK_MODE_PREFIX.getBytes(StandardCharsets.UTF_8);
    }

    /** Longs, big-endian, one after the other. */
    public static byte[] longsValue(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    public static long[] longsValue(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long[] values = new long[value.length / Long.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getLong();
        }
        return values;
    }

    /** The exclusive upper bound of every key that starts with {@code prefix}. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalArgumentException("prefix has no upper bound");
    }
}
