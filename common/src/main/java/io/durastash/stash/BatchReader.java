package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Lock;

/**
 * Streams one batch's records in index order, decoding one at a time, so that a huge batch is never
 * held in memory. The iterator is bounded to the batch's key range: tombstones of other batches are
 * never scanned. Damaged records are quarantined and skipped. Not thread-safe.
 */
public final class BatchReader implements Iterator<StashEntry>, StashCursor {
    private final Stash stash;
    private final long batchId;
    private final RecordCodec codec;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    private final byte[] key = new byte[12];
    private StashEntry next;
    private boolean closed;

    BatchReader(Stash stash, long batchId, int fromIndex, RecordCodec codec) {
        this.stash = stash;
        this.batchId = batchId;
        this.codec = codec;
        this.lower = new Slice(StashKeys.record(batchId, fromIndex));
        this.upper = new Slice(StashKeys.record(batchId + 1, 0));
        // Each record is read once: keep it out of the block cache.
        this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper).setFillCache(false);
        this.iterator = stash.newRecordIterator(readOptions);
        this.iterator.seekToFirst();
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            if (closed) {
                return false;
            }
            stash.ensureOpen();
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
        } catch (RocksDBException e) {
            throw new StashException("Could not read batch " + batchId + " from the stash at " + stash.path() + ": " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
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

    public long batchId() {
        return batchId;
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
            stash.readerClosed(this);
        }
    }
}
