package io.durastash.stash.internals;

import org.rocksdb.AbstractEventListener;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;

/**
 * Tells the stash when RocksDB begins to flush a memtable of {@code data}, whoever asked for it (the stash, or RocksDB
 * itself when the memtable is full): the records in it are in files once the flush is done ({@link DrainedRanges}).
 * Called on RocksDB's flush thread.
 */
final class FlushWatch extends AbstractEventListener {
    private volatile Runnable onDataFlush = () -> { };

    FlushWatch() {
        super(EnabledEventCallback.ON_FLUSH_BEGIN);
    }

    void onDataFlush(Runnable action) {
        onDataFlush = action;
    }

    @Override
    public void onFlushBegin(RocksDB db, FlushJobInfo flushJobInfo) {
        if (Family.DATA.columnFamily().equals(flushJobInfo.getColumnFamilyName())) {
            onDataFlush.run();
        }
    }
}
