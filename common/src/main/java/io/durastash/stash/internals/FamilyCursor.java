package io.durastash.stash.internals;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.util.concurrent.locks.Lock;

/**
 * A RocksDB iterator over a bounded key range of one column family: tombstones outside the range are never
 * scanned. Every step holds the database's lifecycle lock, then the cursor's monitor, so that a cursor never touches
 * a closed handle and may be closed from another thread. A cursor closed under its reader (its stash closed) throws
 * on the next read instead of reading as the end. Safe to close from any thread; read from one.
 */
public final class FamilyCursor implements AutoCloseable {
    /** Receives one entry; the arrays are the caller's to keep. */
    @FunctionalInterface
    public interface Visitor {
        void visit(byte[] key, byte[] value);
    }

    private static final int CHUNK = 1024;

    private final StashDb db;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    private boolean closed;

    FamilyCursor(StashDb db, byte[] lower, byte[] upper, boolean fillCache, long readaheadBytes,
                 boolean verifyChecksums, StashDb.IteratorFactory iterators) {
        this.db = db;
        this.lower = lower == null ? null : new Slice(lower);
        this.upper = upper == null ? null : new Slice(upper);
        ReadOptions options = new ReadOptions().setFillCache(fillCache).setVerifyChecksums(verifyChecksums);
        if (this.lower != null) {
            options.setIterateLowerBound(this.lower);
        }
        if (this.upper != null) {
            options.setIterateUpperBound(this.upper);
        }
        if (readaheadBytes > 0) {
            options.setReadaheadSize(readaheadBytes);
        }
        this.readOptions = options;
        this.iterator = iterators.open(options);
        this.iterator.seekToFirst();
    }

    /**
     * Hands up to {@code maxEntries} entries to {@code visitor}, stopping early once {@code maxBytes} of values were
     * read, all under one hold of the lock. Returns how many it visited: 0 only at the end of the range.
     *
     * @throws io.durastash.stash.model.StashException when the stash closed under the cursor, or RocksDB fails to read
     */
    public int read(int maxEntries, long maxBytes, Visitor visitor) {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                checkOpen();
                int visited = 0;
                long bytes = 0;
                while (visited < maxEntries && bytes < maxBytes && iterator.isValid()) {
                    byte[] key = iterator.key();
                    byte[] value = iterator.value();
                    iterator.next();
                    visitor.visit(key, value);
                    visited++;
                    bytes += value.length;
                }
                if (!iterator.isValid()) {
                    iterator.status();
                }
                return visited;
            }
        } catch (RocksDBException e) {
            throw db.failure("read the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    /** Visits every entry left, {@value #CHUNK} per hold of the lock. */
    public void forEachRemaining(Visitor visitor) {
        int visited;
        do {
            visited = read(CHUNK, Long.MAX_VALUE, visitor);
        } while (visited > 0);
    }

    /**
     * Moves to the last entry at or before {@code key}, or to the first entry when there is none: where a read that
     * must include the entry holding {@code key}'s position starts.
     */
    public void seekAtOrBefore(byte[] key) {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                checkOpen();
                iterator.seekForPrev(key);
                if (!iterator.isValid()) {
                    iterator.status();
                    iterator.seekToFirst();
                }
            }
        } catch (RocksDBException e) {
            throw db.failure("read the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    /** The key of the next entry to read; null at the end of the range. */
    public byte[] nextKey() {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                checkOpen();
                if (iterator.isValid()) {
                    return iterator.key();
                }
                iterator.status();
                return null;
            }
        } catch (RocksDBException e) {
            throw db.failure("read the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            db.ensureOpen();
            throw new IllegalStateException("the cursor over the stash at " + db.path() + " is closed");
        }
    }

    @Override
    public void close() {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                iterator.close();
                readOptions.close();
                if (lower != null) {
                    lower.close();
                }
                if (upper != null) {
                    upper.close();
                }
            }
        } finally {
            readLock.unlock();
            db.cursorClosed(this);
        }
    }
}
