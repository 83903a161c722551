package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams one batch's records in index order, decoding a few at a time (at most {@link #READ_AHEAD_RECORDS}
 * records or, past {@link #READ_AHEAD_BYTES}, no more), so that a huge batch is never held in memory and the
 * stash's lock is taken once per step, not per record. Damaged records are quarantined and skipped.
 * Not thread-safe.
 */
public final class BatchReader extends BatchCursor implements Iterator<StashEntry> {
    static final int READ_AHEAD_RECORDS = 64;
    static final int READ_AHEAD_BYTES = 256 * 1024;

    private final RecordCodec codec;
    private final byte[] key = new byte[12];
    private final ArrayDeque<StashEntry> ahead = new ArrayDeque<>(READ_AHEAD_RECORDS);

    BatchReader(Stash stash, long batchId, int fromIndex, RecordCodec codec) {
        super(stash, batchId, fromIndex);
        this.codec = codec;
    }

    @Override
    public boolean hasNext() {
        if (!ahead.isEmpty()) {
            return true;
        }
        return step(false, () -> {
            long bytes = 0;
            while (iterator.isValid() && ahead.size() < READ_AHEAD_RECORDS && bytes < READ_AHEAD_BYTES) {
                iterator.key(key);
                byte[] value = iterator.value();
                iterator.next();
                int index = StashKeys.recordIndex(key);
                try {
                    ahead.addLast(new StashEntry(batchId, index, codec.decode(value)));
                    bytes += value.length;
                } catch (CorruptEntryException e) {
                    stash.quarantine().setAsideRecord(batchId, index, value, e.getMessage());
                }
            }
            if (ahead.isEmpty()) {
                iterator.status();
                return false;
            }
            return true;
        });
    }

    @Override
    public StashEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ahead.removeFirst();
    }
}
