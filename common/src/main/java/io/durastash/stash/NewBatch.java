package io.durastash.stash;

import java.util.List;

/** The records of one batch to append, in input order, and the group they belong to. */
public record NewBatch(String group, List<EncodedRecord> records) {
    /** Bytes of encoded records in the batch. */
    public long byteSize() {
        long bytes = 0;
        for (EncodedRecord record : records) {
            bytes += record.bytes().length;
        }
        return bytes;
    }
}
