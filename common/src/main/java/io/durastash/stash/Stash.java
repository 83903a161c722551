package io.durastash.stash;

import io.durastash.stash.inspect.StashInspector;
import io.durastash.stash.internals.BatchLog;
import io.durastash.stash.internals.DrainQueue;
import io.durastash.stash.internals.Recovery;
import io.durastash.stash.internals.SinkOffsetStore;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.UndeliveredOffsets;
import io.durastash.stash.quarantine.Quarantine;
import io.durastash.stash.quarantine.QuarantineStore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The stash: durable batches of records in RocksDB, appended by sinks and drained by one {@link Drainer} at a time.
 * A facade over named parts (see {@code io.durastash.stash.internals}): the database handle ({@link StashDb}), the
 * in-memory queue ({@link DrainQueue}), the writes of the batch lifecycle ({@link BatchLog}), the sink offsets
 * ({@link SinkOffsetStore}), the quarantine and the read-only inspection.
 *
 * <p>Thread-safe. Open it through {@link StashRegistry} so that every task in the JVM naming the same directory
 * shares one handle; RocksDB allows one per directory per process.
 */
public final class Stash implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Stash.class);

    private final StashDb db;
    private final StashOptions options;
    private final DrainQueue queue;
    private final UndeliveredOffsets undelivered = new UndeliveredOffsets();
    private final QuarantineStore quarantineStore;
    private final BatchLog batchLog;
    private final SinkOffsetStore sinkOffsets;
    private final Quarantine quarantine;
    private final StashInspector inspector;
    private final UUID id;

    private Stash(StashDb db, StashOptions options) {
        this.db = db;
        this.options = options;
        this.queue = new DrainQueue(options.clock());
        this.quarantineStore = new QuarantineStore(db, options.clock());
        this.batchLog = new BatchLog(db, queue, undelivered, options.clock(), quarantineStore);
        this.sinkOffsets = new SinkOffsetStore(db);
        this.quarantine = new Quarantine(db, quarantineStore, batchLog);
        this.inspector = new StashInspector(db, queue, quarantineStore);
        this.id = Recovery.run(db, queue, undelivered, options.quarantineOnOpen() ? quarantineStore : null);
        quarantineStore.countOnOpen();
    }

    /**
     * Opens (creating if needed) the stash in {@code directory}. Prefer {@link StashRegistry#acquire},
     * which shares one handle per directory across the JVM.
     *
     * @throws StashException naming the directory when it cannot be created, written or recovered, or is locked
     */
    public static Stash open(Path directory, StashOptions options) {
        StashDb db = StashDb.open(directory.toAbsolutePath().normalize(), options);
        try {
            Stash stash = new Stash(db, options);
            log.info("Opened stash {} at {}: {}", stash.id, stash.path(), stash.stats());
            return stash;
        } catch (RuntimeException e) {
            db.close(() -> { });
            throw e;
        }
    }

    public Path path() {
        return db.path();
    }

    /** The identity created with the stash; it survives restarts and names the stash in source offsets. */
    public UUID id() {
        return id;
    }

    /**
     * Stores a poll's records, one batch per non-empty {@link NewBatch} in list order (batch ids follow it), with
     * their PENDING metadata and the sink's new stashed offsets, in one write. Nothing partial is ever visible.
     *
     * @param sinkName       whose stashed offsets these are
     * @param batches        the batches; a group may appear more than once
     * @param stashedOffsets the highest input offset now handled per partition (may name partitions whose
     *                       records were not stashed, e.g. sent to a dead letter queue)
     * @param sync           whether to sync the WAL before returning
     * @return the metadata of the new batches
     */
    public List<BatchMetadata> append(String sinkName, List<NewBatch> batches, Map<TopicPartition, Long> stashedOffsets,
                                      boolean sync) {
        return batchLog.append(batches, write -> sinkOffsets.addTo(write, sinkName, stashedOffsets),
            !stashedOffsets.isEmpty(), sync);
    }

    /** Syncs the WAL: everything appended so far, synced or not, is durable when this returns. */
    public void sync() {
        db.syncWal();
    }

    /**
     * A drainer of this stash for one task: it drains once it {@linkplain Drainer#activate activates} while no other
     * drainer holds the stash, and stands by otherwise.
     *
     * @param name         names the drainer in log messages
     * @param claimRecords how many records' worth of whole batches it claims at a time
     * @param holdMillis   a batch is claimable once it is this old (0: at once)
     */
    public Drainer drainer(String name, int claimRecords, long holdMillis) {
        return new Drainer(name, options.clock(), db, queue, batchLog, quarantineStore, claimRecords, holdMillis);
    }

    /** The highest input offset stashed per partition by the named sink connector. */
    public Map<TopicPartition, Long> stashedOffsets(String sinkName) {
        return sinkOffsets.read(sinkName);
    }

    /** The stashed offsets of every sink connector on this stash: connector name → partition → last stashed offset. */
    public Map<String, Map<TopicPartition, Long>> allStashedOffsets() {
        return sinkOffsets.readAll();
    }

    /**
     * Overwrites stashed offsets of a sink (a deliberate offset reset): a null value forgets the
     * partition, so that records from it are stashed again whatever their offsets.
     */
    public void resetStashedOffsets(String sinkName, Map<TopicPartition, Long> offsets) {
        sinkOffsets.reset(sinkName, offsets);
    }

    /**
     * The lowest offset of {@code partition}, at {@code from} or later, that the stash may still hold undelivered:
     * every offset before it, from {@code from} on, was delivered (acknowledged by Kafka) or never stashed here.
     * Empty when the stash holds nothing undelivered of the partition from {@code from} on. Costs no scan.
     */
    public OptionalLong firstUndelivered(TopicPartition partition, long from) {
        return undelivered.firstAtOrAfter(partition, from);
    }

    /** The offsets the named sink connector's tasks recently let Connect commit from this stash, oldest first. */
    public Map<TopicPartition, long[]> recentCommits(String sinkName) {
        return sinkOffsets.recentCommits(sinkName);
    }

    /** Replaces the recent commits of the named partitions (not synced: losing them costs a redundant re-stash). */
    public void noteCommits(String sinkName, Map<TopicPartition, long[]> commits) {
        sinkOffsets.noteCommits(sinkName, commits);
    }

    /** The id the next appended batch gets: every stored batch has a lower one. */
    public long nextBatchId() {
        return queue.nextBatchId();
    }

    public StashStats stats() {
        return queue.stats(quarantineStore.size());
    }

    /** Damaged entries set aside, and what an operator can do with them. */
    public Quarantine quarantine() {
        return quarantine;
    }

    /** Read-only views: batches as stored, one batch's records, and a check of every entry. */
    public StashInspector inspect() {
        return inspector;
    }

    /**
     * The I/O failure after which this handle accepts no more writes, or null. {@link StashRegistry#acquire}
     * then opens a new handle on the stash, which recovers everything written before.
     */
    StashException hardFailure() {
        return db.hardFailure();
    }

    /** For tests that simulate an I/O failure: records {@code e} as this handle's failure, as a failed write would. */
    StashException failure(String what, org.rocksdb.RocksDBException e) {
        return db.failure(what, e);
    }

    boolean isClosed() {
        return db.isClosed();
    }

    /** Ends every wait, writes the LOADED marks not written yet, syncs the WAL and releases the handle. Idempotent. */
    @Override
    public void close() {
        if (db.isClosed()) {
            return;
        }
        queue.close();
        db.close(batchLog::writeRemainingMarks);
        log.info("Closed stash {} at {}", id, path());
    }

    @Override
    public String toString() {
        return "Stash{" + path() + ", id=" + id + "}";
    }
}
