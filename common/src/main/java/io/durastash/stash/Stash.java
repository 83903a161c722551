package io.durastash.stash;

import io.durastash.stash.inspect.StashInspector;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.model.StashDisk;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.stash.model.StashUnavailableException;
import io.durastash.stash.quarantine.Quarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The stash: durable batches of records in RocksDB, appended by sinks and drained by one {@link Drainer} at a time.
 * A facade over named parts (see {@code io.durastash.stash.internals}), wired in a {@link StashEngine}: the database
 * handle, the in-memory queue, the writes of the batch lifecycle, the sink offsets, the quarantine and the read-only
 * inspection. A sink writes through its {@link SinkLedger}, a source task drains through its {@link Drainer}; what
 * the three share is a {@link StashCore}.
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

    private final StashCore core;

    private Stash(StashCore core) {
        this.core = core;
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
        Stash stash = new Stash(new StashCore(path, options));
        log.info("Opened stash {} at {}{}: {}", stash.id(), path, options.readOnly() ? " read-only" : "", stash.stats());
        return stash;
    }

    public Path path() {
        return core.path();
    }

    /** The identity created with the stash; it survives restarts and names the stash in source offsets. */
    public UUID id() {
        return core.id();
    }

    /**
     * The books and the door of sink connector {@code sinkName} in this stash: it appends batches there, and keeps
     * its stashed offsets, runs, topic ids and refetches.
     */
    public SinkLedger ledger(String sinkName) {
        return new SinkLedger(core, sinkName);
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
        return new Drainer(name, core, claimRecords, holdMillis);
    }

    /** The id the next appended batch gets: every stored batch has a lower one. */
    public long nextBatchId() {
        return core.engine().queue().nextBatchId();
    }

    public StashStats stats() {
        return core.engineAsIs().stats();
    }

    /**
     * The stash directory's bytes on disk and the bytes free for it, at most {@code DiskUsage}'s sample interval old:
     * on its filesystem, or within its volume once a sink said how large that is ({@link SinkLedger#volume}).
     */
    public StashDisk disk() {
        return core.disk();
    }

    /** Damaged entries set aside, and what an operator can do with them. */
    public Quarantine quarantine() {
        return core.engine().quarantine();
    }

    /** Read-only views: batches as stored, one batch's records, and a check of every entry. */
    public StashInspector inspect() {
        return core.engine().inspector();
    }

    /** The engine to use now, for {@link Salvage}. */
    StashEngine engine() {
        return core.engine();
    }

    /** The current handle, for tests that record an I/O failure on it as a failed write would. */
    StashDb db() {
        return core.engineAsIs().db();
    }

    boolean isClosed() {
        return core.isClosed();
    }

    /** Ends every wait, writes the LOADED marks not written yet, syncs the WAL and releases the handle. Idempotent. */
    @Override
    public void close() {
        if (core.close()) {
            log.info("Closed stash {} at {}", id(), path());
        }
    }

    @Override
    public String toString() {
        return "Stash{" + path() + ", id=" + id() + "}";
    }
}
