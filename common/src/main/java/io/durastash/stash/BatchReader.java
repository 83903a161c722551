package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams one batch's records in index order, decoding one at a time, so that a huge batch is never
 * held in memory. Damaged records are quarantined and skipped. Not thread-safe.
 */
public final class BatchReader extends BatchCursor implements Iterator<StashEntry> {
    private final RecordCodec codec;
    private final byte[] key = new byte[12];
    private StashEntry next;

    BatchReader(Stash stash, long batchId, int fromIndex, RecordCodec codec) {
        super(stash, batchId, fromIndex);
        this.codec = codec;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        return step(false, () -> {
            while (iterator.isValid()) {
                iterator.key(key);
                byte[] value = iterator.value();
                iterator.next();
                int index = StashKeys.recordIndex(key);
                try {
                    next = new StashEntry(batchId, index, codec.decode(value));
                    return true;
                } catch (CorruptEntryException e) {
                    stash.quarantine().setAsideRecord(batchId, index, value, e.getMessage());
                }
            }
            iterator.status();
            return false;
        });
    }

    @Override
    public StashEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        StashEntry entry = next;
        next = null;
        return entry;
    }
}
