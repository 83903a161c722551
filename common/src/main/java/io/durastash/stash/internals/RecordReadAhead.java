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
 * unframed record up to the next entry. Damage in RocksDB's own files (a block whose checksum fails) makes the rest
 * of the batch be read again without RocksDB's verification, so that the entries' own checksums judge them, and what
 * cannot be read even so (a file block that does not decode) is stepped over, up to the next entry that can be read,
 * and reported as unreadable.
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
    private boolean verified = true;
    /** Past the last entry read: where a read after damage goes on. */
    private int nextIndex;
    private boolean entryRead;
    /** The first record of an entry that could not be framed, until the next entry shows where the damage ends. */
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
        return db.cursor(Family.DATA, StashKeys.record(batchId, index), StashKeys.record(batchId + 1, 0), false, 0,
            verified);
    }

    /** A cursor from the entry that holds record {@code index}. */
    private FamilyCursor openAtOrBefore(int index) {
        FamilyCursor opened = open(0);
        if (index > 0) {
            opened.seekAtOrBefore(StashKeys.record(batchId, index));
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
            try {
                end = cursor.read(READ_AHEAD_ENTRIES, READ_AHEAD_BYTES, this::entry) == 0;
                if (end) {
                    damageEndsAt(endIndex);
                }
            } catch (RuntimeException e) {
                if (!StashFailures.isCorruption(e)) {
                    throw e;
                }
                stepOver(e.getMessage());
            }
        }
        return !ahead.isEmpty();
    }

    private void entry(byte[] key, byte[] value) {
        int first = StashKeys.recordIndex(key);
        damageEndsAt(first);
        entryRead = true;
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

    /**
     * After damage in RocksDB's files past the last entry read: reads on without RocksDB's verification; if even
     * that fails, steps over indexes until an entry can be read, or the batch ends.
     */
    private void stepOver(String reason) {
        cursor.close();
        if (verified) {
            verified = false;
            cursor = entryRead ? open(nextIndex) : openAtOrBefore(nextIndex);
            return;
        }
        if (damagedFrom < 0) {
            damagedFrom = Math.max(nextIndex, fromIndex);
            damage = reason;
        }
        for (int next = nextIndex + 1; next < endIndex; next++) {
            FamilyCursor probe = open(next);
            byte[] key = readableKey(probe);
            if (key != null) {
                cursor = probe;
                nextIndex = key.length == 0 ? endIndex : StashKeys.recordIndex(key);
                entryRead = true;
                return; // the next entry, or the batch's end, reports the damage
            }
            probe.close();
        }
        damageEndsAt(endIndex);
        cursor = open(endIndex);
        end = true;
    }

    /** The next key of {@code probe}; empty at the end of the batch; null when the probe runs into damage. */
    private static byte[] readableKey(FamilyCursor probe) {
        try {
            byte[] key = probe.nextKey();
            return key == null ? new byte[0] : key;
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            return null;
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
