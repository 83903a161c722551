package io.durastash.connect;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.UUID;

/**
 * The header {@value #HEADER} by which a stash recognises its own records coming back: its source adds the stash's id
 * to every record it emits (next to any such header from stashes the record passed before), and its sink does not
 * stash a record that carries it, so that a loop through other connectors (this pair's output is, directly or not, an
 * input of its sink) ends after one round instead of growing a topic without end. The value is the id as UTF-8 text
 * under a BYTES schema, which both usual header converters accept; SimpleHeaderConverter hands it back as its Base64
 * text, and both forms are recognised.
 */
public final class LoopMark {
    public static final String HEADER = "durastash.via";
    /** A header's bytes in Kafka's record format besides its key and value, at most. */
    private static final int HEADER_OVERHEAD = 10;

    private final byte[] bytes;
    private final String text;
    private final String base64;

    public LoopMark(UUID stashId) {
        this.text = stashId.toString();
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        this.base64 = Base64.getEncoder().encodeToString(bytes);
    }

    /** Adds this stash's mark to {@code headers}, keeping the marks of stashes the record passed before. */
    public void addTo(Headers headers) {
        if (!marks(headers)) {
            headers.add(HEADER, bytes, Schema.BYTES_SCHEMA);
        }
    }

    /** What {@link #addTo} adds to a record's size in bytes, at most. */
    public long sizeInBytes() {
        return HEADER_OVERHEAD + HEADER.length() + bytes.length;
    }

    /** Whether {@code headers} carry this stash's mark: the record was delivered from this stash before. */
    public boolean marks(Headers headers) {
        for (Iterator<Header> it = headers.allWithName(HEADER); it.hasNext(); ) {
            Object value = it.next().value();
            if (value instanceof byte[] b ? Arrays.equals(b, bytes) : text.equals(value) || base64.equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return HEADER + "=" + text;
    }
}
