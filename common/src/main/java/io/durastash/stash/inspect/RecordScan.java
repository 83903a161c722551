package io.durastash.stash.inspect;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.RecordReadAhead;
import io.durastash.stash.internals.StashDb;

/**
 * Streams one batch's records for inspection, in index order: unlike the drain's reader, damaged records are
 * returned with the reason and left where they are, so that scanning changes nothing. Not thread-safe.
 */
public final class RecordScan extends RecordReadAhead<InspectedRecord> {
    private final RecordCodec codec;

    RecordScan(StashDb db, long batchId, int fromIndex, int recordCount, RecordCodec codec) {
        super(db, batchId, fromIndex, recordCount);
        this.codec = codec;
    }

    @Override
    protected InspectedRecord read(int index, byte[] entry, int from, int to, boolean checked) {
        try {
            return new InspectedRecord(batchId(), index, to - from, codec.decode(entry, from, to, checked), null);
        } catch (CorruptEntryException e) {
            return new InspectedRecord(batchId(), index, to - from, null, e.getMessage());
        }
    }

    @Override
    protected InspectedRecord unreadable(int fromIndex, int toIndex, String reason) {
        return new InspectedRecord(batchId(), fromIndex, 0, null, "records " + fromIndex + " to " + (toIndex - 1)
            + " cannot be read: " + reason);
    }
}
