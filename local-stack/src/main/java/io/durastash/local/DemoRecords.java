package io.durastash.local;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;

/**
 * The demo's numbered records. Record {@code seq} of input partition {@code p} is fully determined by
 * {@code (p, seq, size)}, all three in its key, so the verdict can rebuild it and compare key, value and headers
 * byte for byte without keeping a copy. One header carries bytes that are not UTF-8: a header converter that
 * reads bytes as text (Connect's default SimpleHeaderConverter) alters it, ByteArrayConverter keeps it.
 */
final class DemoRecords {
    static final String SEQ_HEADER = "demo.seq";
    static final String BYTES_HEADER = "demo.bytes";
    private static final String KEY_PREFIX = "demo-";
    private static final byte[] FILLER = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".getBytes(
        StandardCharsets.US_ASCII);

    /** A demo record's identity: its input partition, its number there, its value size. */
    record Id(int partition, long seq, int size) {
    }

    private DemoRecords() {
    }

    static byte[] key(Id id) {
        return (KEY_PREFIX + id.partition() + "-" + id.seq() + "-" + id.size()).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(Id id) {
        byte[] text = ("durastash demo record p=" + id.partition() + " seq=" + id.seq() + " ")
            .getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[id.size()];
        System.arraycopy(text, 0, value, 0, Math.min(text.length, value.length));
        for (int i = text.length; i < value.length; i++) {
            value[i] = FILLER[(int) ((id.seq() + i) % FILLER.length)];
        }
        return value;
    }

    static Headers headers(Id id) {
        long seq = id.seq();
        RecordHeaders headers = new RecordHeaders();
        headers.add(SEQ_HEADER, Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        headers.add(BYTES_HEADER, new byte[] {0, (byte) 0xFF, (byte) 0xFE, (byte) seq, (byte) (seq >>> 8),
            (byte) (seq >>> 16)});
        return headers;
    }

    /** The identity in a demo record's key; empty for a record the demo did not write. */
    static Optional<Id> parse(byte[] key) {
        if (key == null) {
            return Optional.empty();
        }
        String text = new String(key, StandardCharsets.US_ASCII);
        if (!text.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = text.substring(KEY_PREFIX.length()).split("-");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            Id id = new Id(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
            return id.partition() >= 0 && id.seq() >= 0 && id.size() > 0 ? Optional.of(id) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code value} and the demo's headers in {@code headers} are exactly what the demo wrote for {@code id}.
     * Other headers (a connector may add its own) are not compared.
     */
    static boolean intact(Id id, byte[] value, Headers headers) {
        if (!Arrays.equals(value(id), value)) {
            return false;
        }
        for (Header expected : headers(id)) {
            Iterator<Header> actual = headers.headers(expected.key()).iterator();
            if (!actual.hasNext() || !Arrays.equals(expected.value(), actual.next().value()) || actual.hasNext()) {
                return false;
            }
        }
        return true;
    }
}
