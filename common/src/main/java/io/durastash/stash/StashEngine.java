package io.durastash.stash;

import io.durastash.stash.inspect.StashInspector;
import io.durastash.stash.internals.BatchLog;
import io.durastash.stash.internals.DrainQueue;
import io.durastash.stash.internals.Recovery;
import io.durastash.stash.internals.RefetchRanges;
import io.durastash.stash.internals.SinkOffsetStore;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.UndeliveredOffsets;
import io.durastash.stash.internals.WalSync;
import io.durastash.stash.quarantine.Quarantine;
import io.durastash.stash.quarantine.QuarantineStore;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The parts of a stash over one RocksDB handle, wired together and recovered from disk. A {@link Stash} replaces its
 * engine whole when the handle fails on I/O (RocksDB takes no more writes on it), so that the tasks holding the stash
 * keep it. Over a read-only handle, recovery writes nothing and neither does close ({@link StashOptions#withReadOnly}).
 */
final class StashEngine {
    final StashDb db;
    final DrainQueue queue;
    final UndeliveredOffsets undelivered = new UndeliveredOffsets();
    final RefetchRanges refetch;
    final QuarantineStore quarantineStore;
    final BatchLog batchLog;
    final SinkOffsetStore sinkOffsets;
    final Quarantine quarantine;
    final StashInspector inspector;
    final WalSync walSync;
    final UUID id;

    private StashEngine(StashDb db, StashOptions options) {
        this.db = db;
        this.queue = new DrainQueue(options.clock());
        this.refetch = new RefetchRanges(db, undelivered);
        this.quarantineStore = new QuarantineStore(db, options.clock(), refetch);
        this.batchLog = new BatchLog(db, queue, undelivered, options.clock(), quarantineStore);
        this.sinkOffsets = new SinkOffsetStore(db);
        this.quarantine = new Quarantine(db, quarantineStore, batchLog);
        this.inspector = new StashInspector(db, queue, quarantineStore, sinkOffsets);
        this.id = Recovery.run(db, queue, undelivered, refetch, batchLog,
            options.quarantineOnOpen() ? quarantineStore : null, options.clock());
        if (db.walDamage() != null && !db.readOnly()) {
            // This open dropped the writes after the damage, whoever opens the stash: record it, even for a repair. A
            // read-only open drops nothing and leaves it to the next read-write open.
            quarantineStore.walDamaged(db.walDamage());
        }
        quarantineStore.countOnOpen();
        this.walSync = new WalSync(db, queue);
    }

    /** Opens the handle in {@code path} and recovers the stash from what is on disk. */
    static StashEngine open(Path path, StashOptions options) {
        StashDb db = StashDb.open(path, options);
        try {
            return new StashEngine(db, options);
        } catch (RuntimeException e) {
            db.close(() -> { });
            throw e;
        }
    }

    /** Ends every wait, writes what a clean close writes, syncs the WAL and releases the handle. */
    void close() {
        queue.close();
        db.close(batchLog::writeOnClose);
    }
}
