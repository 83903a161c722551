package io.durastash.testkit.records;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The identity of one numbered record: its series, its input partition, its number there (its offset in the input
 * topic) and its value size. The record's bytes follow from these four alone, so a check can rebuild what was sent
 * without keeping a copy. Travels as the text {@code <series>-<partition>-<seq>-<size>} ({@code demo-0-17-100}), read
 * from the right, so a series may hold '-' itself.
 */
public record RecordNumber(String series, int partition, long seq, int size) {

    public RecordNumber {
        if (series.isEmpty() || partition < 0 || seq < 0 || size < 0) {
            throw new IllegalArgumentException("Not a record number: " + series + "-" + partition + "-" + seq + "-" + size);
        }
    }

    public InputPartition inputPartition() {
        return new InputPartition(series, partition);
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The number in {@code bytes}; empty for anything that is not one. */
    public static Optional<RecordNumber> parse(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int sizeAt = text.lastIndexOf('-');
        int seqAt = sizeAt > 0 ? text.lastIndexOf('-', sizeAt - 1) : -1;
        int partitionAt = seqAt > 0 ? text.lastIndexOf('-', seqAt - 1) : -1;
        if (partitionAt <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RecordNumber(text.substring(0, partitionAt),
                Integer.parseInt(text.substring(partitionAt + 1, seqAt)), Long.parseLong(text.substring(seqAt + 1, sizeAt)),
                Integer.parseInt(text.substring(sizeAt + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return series + "-" + partition + "-" + seq + "-" + size;
    }
}
