package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The stash: durable batches of records in RocksDB, appended by sinks and drained by sources.
 *
 * <p>Column families: {@code meta} (batch id → {@link BatchMetadata} JSON), {@code data} (batch id +
 * record index → encoded record), {@code quarantine} (entries that failed their checksum) and
 * {@code default} (identity, format version, next batch id, stashed sink offsets).
 *
 * <p>Thread-safe. Open it through {@link StashRegistry} so that every task in the JVM naming the
 * same directory shares one handle; RocksDB allows one per directory per process.
 */
public final class Stash implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Stash.class);

    static final int FORMAT_VERSION = 1;
    static final String META = "meta";
    static final String DATA = "data";
    static final String QUARANTINE = "quarantine";
    private static final int MEMTABLE_MAX_RANGE_DELETIONS = 256;
    /** Block size of the column families read by key (RocksDB's default). */
    private static final long POINT_BLOCK_BYTES = 4 * 1024;
    /**
     * Block size of {@code data}, which is only ever scanned, each record once and outside the block cache: every
     * block read costs a read, a checksum and a decompression. With 16 KiB blocks instead of 4 KiB the engine
     * drained 100-byte records about 15% faster and 1 KiB records about 50% faster; 64 KiB helped 1 KiB records
     * more and 100-byte records less (docs/benchmarks.md).
     */
    private static final long SCAN_BLOCK_BYTES = 16 * 1024;

    private final Path path;
    private final Clock clock;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle defaultFamily;
    private final ColumnFamilyHandle metaFamily;
    private final ColumnFamilyHandle dataFamily;
    private final ColumnFamilyHandle quarantineFamily;
    private final List<AutoCloseable> resources;
    private final WriteOptions syncedWrites;
    private final WriteOptions unsyncedWrites;
    private final UUID id;

    /** Readers take it to use the database, {@link #close()} takes it exclusively: nothing touches a closed handle. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Held across a claim, so a drainer hand-over never misses a batch that is being claimed. */
    private final Object claimLock = new Object();
    /** Guards the in-memory state below; never held across RocksDB I/O except for claims. */
    private final Object lock = new Object();
    /** Serializes acknowledgements, which write the deferred LOADED marks. */
    private final Object acknowledgeLock = new Object();
    private final LoadedMarks marks = new LoadedMarks();
    private final PendingQueue pending = new PendingQueue();
    private final NavigableMap<Long, BatchMetadata> loaded = new TreeMap<>();
    private long loadedRecords;
    private long loadedBytes;
    private long nextBatchId;
    private Object drainer;
    private long wakeUps;
    private volatile boolean closed;
    private volatile StashException hardFailure;
    private final Quarantine quarantine = new Quarantine(this);
    private final Set<BatchCursor> openCursors = ConcurrentHashMap.newKeySet();

    private Stash(Path path, StashOptions options, RocksDB db, List<ColumnFamilyHandle> handles, List<AutoCloseable> resources) {
        this.path = path;
        this.clock = options.clock();
        this.db = db;
        this.handles = handles;
        this.defaultFamily = handles.get(0);
        this.metaFamily = handles.get(1);
        this.dataFamily = handles.get(2);
        this.quarantineFamily = handles.get(3);
        this.resources = resources;
        this.syncedWrites = new WriteOptions().setSync(true);
        this.unsyncedWrites = new WriteOptions().setSync(false);
        resources.add(syncedWrites);
        resources.add(unsyncedWrites);
        try {
            this.id = loadIdentity();
            recover(options.quarantineOnOpen());
        } catch (RocksDBException e) {
            throw failure("recover the stash", e);
        }
    }

    /**
     * Opens (creating if needed) the stash in {@code directory}. Prefer {@link StashRegistry#acquire},
     * which shares one handle per directory across the JVM.
     *
     * @throws StashException naming the directory when it cannot be created or written, or is locked
     */
    public static Stash open(Path directory, StashOptions options) {
        Path path = directory.toAbsolutePath().normalize();
        prepareDirectory(path);
        RocksDB.loadLibrary();
        List<AutoCloseable> resources = new ArrayList<>();
        // First in, so closed last: the directory stays locked until RocksDB has let go of it.
        resources.add(StashDirectoryLock.acquire(path));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            LRUCache cache = new LRUCache(options.memoryBytes());
            resources.add(cache);
            WriteBufferManager writeBuffers = new WriteBufferManager(options.memoryBytes() / 2, cache);
            resources.add(writeBuffers);
            DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(writeBuffers)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(3)
                .setMaxLogFileSize(8L * 1024 * 1024)
                .setMaxTotalWalSize(Math.max(options.memoryBytes(), 64L * 1024 * 1024));
            resources.add(dbOptions);
            List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions(resources, cache, CompressionType.NO_COMPRESSION, false, POINT_BLOCK_BYTES)),
                new ColumnFamilyDescriptor(META.getBytes(StandardCharsets.UTF_8), familyOptions(resources, cache, CompressionType.NO_COMPRESSION, true, POINT_BLOCK_BYTES)),
                new ColumnFamilyDescriptor(DATA.getBytes(StandardCharsets.UTF_8), familyOptions(resources, cache, CompressionType.LZ4_COMPRESSION, true, SCAN_BLOCK_BYTES)),
                new ColumnFamilyDescriptor(QUARANTINE.getBytes(StandardCharsets.UTF_8), familyOptions(resources, cache, CompressionType.NO_COMPRESSION, false, POINT_BLOCK_BYTES)));
            db = RocksDB.open(dbOptions, path.toString(), descriptors, handles);
            Stash stash = new Stash(path, options, db, handles, resources);
            log.info("Opened stash {} at {}: {}", stash.id, path, stash.stats());
            return stash;
        } catch (RocksDBException e) {
            closeQuietly(handles, db, resources);
            throw openFailure(path, e);
        } catch (RuntimeException e) {
            closeQuietly(handles, db, resources);
            throw e;
        }
    }

    private static ColumnFamilyOptions familyOptions(List<AutoCloseable> resources, LRUCache cache,
                                                     CompressionType compression, boolean churns, long blockBytes) {
        ColumnFamilyOptions options;
        if (churns) {
            // Acknowledged batches leave tombstones; compact files that fill up with them. RocksJava sets
            // collector factories only on Options, whose column family part we copy.
            try (Options withCollector = new Options()) {
                withCollector.setTablePropertiesCollectorFactory(List.of(
                    TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(1024, 512, 0.5)));
                options = new ColumnFamilyOptions(withCollector);
            }
            // Every new iterator re-fragments the range tombstones of the memtable: flush it before there are many.
            options.setMemtableMaxRangeDeletions(MEMTABLE_MAX_RANGE_DELETIONS);
        } else {
            options = new ColumnFamilyOptions();
        }
        options.setCompressionType(compression)
            .setTableFormatConfig(new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setBlockSize(blockBytes)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true));
        resources.add(options);
        return options;
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

    private static StashException openFailure(Path path, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("lock hold by current process")) {
            return new StashException("The stash directory " + path + " is already open in this JVM outside the stash "
                + "registry. Open stashes through StashRegistry so that tasks share one handle.", e);
        }
        if (message.contains("LOCK") || message.toLowerCase().contains("lock file")) {
            return StashDirectoryLock.lockedByAnotherProcess(path, e);
        }
        return failureMessage(path, "open the stash", e);
    }

    StashException failure(String what, RocksDBException e) {
        StashException failure = failureMessage(path, what, e);
        if (isHardFailure(e)) {
            // RocksDB accepts no more writes on this handle: the registry replaces it when a task restarts.
            hardFailure = failure;
        }
        return failure;
    }

    /** An I/O failure (a full disk, a failed device) after which RocksDB stops accepting writes on this handle. */
    private static boolean isHardFailure(RocksDBException e) {
        Status status = e.getStatus();
        return String.valueOf(e.getMessage()).contains("No space left")
            || (status != null && (status.getCode() == Status.Code.IOError || status.getSubCode() == Status.SubCode.NoSpace));
    }

    /**
     * The I/O failure after which this handle accepts no more writes, or null. {@link StashRegistry#acquire}
     * then opens a new handle on the stash, which recovers everything written before.
     */
    StashException hardFailure() {
        return hardFailure;
    }

    private static StashException failureMessage(Path path, String what, RocksDBException e) {
        Status status = e.getStatus();
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || (status != null && status.getSubCode() == Status.SubCode.NoSpace)) {
            return new StashException("Could not " + what + " at " + path + ": the filesystem is full. Nothing "
                + "already stashed is lost. Free disk space (a lower stash.max.bytes keeps the stash smaller), then "
                + "restart the connector's tasks: they reopen the stash.", e);
        }
        return new StashException("Could not " + what + " at " + path + ": " + message, e);
    }

    private UUID loadIdentity() throws RocksDBException {
        byte[] storedVersion = db.get(defaultFamily, StashKeys.FORMAT_VERSION);
        if (storedVersion != null) {
            int version = (int) StashKeys.longValue(storedVersion);
            if (version > FORMAT_VERSION) {
                throw new StashException("The stash at " + path + " has format version " + version + " but this "
                    + "DuraStash reads version " + FORMAT_VERSION + ". Upgrade DuraStash to open it.");
            }
        }
        byte[] storedId = db.get(defaultFamily, StashKeys.STASH_ID);
        if (storedId != null) {
            return UUID.fromString(new String(storedId, StandardCharsets.UTF_8));
        }
        UUID created = UUID.randomUUID();
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(defaultFamily, StashKeys.STASH_ID, created.toString().getBytes(StandardCharsets.UTF_8));
            batch.put(defaultFamily, StashKeys.FORMAT_VERSION, StashKeys.longValue(FORMAT_VERSION));
            db.write(syncedWrites, batch);
        }
        return created;
    }

    /**
     * Rebuilds the in-memory queue from {@code meta}: every batch on disk, LOADED or not, is deliverable again.
     * Batches whose metadata is damaged are quarantined, or with {@code quarantineDamaged} false left in place
     * and not queued.
     */
    private void recover(boolean quarantineDamaged) throws RocksDBException {
        long maxId = 0;
        long wasLoaded = 0;
        Map<Long, CorruptMetadata> corrupt = new LinkedHashMap<>();
        try (ReadOptions readOptions = new ReadOptions().setFillCache(false);
             RocksIterator it = db.newIterator(metaFamily, readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (key.length != 8) {
                    log.error("Stash {}: ignoring a metadata key of {} bytes; batch keys have 8", path, key.length);
                    continue;
                }
                long batchId = StashKeys.batchId(key);
                maxId = Math.max(maxId, batchId);
                try {
                    BatchMetadata metadata = StashJson.readMetadata(it.value());
                    if (metadata.id() != batchId) {
                        throw new CorruptEntryException("metadata names batch " + metadata.id());
                    }
                    pending.addLast(batchId, metadata.createdAt(), metadata.recordCount(), metadata.byteSize(), PendingQueue.VISIBLE);
                    if (metadata.status() == BatchStatus.LOADED) {
                        wasLoaded++;
                    }
                } catch (CorruptEntryException e) {
                    corrupt.put(batchId, new CorruptMetadata(it.value(), e.getMessage()));
                }
            }
            it.status();
        }
        for (Map.Entry<Long, CorruptMetadata> e : corrupt.entrySet()) {
            if (quarantineDamaged) {
                quarantine.setAsideBatch(e.getKey(), e.getValue().bytes, e.getValue().reason);
            } else {
                log.warn("Stash {}: the metadata of batch {} is damaged ({}); left in place and not queued, since this "
                    + "stash was opened for inspection", path, e.getKey(), e.getValue().reason);
            }
        }
        long maxDataId = 0;
        try (RocksIterator it = db.newIterator(dataFamily)) {
            it.seekToLast();
            if (it.isValid()) {
                maxDataId = StashKeys.batchId(it.key());
            }
        }
        byte[] storedNext = db.get(defaultFamily, StashKeys.NEXT_BATCH_ID);
        nextBatchId = Math.max(Math.max(maxId, maxDataId) + 1, storedNext == null ? 1 : StashKeys.longValue(storedNext));
        quarantine.countOnOpen();
        if (wasLoaded > 0) {
            log.info("Stash {}: {} batches were loaded but never acknowledged before the last shutdown; they will be delivered again",
                path, wasLoaded);
        }
    }

    private static final class CorruptMetadata {
        final byte[] bytes;
        final String reason;

        CorruptMetadata(byte[] bytes, String reason) {
            this.bytes = bytes;
            this.reason = reason;
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
     * Stores a poll's records, one batch per non-empty group in the map's order, with their PENDING
     * metadata and the sink's new stashed offsets, in one WriteBatch. See {@link #append(String, List, Map, boolean)}.
     */
    public List<BatchMetadata> append(String sinkName, Map<String, List<EncodedRecord>> groups,
                                      Map<TopicPartition, Long> stashedOffsets, boolean sync) {
        List<BatchContent> batches = new ArrayList<>(groups.size());
        groups.forEach((group, records) -> batches.add(new BatchContent(group, records)));
        return append(sinkName, batches, stashedOffsets, sync);
    }

    /**
     * Stores a poll's records, one batch per non-empty {@link BatchContent} in list order (batch ids
     * follow it), with their PENDING metadata and the sink's new stashed offsets, in one WriteBatch.
     * Nothing partial is ever visible.
     *
     * @param sinkName       whose stashed offsets these are
     * @param contents       the batches; a group may appear more than once
     * @param stashedOffsets the highest input offset now handled per partition (may name partitions whose
     *                       records were not stashed, e.g. sent to a dead letter queue)
     * @param sync           whether to sync the WAL before returning
     * @return the metadata of the new batches
     */
    public List<BatchMetadata> append(String sinkName, List<BatchContent> contents,
                                      Map<TopicPartition, Long> stashedOffsets, boolean sync) {
        return append(contents, write -> {
            for (Map.Entry<TopicPartition, Long> offset : stashedOffsets.entrySet()) {
                write.put(defaultFamily, StashKeys.sinkOffset(sinkName, offset.getKey()), StashKeys.longValue(offset.getValue()));
            }
        }, !stashedOffsets.isEmpty(), sync);
    }

    /** What an append writes besides the batches, in the same WriteBatch. */
    @FunctionalInterface
    interface AlongsideWrites {
        void addTo(WriteBatch write) throws RocksDBException;
    }

    /**
     * Appends {@code contents} as new batches with {@code alongside} in one WriteBatch.
     *
     * @param writeIfNoBatches whether to write {@code alongside} when no content is non-empty
     */
    List<BatchMetadata> append(List<BatchContent> contents, AlongsideWrites alongside, boolean writeIfNoBatches,
                                       boolean sync) {
        List<BatchContent> nonEmpty = new ArrayList<>(contents.size());
        for (BatchContent content : contents) {
            if (!content.records().isEmpty()) {
                nonEmpty.add(content);
            }
        }
        if (nonEmpty.isEmpty() && !writeIfNoBatches) {
            return List.of();
        }
        long now = clock.millis();
        int batchCount = nonEmpty.size();
        List<BatchMetadata> batches = new ArrayList<>(batchCount);
        long[] byteSizes = new long[batchCount];
        for (int i = 0; i < batchCount; i++) {
            byteSizes[i] = nonEmpty.get(i).byteSize();
        }
        long firstId;
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            long nextAfter;
            synchronized (lock) {
                firstId = nextBatchId;
                nextBatchId += batchCount;
                nextAfter = nextBatchId;
                for (int i = 0; i < batchCount; i++) {
                    pending.addLast(firstId + i, now, nonEmpty.get(i).records().size(), byteSizes[i], PendingQueue.WRITING);
                }
            }
            try (WriteBatch write = new WriteBatch()) {
                for (int i = 0; i < batchCount; i++) {
                    batches.add(putBatch(write, firstId + i, nonEmpty.get(i), byteSizes[i], now));
                }
                write.put(defaultFamily, StashKeys.NEXT_BATCH_ID, StashKeys.longValue(nextAfter));
                alongside.addTo(write);
                db.write(sync ? syncedWrites : unsyncedWrites, write);
            } catch (RocksDBException | RuntimeException e) {
                synchronized (lock) {
                    pending.settle(firstId, batchCount, PendingQueue.ABANDONED);
                }
                if (e instanceof RocksDBException) {
                    throw failure("append " + batchCount + " batches", (RocksDBException) e);
                }
                throw (RuntimeException) e;
            }
        } finally {
            readLock.unlock();
        }
        for (BatchMetadata batch : batches) {
            marks.pending(batch);
        }
        synchronized (lock) {
            pending.settle(firstId, batchCount, PendingQueue.VISIBLE);
            lock.notifyAll();
        }
        return batches;
    }

    private BatchMetadata putBatch(WriteBatch write, long batchId, BatchContent content, long bytes, long now)
        throws RocksDBException {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        int index = 0;
        for (EncodedRecord record : content.records()) {
            write.put(dataFamily, StashKeys.record(batchId, index++), record.bytes());
            long[] range = ranges.get(record.source());
            if (range == null) {
                ranges.put(record.source(), new long[] {record.offset(), record.offset()});
            } else {
                range[0] = Math.min(range[0], record.offset());
                range[1] = Math.max(range[1], record.offset());
            }
        }
        List<OffsetRange> offsets = new ArrayList<>(ranges.size());
        ranges.forEach((tp, r) -> offsets.add(new OffsetRange(tp.topic(), tp.partition(), r[0], r[1])));
        BatchMetadata metadata = BatchMetadata.pending(batchId, content.group(), content.records().size(), bytes, now, offsets);
        write.put(metaFamily, StashKeys.batch(batchId), StashJson.write(metadata));
        return metadata;
    }

    /** Syncs the WAL: everything appended so far, synced or not, is durable when this returns. */
    public void sync() {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            db.syncWal();
        } catch (RocksDBException e) {
            throw failure("sync the WAL", e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Claims the next loadable batches in id order, at least one and then whole batches until
     * {@code maxRecords} is reached, and marks them LOADED. Costs what is claimed, not the stash size; the
     * LOADED marks reach the disk later (see {@link LoadedMarks}).
     *
     * @param holdMillis a batch is loadable once it is at least this old (0: at once)
     */
    public List<BatchMetadata> claim(int maxRecords, long holdMillis) {
        synchronized (claimLock) {
            long now = clock.millis();
            List<Long> ids = new ArrayList<>();
            synchronized (lock) {
                int records = 0;
                while (!pending.isEmpty() && (ids.isEmpty() || records < maxRecords)) {
                    byte state = pending.headState();
                    if (state == PendingQueue.ABANDONED) {
                        pending.removeHead();
                        continue;
                    }
                    if (state == PendingQueue.WRITING || (holdMillis > 0 && pending.headCreatedAt() > now - holdMillis)) {
                        break;
                    }
                    records += pending.headRecords();
                    ids.add(pending.headId());
                    pending.removeHead();
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            Lock readLock = lifecycle.readLock();
            readLock.lock();
            try {
                ensureOpen();
                List<BatchMetadata> claimed = new ArrayList<>(ids.size());
                for (BatchMetadata metadata : pendingMetadata(ids)) {
                    BatchMetadata marked = metadata.loaded(now);
                    marks.claimed(marked);
                    claimed.add(marked);
                }
                synchronized (lock) {
                    for (BatchMetadata metadata : claimed) {
                        loaded.put(metadata.id(), metadata);
                        loadedRecords += metadata.recordCount();
                        loadedBytes += metadata.byteSize();
                    }
                }
                return claimed;
            } catch (RocksDBException e) {
                throw failure("claim batches " + ids, e);
            } finally {
                readLock.unlock();
            }
        }
    }

    /**
     * The metadata of pending batches, in the order of {@code ids}: remembered, or read from the stash. Batches
     * whose metadata is missing are skipped; damaged metadata is quarantined and skipped.
     */
    private List<BatchMetadata> pendingMetadata(List<Long> ids) throws RocksDBException {
        BatchMetadata[] found = new BatchMetadata[ids.size()];
        List<byte[]> keys = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            found[i] = marks.takeKnown(ids.get(i));
            if (found[i] == null) {
                unknown.add(i);
                keys.add(StashKeys.batch(ids.get(i)));
            }
        }
        if (!unknown.isEmpty()) {
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), metaFamily), keys);
            for (int k = 0; k < unknown.size(); k++) {
                long batchId = ids.get(unknown.get(k));
                byte[] bytes = values.get(k);
                if (bytes == null) {
                    log.warn("Stash {}: batch {} was queued but has no metadata; skipping it", path, batchId);
                    continue;
                }
                try {
                    BatchMetadata metadata = StashJson.readMetadata(bytes);
                    if (metadata.id() != batchId) {
                        throw new CorruptEntryException("metadata names batch " + metadata.id());
                    }
                    found[unknown.get(k)] = metadata;
                } catch (CorruptEntryException e) {
                    quarantine.setAsideBatch(batchId, bytes, e.getMessage());
                }
            }
        }
        List<BatchMetadata> metadata = new ArrayList<>(ids.size());
        for (BatchMetadata batch : found) {
            if (batch != null) {
                metadata.add(batch);
            }
        }
        return metadata;
    }

    /**
     * Deletes acknowledged batches (data with {@code deleteRange}, metadata too) in one WriteBatch, with the
     * LOADED marks that are due (see {@link LoadedMarks}). Ids that are not loaded (already acknowledged, or
     * handed back by {@link #releaseDrainer}) are ignored. Call it now and then even with no ids, so that the
     * marks of batches Kafka is slow to acknowledge reach the disk.
     */
    public void acknowledge(Collection<Long> batchIds) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            if (closed) {
                log.debug("Stash {} is closed; acknowledgement of {} ignored (those batches will be delivered again)", path, batchIds);
                return;
            }
            // One at a time: a due mark must never be written after another call deleted its batch.
            synchronized (acknowledgeLock) {
                List<Long> acked = new ArrayList<>(batchIds.size());
                long next;
                synchronized (lock) {
                    for (long batchId : batchIds) {
                        BatchMetadata metadata = loaded.remove(batchId);
                        if (metadata != null) {
                            acked.add(batchId);
                            loadedRecords -= metadata.recordCount();
                            loadedBytes -= metadata.byteSize();
                        }
                    }
                    next = nextBatchId;
                }
                List<BatchMetadata> dueMarks = marks.takeDue(acked, clock.millis());
                if (acked.isEmpty() && dueMarks.isEmpty()) {
                    return;
                }
                Collections.sort(acked);
                try (WriteBatch write = new WriteBatch()) {
                    int start = 0;
                    for (int i = 1; i <= acked.size(); i++) {
                        if (i == acked.size() || acked.get(i) != acked.get(i - 1) + 1) {
                            deleteBatches(write, acked.get(start), acked.get(i - 1));
                            start = i;
                        }
                    }
                    if (!acked.isEmpty()) {
                        // Keeps the stored next id past every deleted batch, so ids are never reused after a restart.
                        write.put(defaultFamily, StashKeys.NEXT_BATCH_ID, StashKeys.longValue(next));
                    }
                    putMarks(write, dueMarks);
                    db.write(unsyncedWrites, write);
                } catch (RocksDBException e) {
                    throw failure("delete acknowledged batches " + acked, e);
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Adds LOADED marks to {@code write}. Not synced: a mark lost in a crash leaves a batch PENDING, delivered alike. */
    private void putMarks(WriteBatch write, List<BatchMetadata> marked) throws RocksDBException {
        for (BatchMetadata metadata : marked) {
            write.put(metaFamily, StashKeys.batch(metadata.id()), StashJson.write(metadata));
        }
    }

    private void deleteBatches(WriteBatch write, long first, long last) throws RocksDBException {
        write.deleteRange(dataFamily, StashKeys.record(first, 0), StashKeys.record(last + 1, 0));
        if (first == last) {
            write.delete(metaFamily, StashKeys.batch(first));
        } else {
            write.deleteRange(metaFamily, StashKeys.batch(first), StashKeys.batch(last + 1));
        }
    }

    /**
     * Streams the records of a batch in order, from {@code fromIndex}, one at a time. A record that
     * fails its checksum is quarantined and skipped. Close the reader when done.
     */
    public BatchReader read(BatchMetadata batch, int fromIndex, RecordCodec codec) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            BatchReader reader = new BatchReader(this, batch.id(), fromIndex, codec);
            openCursors.add(reader);
            return reader;
        } finally {
            readLock.unlock();
        }
    }

    RocksIterator newRecordIterator(ReadOptions readOptions) {
        return db.newIterator(dataFamily, readOptions);
    }

    Lock readLock() {
        return lifecycle.readLock();
    }

    void cursorClosed(BatchCursor cursor) {
        openCursors.remove(cursor);
    }

    void ensureOpen() {
        if (closed) {
            throw hardFailure == null ? new StashException("The stash at " + path + " is closed")
                : new StashException("The stash at " + path + " was reopened after an I/O failure (" + hardFailure.getMessage()
                + "). Restart this task to use the new handle; nothing stashed is lost.", hardFailure);
        }
    }

    /** Damaged entries set aside, and what an operator can do with them. */
    public Quarantine quarantine() {
        return quarantine;
    }

    WriteOptions syncedWrites() {
        return syncedWrites;
    }

    Clock clock() {
        return clock;
    }

    /** The id the next appended batch gets: every stored batch has a lower one. */
    public long nextBatchId() {
        synchronized (lock) {
            return nextBatchId;
        }
    }

    /**
     * The stored metadata of up to {@code limit} batches from id {@code fromId} on, in id order, for inspection:
     * damaged entries come back with the reason and stay where they are. Costs what it returns.
     */
    public List<StoredBatch> batches(long fromId, int limit) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        long upperId = nextBatchId();
        try (Slice lower = new Slice(StashKeys.batch(Math.max(0, fromId)));
             Slice upper = new Slice(StashKeys.batch(upperId));
             ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper).setFillCache(false)) {
            ensureOpen();
            List<StoredBatch> batches = new ArrayList<>(Math.min(limit, 1024));
            try (RocksIterator it = db.newIterator(metaFamily, readOptions)) {
                for (it.seekToFirst(); it.isValid() && batches.size() < limit; it.next()) {
                    if (it.key().length == 8) {
                        batches.add(storedBatch(StashKeys.batchId(it.key()), it.value()));
                    }
                }
                it.status();
            }
            return batches;
        } catch (RocksDBException e) {
            throw failure("list batches", e);
        } finally {
            readLock.unlock();
        }
    }

    /** One batch's stored metadata, for inspection; empty when there is no such batch. */
    public java.util.Optional<StoredBatch> batch(long batchId) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            byte[] bytes = db.get(metaFamily, StashKeys.batch(batchId));
            return bytes == null ? java.util.Optional.empty() : java.util.Optional.of(storedBatch(batchId, bytes));
        } catch (RocksDBException e) {
            throw failure("read batch " + batchId, e);
        } finally {
            readLock.unlock();
        }
    }

    private static StoredBatch storedBatch(long batchId, byte[] bytes) {
        try {
            BatchMetadata metadata = StashJson.readMetadata(bytes);
            if (metadata.id() != batchId) {
                throw new CorruptEntryException("metadata names batch " + metadata.id());
            }
            return new StoredBatch(batchId, metadata, null, bytes.length);
        } catch (CorruptEntryException e) {
            return new StoredBatch(batchId, null, e.getMessage(), bytes.length);
        }
    }

    /**
     * Streams one batch's records from {@code fromIndex} for inspection: unlike {@link #read}, damaged records come
     * back with the reason and stay where they are. Close the scan when done.
     */
    public RecordScan scan(long batchId, int fromIndex, RecordCodec codec) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            RecordScan scan = new RecordScan(this, batchId, fromIndex, codec);
            openCursors.add(scan);
            return scan;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Checks every entry against its checksum without changing anything: RocksDB's file checksums, each batch's
     * metadata, each record, and the quarantine entries. Reads the whole stash once.
     *
     * @param maxListed how many damaged entries to list in the report (all are counted)
     */
    public VerifyReport verify(int maxListed) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try {
            ensureOpen();
            return new StashVerifier(this, maxListed).verify(nextBatchId());
        } catch (RocksDBException e) {
            throw failure("verify the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    ColumnFamilyHandle family(String name) {
        switch (name) {
            case META: return metaFamily;
            case DATA: return dataFamily;
            case QUARANTINE: return quarantineFamily;
            default: return defaultFamily;
        }
    }

    /** The stashed offsets of every sink connector on this stash: connector name → partition → last stashed offset. */
    public Map<String, Map<TopicPartition, Long>> allStashedOffsets() {
        byte[] prefix = StashKeys.sinkOffsetPrefix();
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try (Slice lower = new Slice(prefix);
             Slice upper = new Slice(StashKeys.prefixEnd(prefix));
             ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)) {
            ensureOpen();
            Map<String, Map<TopicPartition, Long>> offsets = new TreeMap<>();
            try (RocksIterator it = db.newIterator(defaultFamily, readOptions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    Map.Entry<String, TopicPartition> owner = StashKeys.sinkOffsetOwner(it.key(), prefix.length);
                    offsets.computeIfAbsent(owner.getKey(), name -> new LinkedHashMap<>())
                        .put(owner.getValue(), StashKeys.longValue(it.value()));
                }
            }
            return offsets;
        } finally {
            readLock.unlock();
        }
    }

    /** The highest input offset stashed per partition by the named sink connector. */
    public Map<TopicPartition, Long> stashedOffsets(String sinkName) {
        byte[] prefix = StashKeys.sinkOffsetPrefix(sinkName);
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try (Slice lower = new Slice(prefix);
             Slice upper = new Slice(StashKeys.prefixEnd(prefix));
             ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)) {
            ensureOpen();
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
            try (RocksIterator it = db.newIterator(defaultFamily, readOptions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    offsets.put(StashKeys.sinkOffsetPartition(it.key(), prefix.length), StashKeys.longValue(it.value()));
                }
            }
            return offsets;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Overwrites stashed offsets of a sink (a deliberate offset reset): a null value forgets the
     * partition, so that records from it are stashed again whatever their offsets.
     */
    public void resetStashedOffsets(String sinkName, Map<TopicPartition, Long> offsets) {
        Lock readLock = lifecycle.readLock();
        readLock.lock();
        try (WriteBatch write = new WriteBatch()) {
            ensureOpen();
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                byte[] key = StashKeys.sinkOffset(sinkName, e.getKey());
                if (e.getValue() == null) {
                    write.delete(defaultFamily, key);
                } else {
                    write.put(defaultFamily, key, StashKeys.longValue(e.getValue()));
                }
            }
            db.write(syncedWrites, write);
        } catch (RocksDBException e) {
            throw failure("reset stashed offsets of " + sinkName, e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Makes {@code owner} the stash's one drainer if there is none. Returns whether it is the drainer.
     */
    public boolean tryBecomeDrainer(Object owner) {
        synchronized (claimLock) {
            synchronized (lock) {
                if (drainer == null && !closed) {
                    drainer = owner;
                    log.info("Stash {}: {} is now its drainer", path, owner);
                }
                return drainer == owner;
            }
        }
    }

    /**
     * Ends {@code owner}'s turn as drainer: batches it claimed and that were not acknowledged go back to
     * the head of the queue, to be delivered again by the next drainer.
     */
    public void releaseDrainer(Object owner) {
        synchronized (claimLock) {
            synchronized (lock) {
                if (drainer != owner) {
                    return;
                }
                drainer = null;
                int handedBack = loaded.size();
                for (BatchMetadata metadata : loaded.descendingMap().values()) {
                    pending.addFirst(metadata.id(), metadata.createdAt(), metadata.recordCount(), metadata.byteSize());
                    marks.pending(metadata);
                }
                loaded.clear();
                loadedRecords = 0;
                loadedBytes = 0;
                lock.notifyAll();
                log.info("Stash {}: {} stopped draining; {} unacknowledged batches will be delivered again", path, owner, handedBack);
            }
        }
    }

    /**
     * Waits until a batch may be claimable, up to {@code timeoutMs}. Returns false early when the stash
     * is closed or {@link #wakeUpWaiters()} is called.
     */
    public boolean awaitLoadable(long timeoutMs, long holdMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (lock) {
            long wakeUpsSeen = wakeUps;
            while (!closed && wakeUps == wakeUpsSeen) {
                long waitMs;
                if (!pending.isEmpty() && pending.headState() != PendingQueue.WRITING) {
                    long readyIn = holdMillis <= 0 ? 0 : pending.headCreatedAt() + holdMillis - clock.millis();
                    if (readyIn <= 0) {
                        return true;
                    }
                    waitMs = readyIn;
                } else {
                    waitMs = Long.MAX_VALUE;
                }
                long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (remainingMs <= 0) {
                    return false;
                }
                lock.wait(Math.min(waitMs, remainingMs));
            }
            return false;
        }
    }

    /** Wakes every thread in {@link #awaitLoadable}, which then returns false, e.g. when a task stops. */
    public void wakeUpWaiters() {
        synchronized (lock) {
            wakeUps++;
            lock.notifyAll();
        }
    }

    public StashStats stats() {
        synchronized (lock) {
            long oldestAge = pending.isEmpty() ? 0 : Math.max(0, clock.millis() - pending.headCreatedAt());
            return new StashStats(pending.size(), pending.totalRecords(), pending.totalBytes(), loaded.size(),
                loadedRecords, loadedBytes, oldestAge, quarantine.size(), drainer != null);
        }
    }

    /** Syncs the WAL (RocksDB's close does not) and releases the handle. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
            for (BatchCursor cursor : List.copyOf(openCursors)) {
                cursor.close();
            }
            writeRemainingMarks();
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                log.warn("Stash {}: could not sync the WAL on close; unsynced writes may be lost in a power failure", path, e);
            }
            closeQuietly(handles, db, resources);
            log.info("Closed stash {} at {}", id, path);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void writeRemainingMarks() {
        List<BatchMetadata> remaining = marks.takeAll();
        if (remaining.isEmpty() || hardFailure != null) {
            return;
        }
        try (WriteBatch write = new WriteBatch()) {
            putMarks(write, remaining);
            db.write(unsyncedWrites, write);
        } catch (RocksDBException e) {
            log.warn("Stash {}: could not record {} batches as LOADED on close; they show as PENDING and are delivered "
                + "again all the same", path, remaining.size(), e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** For tests that inspect RocksDB itself (perf counters, raw entries). */
    RocksDB database() {
        return db;
    }

    private static void closeQuietly(List<ColumnFamilyHandle> handles, RocksDB db, List<AutoCloseable> resources) {
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

    @Override
    public String toString() {
        return "Stash{" + path + ", id=" + id + "}";
    }
}
