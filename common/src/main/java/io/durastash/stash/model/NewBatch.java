package io.durastash.stash.model;

import java.util.List;

/**
 * The records of one batch to append, in input order, and the group they belong to; {@code requeued} when an operator
 * requeued them from the quarantine (see {@link BatchMetadata#requeued()}).
 */
public record NewBatch(String group, List<EncodedRecord> records, boolean requeued) {
    /** A batch of records from the input. */
    public NewBatch(String group, List<EncodedRecord> records) {
        this(group, records, false);
    }

    /** Bytes of encoded records in the batch. */
    public long byteSize() {
        long bytes = 0;
        for (EncodedRecord record : records) {
            bytes += record.bytes().length;
        }
        return bytes;
    }
}
