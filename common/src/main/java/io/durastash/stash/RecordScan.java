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
 * Streams one batch's records for inspection, in index order: unlike {@link BatchReader}, damaged records are
 * returned with the reason and left where they are, so that scanning changes nothing. Not thread-safe.
 */
public final class RecordScan implements Iterator<ScannedRecord>, StashCursor {
    private final Stash stash;
    private final long batchId;
    private final RecordCodec codec;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    private boolean closed;

    RecordScan(Stash stash, long batchId, int fromIndex, RecordCodec codec) {
        this.stash = stash;
        this.batchId = batchId;
        this.codec = codec;
        this.lower = new Slice(StashKeys.record(batchId, fromIndex));
        this.upper = new Slice(StashKeys.record(batchId + 1, 0));
        this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)
            .setFillCache(false).setReadaheadSize(256 * 1024);
        this.iterator = stash.newRecordIterator(readOptions);
        this.iterator.seekToFirst();
    }

    @Override
    public boolean hasNext() {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            if (closed) {
                return false;
            }
            stash.ensureOpen();
            if (iterator.isValid()) {
                return true;
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
    public ScannedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            stash.ensureOpen();
            byte[] key = iterator.key();
            byte[] value = iterator.value();
            iterator.next();
            int index = StashKeys.recordIndex(key);
            try {
                return new ScannedRecord(batchId, index, value.length, codec.decode(value), null);
            } catch (CorruptEntryException e) {
                return new ScannedRecord(batchId, index, value.length, null, e.getMessage());
            }
        } finally {
            readLock.unlock();
        }
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
