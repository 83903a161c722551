package io.durastash.stash.internals;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One batch's records in index order, read a few at a time ({@link #READ_AHEAD_RECORDS} records, or no more once
 * {@link #READ_AHEAD_BYTES} were read) under one hold of the lock, so that a huge batch is never held in memory.
 * Subclasses say what a stored record becomes. Not thread-safe; closing it from another thread is safe.
 *
 * @param <T> what each stored record is turned into (or nothing, when it is set aside)
 */
public abstract class RecordReadAhead<T> implements Iterator<T>, AutoCloseable {
    public static final int READ_AHEAD_RECORDS = 64;
    static final int READ_AHEAD_BYTES = 256 * 1024;

    private final long batchId;
    private final FamilyCursor cursor;
    private final ArrayDeque<T> ahead = new ArrayDeque<>(READ_AHEAD_RECORDS);
    private boolean end;

    /** Reads batch {@code batchId} from record {@code fromIndex}, outside the block cache: each record is read once. */
    protected RecordReadAhead(StashDb db, long batchId, int fromIndex) {
        this.batchId = batchId;
        this.cursor = db.cursor(Family.DATA, StashKeys.record(batchId, fromIndex), StashKeys.record(batchId + 1, 0), false, 0);
    }

    public long batchId() {
        return batchId;
    }

    /** Turns the record stored at {@code index}; returns null to skip it. */
    protected abstract T read(int index, byte[] stored);

    @Override
    public boolean hasNext() {
        while (ahead.isEmpty() && !end) {
            end = cursor.read(READ_AHEAD_RECORDS, READ_AHEAD_BYTES, (key, value) -> {
                T item = read(StashKeys.recordIndex(key), value);
                if (item != null) {
                    ahead.addLast(item);
                }
            }) == 0;
        }
        return !ahead.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ahead.removeFirst();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
