package io.durastash.stash;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.util.concurrent.locks.Lock;

/**
 * A RocksDB iterator bounded to one batch's records, from a given index: tombstones of other batches are
 * never scanned. Every step holds the stash's read lock and checks it is open, so a cursor never touches a
 * closed handle; the stash closes the cursors still open when it closes. Not thread-safe.
 */
abstract class BatchCursor implements AutoCloseable {
    final Stash stash;
    final long batchId;
    final RocksIterator iterator;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;
    private boolean closed;

    BatchCursor(Stash stash, long batchId, int fromIndex) {
        this.stash = stash;
        this.batchId = batchId;
        this.lower = new Slice(StashKeys.record(batchId, fromIndex));
        this.upper = new Slice(StashKeys.record(batchId + 1, 0));
        // Each record is read once: keep it out of the block cache.
        this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper).setFillCache(false);
        this.iterator = stash.newRecordIterator(readOptions);
        this.iterator.seekToFirst();
    }

    public long batchId() {
        return batchId;
    }

    /** One step of the cursor under the stash's read lock; a closed cursor yields {@code whenClosed}. */
    <T> T step(T whenClosed, Step<T> step) {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            if (closed) {
                return whenClosed;
            }
            stash.ensureOpen();
            return step.run();
        } catch (RocksDBException e) {
            throw new StashException("Could not read batch " + batchId + " from the stash at " + stash.path() + ": "
                + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    @FunctionalInterface
    interface Step<T> {
        T run() throws RocksDBException;
    }

    @Override
    public void close() {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            iterator.close();
            readOptions.close();
            lower.close();
            upper.close();
        } finally {
            readLock.unlock();
            stash.cursorClosed(this);
        }
    }
}
