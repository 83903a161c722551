package io.durastash.stash;

import java.util.List;

/** The records of one batch to append, in input order, and the group they belong to. */
public final class BatchContent {
    private final String group;
    private final List<EncodedRecord> records;

    public BatchContent(String group, List<EncodedRecord> records) {
        this.group = group;
        this.records = records;
    }

    public String group() {
        return group;
    }

    public List<EncodedRecord> records() {
        return records;
    }

    public long byteSize() {
        long bytes = 0;
        for (EncodedRecord record : records) {
            bytes += record.bytes().length;
        }
        return bytes;
    }
}
