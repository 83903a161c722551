package io.durastash.testkit.records;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A series of numbered records, the way Kafka's own tests prove "no loss, no duplicates, in order": record {@code seq}
 * of input partition {@code p} is built from its {@link RecordNumber} alone, so a {@link SequenceCheck} can rebuild it
 * and compare key, value, headers and timestamp byte for byte.
 *
 * <p>Every record has a text-and-filler value of the series' size and two headers of its own,
 * {@code <series>.seq} and {@code <series>.bytes}; the second holds bytes that are not UTF-8, which a header converter
 * that reads bytes as text (Connect's default SimpleHeaderConverter) alters and ByteArrayConverter keeps. The
 * {@link Shape} says the rest. The series {@code demo} writes exactly what the launcher's demo always wrote, so a data
 * directory of an earlier version still passes its verdict.
 */
public final class NumberedRecords {
    /** How a record carries its number, and what else it exercises. */
    public enum Shape {
        /** The number is the key. */
        PLAIN,
        /**
         * What a faithful copy must keep: the number in the header {@code <series>.number}; every other key null, the
         * others {@code key-<seq>}; every tenth value a tombstone; empty, null-valued and repeated headers; and a fixed
         * create timestamp, also written in the header {@code <series>.timestamp}.
         */
        VARIED,
        /** No key and no headers, only the value: load for a benchmark, which nothing checks. */
        BARE
    }

    static final String SEQ = ".seq";
    static final String BYTES = ".bytes";
    static final String NUMBER = ".number";
    static final String TIMESTAMP = ".timestamp";
    private static final byte[] FILLER = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".getBytes(
        StandardCharsets.US_ASCII);
    public static final int DEFAULT_VALUE_BYTES = 100;

    private final String series;
    private final int valueBytes;
    private final Shape shape;
    /**
     * Varied records' create timestamps start here: recent, because the broker deletes segments by the timestamps in
     * them (records stamped years ago vanish at the next retention check).
     */
    private final long timestampBase;

    private NumberedRecords(String series, int valueBytes, Shape shape, long timestampBase) {
        this.series = new RecordNumber(series, 0, 0, valueBytes).series();
        this.valueBytes = valueBytes;
        this.shape = shape;
        this.timestampBase = timestampBase;
    }

    /** Plain records of 100-byte values; the series is usually the input topic's name. */
    public static NumberedRecords of(String series) {
        return new NumberedRecords(series, DEFAULT_VALUE_BYTES, Shape.PLAIN, System.currentTimeMillis() - 60_000);
    }

    public NumberedRecords withValueBytes(int valueBytes) {
        return new NumberedRecords(series, valueBytes, shape, timestampBase);
    }

    public NumberedRecords varied() {
        return new NumberedRecords(series, valueBytes, Shape.VARIED, timestampBase);
    }

    public NumberedRecords bare() {
        return new NumberedRecords(series, valueBytes, Shape.BARE, timestampBase);
    }

    public String series() {
        return series;
    }

    /** Record {@code seq} of input partition {@code partition}, for {@code topic}. */
    public ProducerRecord<byte[], byte[]> record(String topic, int partition, long seq) {
        RecordNumber number = new RecordNumber(series, partition, seq, valueBytes);
        Sent sent = sent(number, shape, shape == Shape.VARIED ? timestampBase + seq : null);
        return new ProducerRecord<>(topic, partition, sent.timestamp(), sent.key(), sent.value(), sent.headers());
    }

    /** What was sent for {@code number} in {@code shape}; {@code timestamp} null for the producer's own. */
    record Sent(byte[] key, byte[] value, Headers headers, Long timestamp) {
    }

    static Sent sent(RecordNumber number, Shape shape, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        if (shape == Shape.BARE) {
            return new Sent(null, value(number), headers, timestamp);
        }
        String prefix = number.series();
        long seq = number.seq();
        if (shape == Shape.VARIED) {
            headers.add(prefix + NUMBER, number.toBytes());
        }
        headers.add(prefix + SEQ, Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        headers.add(prefix + BYTES, new byte[] {0, (byte) 0xFF, (byte) 0xFE, (byte) seq, (byte) (seq >>> 8),
            (byte) (seq >>> 16)});
        if (shape == Shape.PLAIN) {
            return new Sent(number.toBytes(), value(number), headers, timestamp);
        }
        headers.add(prefix + TIMESTAMP, Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
        headers.add(prefix + ".empty", new byte[0]);
        headers.add(prefix + ".repeated", new byte[] {1});
        headers.add(prefix + ".repeated", new byte[] {2});
        headers.add(prefix + ".null", null);
        byte[] key = seq % 2 == 0 ? null : ("key-" + seq).getBytes(StandardCharsets.US_ASCII);
        return new Sent(key, seq % 10 == 3 ? null : value(number), headers, timestamp);
    }

    /** "durastash <series> record p=<p> seq=<seq> ", then filler, cut or filled to the number's size. */
    static byte[] value(RecordNumber number) {
        byte[] text = ("durastash " + number.series() + " record p=" + number.partition() + " seq=" + number.seq() + " ")
            .getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[number.size()];
        System.arraycopy(text, 0, value, 0, Math.min(text.length, value.length));
        for (int i = text.length; i < value.length; i++) {
            value[i] = FILLER[(int) ((number.seq() + i) % FILLER.length)];
        }
        return value;
    }

    @Override
    public String toString() {
        return shape.name().toLowerCase(java.util.Locale.ROOT) + " records of the series " + series + ", values of "
            + valueBytes + " bytes";
    }
}
