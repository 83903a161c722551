package io.durastash.stash.internals;

import io.durastash.stash.BatchMetadata;
import io.durastash.stash.BatchRecord;
import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;

import java.util.Arrays;

/**
 * Streams one batch's records for delivery: damaged records are set aside and skipped. A reader whose stash closed
 * under it throws instead of reading as the end of the batch. Not thread-safe.
 */
public final class RecordCursor extends RecordReadAhead<BatchRecord> {
    private final BatchMetadata batch;
    private final RecordCodec codec;
    private final SetAside setAside;

    public RecordCursor(StashDb db, BatchMetadata batch, int fromIndex, RecordCodec codec, SetAside setAside) {
        super(db, batch.id(), fromIndex, batch.recordCount());
        this.batch = batch;
        this.codec = codec;
        this.setAside = setAside;
    }

    @Override
    protected BatchRecord read(int index, byte[] entry, int from, int to, boolean checked) {
        try {
            return new BatchRecord(batchId(), index, codec.decode(entry, from, to, checked));
        } catch (CorruptEntryException e) {
            setAside.record(batch, index, Arrays.copyOfRange(entry, from, to), e.getMessage());
            return null;
        }
    }

    @Override
    protected BatchRecord unreadable(int fromIndex, int toIndex, String reason) {
        setAside.unreadable(batch, fromIndex, toIndex, reason);
        return null;
    }
}
