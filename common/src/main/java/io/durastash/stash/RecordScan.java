package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams one batch's records for inspection, in index order: unlike {@link BatchReader}, damaged records are
 * returned with the reason and left where they are, so that scanning changes nothing. Not thread-safe.
 */
public final class RecordScan extends BatchCursor implements Iterator<ScannedRecord> {
    private final RecordCodec codec;

    RecordScan(Stash stash, long batchId, int fromIndex, RecordCodec codec) {
        super(stash, batchId, fromIndex);
        this.codec = codec;
    }

    @Override
    public boolean hasNext() {
        return step(false, () -> {
            if (iterator.isValid()) {
                return true;
            }
            iterator.status();
            return false;
        });
    }

    @Override
    public ScannedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return step(null, () -> {
            byte[] key = iterator.key();
            byte[] value = iterator.value();
            iterator.next();
            int index = StashKeys.recordIndex(key);
            try {
                return new ScannedRecord(batchId, index, value.length, codec.decode(value), null);
            } catch (CorruptEntryException e) {
                return new ScannedRecord(batchId, index, value.length, null, e.getMessage());
            }
        });
    }
}
