package io.durastash.stash.internals;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One batch's records in index order, read a few at a time ({@link #READ_AHEAD_RECORDS} records, or no more once
 * {@link #READ_AHEAD_BYTES} were read) under one hold of the lock, so that a huge batch is never held in memory.
 * Subclasses say what a stored record becomes. Not thread-safe; closing it from another thread is safe.
 *
 * <p>Damage in RocksDB's own files (a block whose checksum fails) does not end the batch: the rest of it is read
 * again without RocksDB's verification, so that each record's own checksum judges it, and what cannot be read even
 * so (a block that does not decode) is stepped over, record by record, and reported as unreadable.
 *
 * @param <T> what each stored record is turned into (or nothing, when it is set aside)
 */
public abstract class RecordReadAhead<T> implements Iterator<T>, AutoCloseable {
    public static final int READ_AHEAD_RECORDS = 64;
    static final int READ_AHEAD_BYTES = 256 * 1024;

    private final StashDb db;
    private final long batchId;
    private final int endIndex;
    private final ArrayDeque<T> ahead = new ArrayDeque<>(READ_AHEAD_RECORDS);
    private FamilyCursor cursor;
    private boolean verified = true;
    private int nextIndex;
    private boolean end;

    /**
     * Reads batch {@code batchId} from record {@code fromIndex}, outside the block cache: each record is read once.
     *
     * @param endIndex the batch's record count: where stepping over unreadable records stops
     */
    protected RecordReadAhead(StashDb db, long batchId, int fromIndex, int endIndex) {
        this.db = db;
        this.batchId = batchId;
        this.endIndex = endIndex;
        this.nextIndex = fromIndex;
        this.cursor = open(fromIndex);
    }

    private FamilyCursor open(int fromIndex) {
        return db.cursor(Family.DATA, StashKeys.record(batchId, fromIndex), StashKeys.record(batchId + 1, 0), false, 0,
            verified);
    }

    public long batchId() {
        return batchId;
    }

    /** Turns the record stored at {@code index}; returns null to skip it. */
    protected abstract T read(int index, byte[] stored);

    /** Records {@code fromIndex} (inclusive) to {@code toIndex} (exclusive) cannot be read; returns null to skip them. */
    protected abstract T unreadable(int fromIndex, int toIndex, String reason);

    @Override
    public boolean hasNext() {
        while (ahead.isEmpty() && !end) {
            try {
                end = cursor.read(READ_AHEAD_RECORDS, READ_AHEAD_BYTES, (key, value) -> {
                    int index = StashKeys.recordIndex(key);
                    nextIndex = index + 1;
                    T item = read(index, value);
                    if (item != null) {
                        ahead.addLast(item);
                    }
                }) == 0;
            } catch (RuntimeException e) {
                if (!StashFailures.isCorruption(e)) {
                    throw e;
                }
                stepOver(e.getMessage());
            }
        }
        return !ahead.isEmpty();
    }

    /**
     * After damage at {@link #nextIndex}: reads on without RocksDB's verification; if even that fails, steps over
     * the records that cannot be read until one can, or the batch ends.
     */
    private void stepOver(String reason) {
        cursor.close();
        if (verified) {
            verified = false;
            cursor = open(nextIndex);
            return;
        }
        int first = nextIndex;
        int next = first + 1;
        for (; next < endIndex; next++) {
            FamilyCursor probe = open(next);
            if (readable(probe)) {
                cursor = probe;
                break;
            }
            probe.close();
        }
        nextIndex = next;
        T item = unreadable(first, next, reason);
        if (item != null) {
            ahead.addLast(item);
        }
        if (next >= endIndex) {
            cursor = open(endIndex);
            end = true;
        }
    }

    private static boolean readable(FamilyCursor probe) {
        try {
            probe.hasMore();
            return true;
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            return false;
        }
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
