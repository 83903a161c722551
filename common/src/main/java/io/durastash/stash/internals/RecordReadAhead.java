package io.durastash.stash.internals;

import io.durastash.stash.codec.RecordBlock;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One batch's records in index order, read a few entries at a time ({@link #READ_AHEAD_ENTRIES} entries, or no more
 * once {@link #READ_AHEAD_BYTES} were read) under one hold of the lock, so that a huge batch is never held in memory.
 * An entry is a block of records or, in a stash written before blocks, one record ({@link RecordBlock}). Subclasses
 * say what a stored record becomes. Not thread-safe; closing it from another thread is safe.
 *
 * <p>Damage does not end the batch. A block whose bytes cannot be framed is reported as unreadable from its first
 * unframed record up to the next entry. Damage in RocksDB's own files (a block whose checksum fails) is stepped over
 * ({@link FamilyCursor#readPastDamage}), and the records from the last entry read up to the next entry that can be read
 * are reported as unreadable.
 *
 * @param <T> what each stored record is turned into (or nothing, when it is set aside)
 */
public abstract class RecordReadAhead<T> implements Iterator<T>, AutoCloseable {
    private static final int READ_AHEAD_ENTRIES = 64;
    public static final int READ_AHEAD_BYTES = 256 * 1024;

    private final StashDb db;
    private final long batchId;
    private final int endIndex;
    /** Records below this index are not handed out: the first entry read may begin before the record asked for. */
    private final int fromIndex;
    private final ArrayDeque<T> ahead = new ArrayDeque<>();
    private final RecordBlock.Visitor handOut = this::handOut;
    private FamilyCursor cursor;
    /** Past the last entry read: where a read after damage goes on. */
    private int nextIndex;
    /**
     * The first record of damage (an entry that could not be framed, a damaged block of RocksDB's files), until the
     * next entry shows where it ends.
     */
    private int damagedFrom = -1;
    private String damage;
    private boolean end;

    /**
     * Reads batch {@code batchId} from record {@code fromIndex}, outside the block cache: each entry is read once.
     *
     * @param endIndex the batch's record count: where stepping over unreadable records stops
     */
    protected RecordReadAhead(StashDb db, long batchId, int fromIndex, int endIndex) {
        this.db = db;
        this.batchId = batchId;
        this.endIndex = endIndex;
        this.fromIndex = fromIndex;
        this.nextIndex = fromIndex;
        this.cursor = openAtOrBefore(fromIndex);
    }

    private FamilyCursor open(int index) {
        return db.cursor(Family.DATA, StashKeys.record(batchId, index), StashKeys.record(batchId + 1, 0), false, 0);
    }

    /**
     * A cursor from the entry that holds record {@code index}; from {@code index} itself when that entry's block is
     * damaged (the records from {@code index} up to the next entry read are then reported as unreadable).
     */
    private FamilyCursor openAtOrBefore(int index) {
        FamilyCursor opened = open(0);
        if (index > 0) {
            try {
                opened.seekAtOrBefore(StashKeys.record(batchId, index));
            } catch (RuntimeException e) {
                opened.close();
                if (!StashFailures.isCorruption(e)) {
                    throw e;
                }
                damagedFrom = index;
                damage = e.getMessage();
                return open(index);
            }
        }
        return opened;
    }

    public long batchId() {
        return batchId;
    }

    /**
     * Turns the record stored at {@code index}, {@code entry[from, to)}; returns null to skip it.
     *
     * @param checked whether the block's checksum vouched for the bytes (see {@link RecordBlock})
     */
    protected abstract T read(int index, byte[] entry, int from, int to, boolean checked);

    /** Records {@code fromIndex} (inclusive) to {@code toIndex} (exclusive) cannot be read; returns null to skip them. */
    protected abstract T unreadable(int fromIndex, int toIndex, String reason);

    @Override
    public boolean hasNext() {
        while (ahead.isEmpty() && !end) {
            end = cursor.readPastDamage(READ_AHEAD_ENTRIES, READ_AHEAD_BYTES, StashKeys.RECORD_KEY_BYTES, this::entry,
                this::steppedOver) == 0;
            if (end) {
                damageEndsAt(endIndex);
            }
        }
        return !ahead.isEmpty();
    }

    private void entry(byte[] key, byte[] value) {
        int first = StashKeys.recordIndex(key);
        damageEndsAt(first);
        nextIndex = first + 1;
        try {
            nextIndex = first + RecordBlock.read(first, value, handOut);
        } catch (RecordBlock.DamagedEntryException e) {
            damagedFrom = e.unreadFrom();
            damage = e.getMessage();
        }
    }

    private void handOut(int index, byte[] entry, int from, int to, boolean checked) {
        if (index >= fromIndex) {
            add(read(index, entry, from, to, checked));
        }
    }

    private void add(T item) {
        if (item != null) {
            ahead.addLast(item);
        }
    }

    /** Reports the records of an entry that could not be framed, now that {@code toIndex} shows where they end. */
    private void damageEndsAt(int toIndex) {
        if (damagedFrom < 0) {
            return;
        }
        int from = Math.max(damagedFrom, fromIndex);
        damagedFrom = -1;
        if (from < toIndex) {
            add(unreadable(from, toIndex, damage));
        }
    }

    /** Damage in RocksDB's files past the last entry read, stepped over: the next entry, or the end, reports it. */
    private void steppedOver(byte[] after, byte[] to, String reason) {
        if (damagedFrom < 0) {
            damagedFrom = Math.max(nextIndex, fromIndex);
            damage = reason;
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
