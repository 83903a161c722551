package io.durastash.stash;

import io.durastash.stash.inspect.StashInspector;
import io.durastash.stash.internals.BatchLog;
import io.durastash.stash.internals.DrainQueue;
import io.durastash.stash.internals.DrainedRanges;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.Recovery;
import io.durastash.stash.internals.RefetchRanges;
import io.durastash.stash.internals.SinkOffsetStore;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashFailures;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.internals.UndeliveredOffsets;
import io.durastash.stash.internals.WalSync;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.stash.model.StashUnavailableException;
import io.durastash.stash.quarantine.Quarantine;
import io.durastash.stash.quarantine.QuarantineStore;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The parts of a stash over one RocksDB handle, wired together and recovered from disk, and the writes that span
 * them. A stash replaces its engine whole when the handle fails on I/O (RocksDB takes no more writes on it), so that
 * the tasks holding the stash keep it ({@link StashCore#engine()}). Over a read-only handle, recovery writes nothing and
 * neither does close ({@link StashOptions#withReadOnly}).
 *
 * <p>Every write here that fails for lack of space throws a {@link StashUnavailableException}, which Connect retries.
 */
final class StashEngine {
    private final StashDb db;
    private final DrainQueue queue;
    private final UndeliveredOffsets undelivered = new UndeliveredOffsets();
    private final RefetchRanges refetch;
    private final QuarantineStore quarantineStore;
    private final BatchLog batchLog;
    private final DrainedRanges drained;
    /** Appends hold it shared; a reclaim holds it alone while it flushes, so that its deletions get a file of their own. */
    private final ReadWriteLock appends = new ReentrantReadWriteLock();
    private final SinkOffsetStore sinkOffsets;
    private final Quarantine quarantine;
    private final StashInspector inspector;
    private final WalSync walSync;
    private final UUID id;

    private StashEngine(StashDb db, StashOptions options) {
        this.db = db;
        this.queue = new DrainQueue(options.clock());
        this.refetch = new RefetchRanges(db, undelivered);
        this.quarantineStore = new QuarantineStore(db, options.clock(), refetch);
        this.drained = DrainedRanges.load(db);
        this.batchLog = new BatchLog(db, queue, undelivered, options.clock(), quarantineStore, drained);
        this.sinkOffsets = new SinkOffsetStore(db);
        this.quarantine = new Quarantine(db, quarantineStore, batchLog);
        this.inspector = new StashInspector(db, queue, quarantineStore::all, sinkOffsets);
        this.id = Recovery.run(db, queue, undelivered, refetch, batchLog,
            options.quarantineOnOpen() ? quarantineStore : null, options.clock());
        if (db.walDamage() != null && !db.readOnly()) {
            // This open dropped the writes after the damage, whoever opens the stash: record it, even for a repair. A
            // read-only open drops nothing and leaves it to the next read-write open.
            quarantineStore.walDamaged(db.walDamage());
        }
        quarantineStore.countOnOpen();
        // RocksDB flushed what it recovered from the WAL as it opened; from now on each flush says how far it reaches.
        drained.flushing(queue.nextBatchId());
        db.onDataFlush(() -> drained.flushing(queue.nextBatchId()));
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

    /** Runs {@code write}; a failure for lack of space becomes a retriable {@link StashUnavailableException}. */
    static <T> T whenFull(Supplier<T> write) {
        try {
            return write.get();
        } catch (StashException e) {
            if (StashFailures.isNoSpace(e)) {
                throw StashUnavailableException.noSpace(e);
            }
            throw e;
        }
    }

    /** Runs {@code write} as {@link #whenFull(Supplier)} does. */
    static void write(Runnable write) {
        whenFull(() -> {
            write.run();
            return null;
        });
    }

    /** The identity created with the stash; recovered from disk, so the same on every engine of one stash. */
    UUID id() {
        return id;
    }

    /** Why the handle stopped taking writes (an I/O failure), or null while it takes them. */
    StashException hardFailure() {
        return db.hardFailure();
    }

    StashDb db() {
        return db;
    }

    DrainQueue queue() {
        return queue;
    }

    BatchLog batchLog() {
        return batchLog;
    }

    WalSync walSync() {
        return walSync;
    }

    QuarantineStore quarantineStore() {
        return quarantineStore;
    }

    RefetchRanges refetch() {
        return refetch;
    }

    SinkOffsetStore sinkOffsets() {
        return sinkOffsets;
    }

    UndeliveredOffsets undelivered() {
        return undelivered;
    }

    Quarantine quarantine() {
        return quarantine;
    }

    StashInspector inspector() {
        return inspector;
    }

    /**
     * Stores the batches with their PENDING metadata and sink {@code sinkName}'s new stashed offsets in one write; see
     * {@link SinkLedger#append}.
     */
    List<BatchMetadata> append(String sinkName, List<NewBatch> batches, Map<TopicPartition, Long> stashedOffsets,
                               boolean durableFirst) {
        appends.readLock().lock();
        try {
            return whenFull(() -> batchLog.append(batches, write -> sinkOffsets.addTo(write, sinkName, stashedOffsets),
                !stashedOffsets.isEmpty(), durableFirst));
        } finally {
            appends.readLock().unlock();
        }
    }

    /** Syncs the WAL: everything appended so far is durable, and claimable unless held back. */
    void sync() {
        write(walSync::syncNow);
    }

    /** Starts a new run of each of {@code partitions} for sink {@code sinkName}; returns its first batch id. */
    long startRuns(String sinkName, Collection<TopicPartition> partitions) {
        long first = queue.nextBatchId();
        write(() -> sinkOffsets.startRuns(sinkName, partitions, first));
        return first;
    }

    void noteTopicIds(String sinkName, Map<TopicPartition, String> ids) {
        write(() -> sinkOffsets.noteTopicIds(sinkName, ids));
    }

    void noteMode(String sinkName, String mode) {
        write(() -> sinkOffsets.noteMode(sinkName, mode));
    }

    /** Starts stashing {@code partition} again from its first offset lost to damage; see {@link SinkLedger#restash}. */
    OptionalLong restash(String sinkName, TopicPartition partition) {
        return whenFull(() -> refetch.restash(sinkOffsets, sinkName, partition, queue.nextBatchId()));
    }

    void refetched(OffsetRange range) {
        write(() -> refetch.done(range));
    }

    /** Gives back the disk space of drained batches now; see {@link SinkLedger#reclaimDisk}. */
    void reclaimDisk() {
        write(() -> {
            queue.drainedBytesReclaimed();
            appends.writeLock().lock();
            try {
                db.flush();
                if (drained.writeDeletions()) {
                    db.flush();
                }
            } finally {
                appends.writeLock().unlock();
            }
            long first = queue.firstLiveBatchId();
            if (first > 0) {
                db.compactThrough(Family.DATA, StashKeys.lastRecord(first - 1));
                db.compactThrough(Family.META, StashKeys.batch(first - 1));
            }
        });
    }

    StashStats stats() {
        return queue.stats(quarantineStore.size(), quarantineStore.refusedSize());
    }

    /** Ends every wait, writes what a clean close writes, syncs the WAL and releases the handle. */
    void close() {
        queue.close();
        db.close(batchLog::writeOnClose);
    }
}
