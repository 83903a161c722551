package io.durastash.stash.internals;

import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashUnavailableException;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The RocksDB handle of one stash, its column families and options, and the one place where a call takes the
 * lifecycle lock, checks the handle is open and turns a {@link RocksDBException} into a {@link StashException} that
 * names the stash (see {@link #call}). Nothing else in the engine holds a {@link RocksDB} or a
 * {@link ColumnFamilyHandle}: writes go through {@link StashWrite}, reads through {@link #get}, {@link #multiGet}
 * and {@link FamilyCursor}s.
 *
 * <p>Lock order: the lifecycle lock (read for every call, write for {@link #close}) before a cursor's monitor.
 * After an I/O failure RocksDB takes no more writes on the handle: {@link #hardFailure()} then says why, and the
 * registry opens a new handle when a task acquires the stash again.
 *
 * <p>A handle opened read-only ({@link StashOptions#readOnly()}) changes nothing in the stash directory: RocksDB opens
 * it read-only, the directory lock is taken shared, every write fails with a {@link StashException} that says so, and
 * close writes nothing. Thread-safe.
 */
public final class StashDb {
    private static final Logger log = LoggerFactory.getLogger(StashDb.class);

    /** Work done on the database under one acquisition of the lifecycle lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws RocksDBException;
    }

    private final Path path;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final Map<Family, ColumnFamilyHandle> families = new EnumMap<>(Family.class);
    /** Closed after the database, last first: the directory lock is the first, so it is released last. */
    private final List<AutoCloseable> resources;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    private final WriteOptions unsyncedWrites = new WriteOptions().setSync(false);
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Set<FamilyCursor> openCursors = ConcurrentHashMap.newKeySet();
    private final String walDamage;
    private final boolean readOnly;
    private final FlushWatch flushWatch;
    private volatile boolean closed;
    private volatile StashException hardFailure;

    private StashDb(Path path, RocksDB db, List<ColumnFamilyHandle> handles, List<AutoCloseable> resources,
                    String walDamage, boolean readOnly, FlushWatch flushWatch) {
        this.path = path;
        this.flushWatch = flushWatch;
        this.walDamage = walDamage;
        this.readOnly = readOnly;
        this.db = db;
        this.handles = handles;
        this.resources = resources;
        for (Family family : Family.values()) {
            families.put(family, handles.get(family.ordinal()));
        }
        resources.add(syncedWrites);
        resources.add(unsyncedWrites);
    }

    /**
     * Opens (creating if needed, unless read-only) the database in {@code path}, locking the directory first.
     *
     * @throws StashException naming the directory when it cannot be created or written, or is locked
     */
    public static StashDb open(Path path, StashOptions options) {
        if (!options.readOnly()) {
            prepareDirectory(path);
        } else if (!Files.isDirectory(path)) {
            // RocksDB's read-only open would create it.
            throw new StashException("Cannot open the stash at " + path + " read-only: there is no such directory. Name "
                + "the stash's directory: stash.dir followed by stash.name.");
        }
        RocksDB.loadLibrary();
        try {
            return open(path, options, WALRecoveryMode.TolerateCorruptedTailRecords, null);
        } catch (StashException e) {
            if (!StashFailures.isCorruption(e) || StashFailures.isDamagedTable(e)) {
                throw e;
            }
            // Damage in the WAL, not a record cut short by a crash: keep everything written before it.
            String lost = "with input.commit=delivered the sink consumes their records again from the input topic, with "
                + "input.commit=stashed they are lost.";
            if (options.readOnly()) {
                log.error("Stash {}: its write-ahead log is damaged ({}); opening it read-only with what was written before "
                    + "the damage, and leaving the log as it is. The next read-write open (a worker's) drops the writes "
                    + "after the damage and records that in the quarantine; they are then lost from the stash: {}", path,
                    e.getMessage(), lost);
            } else {
                log.error("Stash {}: its write-ahead log is damaged ({}); opening it with what was written before the "
                    + "damage. Writes after it are lost from the stash: {}", path, e.getMessage(), lost);
            }
            return open(path, options, WALRecoveryMode.PointInTimeRecovery, e.getMessage());
        }
    }

    private static StashDb open(Path path, StashOptions options, WALRecoveryMode walRecovery, String walDamage) {
        List<AutoCloseable> resources = new ArrayList<>();
        resources.add(options.readOnly() ? DirectoryLock.acquireShared(path) : DirectoryLock.acquire(path));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            LRUCache cache = new LRUCache(options.memoryBytes());
            resources.add(cache);
            DBOptions dbOptions = StashDbOptions.dbOptions(path, options, cache, walRecovery, resources);
            FlushWatch flushWatch = new FlushWatch();
            resources.add(flushWatch);
            dbOptions.setListeners(List.of(flushWatch));
            List<ColumnFamilyDescriptor> descriptors = StashDbOptions.descriptors(cache, resources);
            db = options.readOnly()
                ? RocksDB.openReadOnly(dbOptions, path.toString(), descriptors, handles)
                : RocksDB.open(dbOptions, path.toString(), descriptors, handles);
            return new StashDb(path, db, handles, resources, walDamage, options.readOnly(), flushWatch);
        } catch (RocksDBException e) {
            release(handles, db, resources);
            throw StashFailures.openFailure(path, e);
        } catch (RuntimeException e) {
            release(handles, db, resources);
            throw e;
        }
    }

    private static void prepareDirectory(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new StashException("Cannot create the stash directory " + path + " (" + e + "). Make its parent "
                + "directory writable by the worker's user, or point stash.dir at a writable directory.", e);
        }
        try {
            Path probe = Files.createTempFile(path, ".write-probe", "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StashException("The stash directory " + path + " is not writable (" + e + "). Give the worker's "
                + "user write access to it, or point stash.dir at a writable directory.", e);
        }
    }

    public Path path() {
        return path;
    }

    /**
     * The damage found in the WAL when this handle opened, whose writes after it were dropped (read-write) or not read
     * (read-only); null when none.
     */
    public String walDamage() {
        return walDamage;
    }

    /** Whether this handle was opened read-only: every write fails, and nothing in the directory changes. */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Runs {@code work} holding the lifecycle lock's read side, once the handle is checked open; a RocksDB error
     * becomes a {@link StashException} saying "could not {@code what}". Work that changes the stash goes through
     * {@link #change}.
     */
    public <T> T call(String what, Work<T> work) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            return work.run();
        } catch (RocksDBException e) {
            throw failure(what, e);
        } finally {
            readLock.unlock();
        }
    }

    /** Runs {@code work}, which changes the stash, as {@link #call} does, once the handle is checked writable. */
    private <T> T change(String what, Work<T> work) {
        if (readOnly) {
            throw new StashException("Could not " + what + " at " + path + ": the stash is open read-only, for inspection, "
                + "and nothing in it was changed. Open it read-write to change it.");
        }
        return call(what, work);
    }

    /** The value under {@code key}, or null. */
    public byte[] get(String what, Family family, byte[] key) {
        return call(what, () -> db.get(families.get(family), key));
    }

    /** The values under {@code keys} of one family, in their order (null where there is none). */
    public List<byte[]> multiGet(String what, Family family, List<byte[]> keys) {
        List<ColumnFamilyHandle> columns = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            columns.add(families.get(family));
        }
        return call(what, () -> db.multiGetAsList(columns, keys));
    }

    /** The last key of {@code family}, or null when it is empty. */
    public byte[] lastKey(Family family) {
        return call("read the last key of " + family.columnFamily(), () -> {
            try (RocksIterator it = db.newIterator(families.get(family))) {
                it.seekToLast();
                if (it.isValid()) {
                    return it.key();
                }
                it.status();
                return null;
            }
        });
    }

    /** A new, empty write; {@link #write} applies it atomically. */
    public StashWrite newWrite() {
        return new StashWrite(families);
    }

    /** Applies {@code write} atomically, syncing the WAL first when {@code sync}. */
    public void write(String what, StashWrite write, boolean sync) {
        change(what, () -> {
            db.write(sync ? syncedWrites : unsyncedWrites, write.batch());
            return null;
        });
    }

    /** Syncs the WAL: everything written so far, synced or not, is durable when this returns. */
    public void syncWal() {
        change("sync the WAL", () -> {
            db.syncWal();
            return null;
        });
    }

    /**
     * Runs {@code action} as RocksDB begins to flush a memtable of {@code data}, on its flush thread: whatever is in
     * that memtable is in a file once the flush is done. It must not wait for the database.
     */
    public void onDataFlush(Runnable action) {
        flushWatch.onDataFlush(action);
    }

    /**
     * Writes every memtable to SST files and waits for it; RocksDB then deletes the WAL files that held them. Records
     * the memtable holds under a deletion do not reach the files.
     */
    public void flush() {
        change("write the memtables to files", () -> {
            try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
                db.flush(options, handles);
            }
            return null;
        });
    }

    /**
     * Compacts {@code family}'s keys up to and including {@code last}, which drops what its deletions cover there and
     * leaves the files above alone. RocksDB's range is inclusive: a file that begins just after {@code last} is not
     * rewritten, as it would be were {@code last} its first key.
     */
    public void compactThrough(Family family, byte[] last) {
        change("compact " + family.columnFamily(), () -> {
            db.compactRange(families.get(family), null, last);
            return null;
        });
    }

    /** Compacts all of {@code family}'s files, which drops what its deletions cover. */
    public void compact(Family family) {
        change("compact " + family.columnFamily(), () -> {
            db.compactRange(families.get(family));
            return null;
        });
    }

    /** Checks RocksDB's block checksums of every file; returns what is damaged, or null when nothing is. */
    public String verifyFileChecksums() {
        return call("verify the stash's files", () -> {
            try {
                db.verifyChecksum();
                return null;
            } catch (RocksDBException e) {
                return e.getMessage();
            }
        });
    }

    /**
     * A cursor over the keys of {@code family} from {@code lower} (inclusive) to {@code upper} (exclusive); either may
     * be null for no bound. The database closes cursors still open when it closes. Close it when done.
     *
     * @param fillCache whether the blocks read may fill the block cache (false for what is read once)
     */
    public FamilyCursor cursor(Family family, byte[] lower, byte[] upper, boolean fillCache, long readaheadBytes) {
        return call("read " + family.columnFamily(), () -> {
            FamilyCursor cursor = new FamilyCursor(this, lower, upper, fillCache, readaheadBytes,
                options -> db.newIterator(families.get(family), options));
            openCursors.add(cursor);
            return cursor;
        });
    }

    void cursorClosed(FamilyCursor cursor) {
        openCursors.remove(cursor);
    }

    Lock readLock() {
        return lifecycle.readLock();
    }

    /**
     * Throws unless the handle is open. One closed after an I/O failure was replaced by the stash's next handle while
     * a caller still used it (a cursor, another thread's call): what it did is retried, on the new handle.
     */
    public void ensureOpen() {
        if (closed) {
            throw hardFailure == null ? new StashException("The stash at " + path + " is closed")
                : StashUnavailableException.replaced(path, hardFailure);
        }
    }

    /** Translates {@code e}, remembering it as the handle's hard failure when RocksDB takes no more writes after it. */
    public StashException failure(String what, RocksDBException e) {
        StashException failure = StashFailures.failure(path, what, e);
        if (StashFailures.isHardFailure(e)) {
            hardFailure = failure;
        }
        return failure;
    }

    /** The I/O failure after which this handle accepts no more writes, or null. */
    public StashException hardFailure() {
        return hardFailure;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the handle, once: waits for calls in progress, runs {@code lastWrites} (skipped after a hard failure and on
     * a read-only handle), closes the cursors still open, syncs the WAL (RocksDB's close does not; a read-only handle
     * has nothing to sync) and releases everything, the directory lock last. Do not rearrange: the last writes need the
     * open handle, and the sync must follow them.
     */
    public void close(Runnable lastWrites) {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            if (hardFailure == null && !readOnly) {
                lastWrites.run();
            }
            closed = true;
            for (FamilyCursor cursor : List.copyOf(openCursors)) {
                cursor.close();
            }
            if (!readOnly) {
                try {
                    db.syncWal();
                } catch (RocksDBException e) {
                    log.warn("Stash {}: could not sync the WAL on close; unsynced writes may be lost in a power failure", path, e);
                }
            }
            release(handles, db, resources);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void release(List<ColumnFamilyHandle> handles, RocksDB db, List<AutoCloseable> resources) {
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                log.warn("Closing RocksDB failed", e);
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing a RocksDB resource failed", e);
            }
        }
    }

    /** Opens a RocksDB iterator with the cursor's read options. */
    @FunctionalInterface
    interface IteratorFactory {
        RocksIterator open(ReadOptions options);
    }
}
