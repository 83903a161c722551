package io.durastash.integration;

import java.nio.charset.StandardCharsets;

/**
 * The identity of one produced test record: its input topic and partition and its sequence number within that
 * partition (0, 1, 2, ...). Travels with the record as the UTF-8 text {@code topic:partition:seq}; ':' cannot
 * occur in a topic name, so the text parses back unambiguously.
 */
public record RecordNumber(String topic, int partition, long seq) {

    public RecordNumber {
        if (topic.isEmpty() || topic.indexOf(':') >= 0 || partition < 0 || seq < 0) {
            throw new IllegalArgumentException("Not a record number: " + topic + ":" + partition + ":" + seq);
        }
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@link #toBytes()}; throws {@link IllegalArgumentException} for anything else. */
    public static RecordNumber parse(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("No record number (null)");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int last = text.lastIndexOf(':');
        int middle = last > 0 ? text.lastIndexOf(':', last - 1) : -1;
        if (middle <= 0) {
            throw new IllegalArgumentException("Not a record number: '" + text + "'");
        }
        try {
            return new RecordNumber(text.substring(0, middle), Integer.parseInt(text.substring(middle + 1, last)),
                Long.parseLong(text.substring(last + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a record number: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return topic + ":" + partition + ":" + seq;
    }
}
