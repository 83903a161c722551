package io.durastash.stash;

import io.durastash.stash.inspect.StashInspector;
import io.durastash.stash.internals.DiskUsage;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.quarantine.Quarantine;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stash: durable batches of records in RocksDB, appended by sinks and drained by one {@link Drainer} at a time.
 * A facade over named parts (see {@code io.durastash.stash.internals}), wired in a {@link StashEngine}: the database
 * handle, the in-memory queue, the writes of the batch lifecycle, the sink offsets, the quarantine and the read-only
 * inspection.
 *
 * <p>After an I/O failure (a full disk) RocksDB takes no more writes on its handle: the stash then opens a new one
 * and recovers from disk, in place, at its next use, so that the tasks holding it keep it; batches handed out and
 * not yet acknowledged are delivered again. Until the disk takes writes again, that use fails with a
 * {@link StashUnavailableException}, which Connect retries.
 *
 * <p>Thread-safe. Open it through {@link StashRegistry} so that every task in the JVM naming the same directory
 * shares one handle; RocksDB allows one per directory per process.
 */
public final class Stash implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Stash.class);

    private final Path path;
    private final StashOptions options;
    private final UUID id;
    private final DiskUsage disk;
    private final Object reopenLock = new Object();
    private volatile StashEngine engine;
    private volatile DeliveryGate gate;
    /** The volume the stash's files count against ({@code stash.volume.bytes}); 0: its filesystem alone. */
    private volatile long volumeBytes;
    /** Drainers created and not stopped yet: a source task of the stash runs in this worker. */
    private final java.util.concurrent.atomic.AtomicInteger liveDrainers = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private Stash(Path path, StashOptions options, StashEngine engine) {
        this.path = path;
        this.options = options;
        this.engine = engine;
        this.id = engine.id;
        this.disk = new DiskUsage(path);
        this.gate = new UnclaimedGate(this, options.clock());
    }

    /**
     * Opens (creating if needed) the stash in {@code directory}, or, with {@link StashOptions#withReadOnly}, opens the
     * stash there for inspection, changing nothing. Prefer {@link StashRegistry#acquire}, which shares one handle per
     * directory across the JVM.
     *
     * @throws StashException naming the directory when it cannot be created, written or recovered, or is locked
     */
    public static Stash open(Path directory, StashOptions options) {
        Path path = directory.toAbsolutePath().normalize();
        Stash stash = new Stash(path, options, StashEngine.open(path, options));
        log.info("Opened stash {} at {}{}: {}", stash.id, path, options.readOnly() ? " read-only" : "", stash.stats());
        return stash;
    }

    /**
     * The engine to use now: the current one, or, when its handle failed on I/O, a new one recovered from disk. A
     * closed stash keeps its closed engine, whose calls say so.
     */
    StashEngine engine() {
        StashEngine current = engine;
        if (current.db.hardFailure() == null || closed) {
            return current;
        }
        synchronized (reopenLock) {
            if (engine != current || closed) {
                return engine;
            }
            StashException failure = current.db.hardFailure();
            current.close();
            try {
                engine = StashEngine.open(path, options);
            } catch (StashException e) {
                if (StashUnavailableException.full(failure, e)) {
                    throw StashUnavailableException.reopening(path, e);
                }
                throw e;
            }
            if (!engine.id.equals(id)) {
                throw new StashException("The stash at " + path + " was replaced by another stash (" + engine.id
                    + ") while open as " + id + ". Restart the connectors' tasks.");
            }
            log.warn("Stash {} at {}: reopened after an I/O failure ({}); everything written before is there, and batches "
                + "handed out but not acknowledged are delivered again", id, path, failure.getMessage());
            return engine;
        }
    }

    public Path path() {
        return path;
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
     * @param durableFirst   whether the batches are delivered only once durable: the append returns without waiting
     *                       for the disk, and the drainer's group commit syncs the WAL once for every append that
     *                       waits, after which their batches can be claimed
     * @return the metadata of the new batches
     * @throws StashUnavailableException when the disk takes no writes now (full): retry later
     */
    public List<BatchMetadata> append(String sinkName, List<NewBatch> batches, Map<TopicPartition, Long> stashedOffsets,
                                      boolean durableFirst) {
        StashEngine e = engine();
        return StashUnavailableException.whenFull(() -> e.batchLog.append(batches,
            write -> e.sinkOffsets.addTo(write, sinkName, stashedOffsets), !stashedOffsets.isEmpty(), durableFirst));
    }

    /** Syncs the WAL: everything appended so far is durable when this returns, and claimable unless held back. */
    public void sync() {
        StashEngine e = engine();
        StashUnavailableException.whenFull(() -> {
            e.walSync.syncNow();
            return null;
        });
    }

    /** The WAL syncs of the current handle, group commits and {@link #sync} calls alike. */
    public WalSyncTotals walSyncs() {
        return engine.walSync.totals();
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
        Drainer drainer = new Drainer(name, options.clock(), this, claimRecords, holdMillis);
        liveDrainers.incrementAndGet();
        return drainer;
    }

    /**
     * Whether a drainer of this stash is there and not stopped: draining, or standing by to take over. A source task
     * creates its drainer when it starts, before it first drains.
     */
    public boolean hasDrainer() {
        return liveDrainers.get() > 0;
    }

    /** A drainer stopped. */
    void drainerStopped() {
        liveDrainers.decrementAndGet();
    }

    /** The books of sink connector {@code sinkName} in this stash: stashed offsets, runs, topic ids, refetches. */
    public SinkLedger ledger(String sinkName) {
        return new SinkLedger(this, sinkName);
    }

    /**
     * Which records may leave the stash now: the gate a sink connector set, or, while none is set, the gate of an
     * unclaimed stash (records wait a minute for a sink task, then go only where the input cannot give them again).
     */
    public DeliveryGate gate() {
        return gate;
    }

    /**
     * Sets who decides which records may leave the stash: the sink side, which knows which input partitions this
     * worker owns; null when the sink leaves, after which the stash is unclaimed again.
     */
    public void gate(DeliveryGate gate) {
        this.gate = gate == null ? new UnclaimedGate(this, options.clock()) : gate;
    }

    /**
     * Gives back the disk space of drained batches now rather than at RocksDB's next compaction, which a queue's range
     * deletions do not trigger: writes the memtables to SST files (compressed; deleted records do not reach them),
     * after which RocksDB deletes the WAL files that held them, and compacts the files of records and metadata below
     * the oldest batch still stored, which drops the drained batches and their deletions and leaves the backlog alone.
     * Costs a flush, and reading the compacted files.
     *
     * @throws StashUnavailableException when even that finds no space: retry later
     */
    public void reclaimDisk() {
        StashEngine e = engine();
        StashUnavailableException.whenFull(() -> {
            e.queue.drainedBytesReclaimed();
            e.db.flush();
            long first = e.queue.firstLiveBatchId();
            e.db.compactBelow(Family.DATA, StashKeys.record(first, 0));
            e.db.compactBelow(Family.META, StashKeys.batch(first));
            return null;
        });
    }

    /**
     * {@link #reclaimDisk()} once the batches drained since the last reclaim held at least {@code everyBytes}; returns
     * whether it reclaimed.
     */
    public boolean reclaimDrained(long everyBytes) {
        if (engine().queue.drainedBytes() < everyBytes) {
            return false;
        }
        reclaimDisk();
        return true;
    }

    /** The id the next appended batch gets: every stored batch has a lower one. */
    public long nextBatchId() {
        return engine().queue.nextBatchId();
    }

    public StashStats stats() {
        StashEngine e = engine;
        return e.queue.stats(e.quarantineStore.size(), e.quarantineStore.refusedSize());
    }

    /**
     * The stash directory's bytes on disk and the bytes free for it, at most {@code DiskUsage}'s sample interval old:
     * on its filesystem, or within its volume once a sink said how large that is ({@link #volume}).
     */
    public StashDisk disk() {
        StashDisk sampled = disk.sample();
        long volume = volumeBytes;
        return volume > 0 ? new StashDisk(sampled.stashBytes(), sampled.freeBytesWithin(volume)) : sampled;
    }

    /** Counts the stash's files against a volume of {@code bytes} ({@code stash.volume.bytes}; 0: its filesystem). */
    public void volume(long bytes) {
        this.volumeBytes = bytes;
    }

    /** Damaged entries set aside, and what an operator can do with them. */
    public Quarantine quarantine() {
        return engine().quarantine;
    }

    /** Read-only views: batches as stored, one batch's records, and a check of every entry. */
    public StashInspector inspect() {
        return engine().inspector;
    }

    /** The current handle, for tests that record an I/O failure on it as a failed write would. */
    StashDb db() {
        return engine.db;
    }

    boolean isClosed() {
        return closed;
    }

    /** Ends every wait, writes the LOADED marks not written yet, syncs the WAL and releases the handle. Idempotent. */
    @Override
    public void close() {
        synchronized (reopenLock) {
            if (closed) {
                return;
            }
            closed = true;
            engine.close();
        }
        log.info("Closed stash {} at {}", id, path);
    }

    @Override
    public String toString() {
        return "Stash{" + path + ", id=" + id + "}";
    }
}
