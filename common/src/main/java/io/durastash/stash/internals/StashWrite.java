package io.durastash.stash.internals;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.Map;

/** One atomic write to the stash, built up and applied by {@link StashDb#write}. Not thread-safe. */
public final class StashWrite implements AutoCloseable {
    private final Map<Family, ColumnFamilyHandle> families;
    private final WriteBatch batch = new WriteBatch();

    StashWrite(Map<Family, ColumnFamilyHandle> families) {
        this.families = families;
    }

    public StashWrite put(Family family, byte[] key, byte[] value) {
        try {
            batch.put(families.get(family), key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Could not add to a write batch", e);
        }
        return this;
    }

    public StashWrite delete(Family family, byte[] key) {
        try {
            batch.delete(families.get(family), key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Could not add to a write batch", e);
        }
        return this;
    }

    /** Deletes the keys from {@code from} (inclusive) to {@code to} (exclusive). */
    public StashWrite deleteRange(Family family, byte[] from, byte[] to) {
        try {
            batch.deleteRange(families.get(family), from, to);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Could not add to a write batch", e);
        }
        return this;
    }

    public int count() {
        return batch.count();
    }

    WriteBatch batch() {
        return batch;
    }

    @Override
    public void close() {
        batch.close();
    }
}
