package io.durastash.stash.internals;

import io.durastash.stash.model.StashOptions;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The RocksDB options of a stash: one block cache per stash that also carries the memtables, and per column family
 * the block size and compression that fit how it is used. Every native object created here is added to the list
 * of resources the caller closes after the database, in reverse order.
 */
final class StashDbOptions {
    private static final int MEMTABLE_MAX_RANGE_DELETIONS = 256;
    /** Block size of the column families read by key (RocksDB's default). */
    private static final long POINT_BLOCK_BYTES = 4 * 1024;
    /**
     * Block size of {@code meta}: smaller than any entry, so each batch's entry is a block of its own. A block whose
     * checksum fails is never parsed (see {@code FamilyCursor#stepOverDamage}), so damage there costs the entries of
     * its block: with 4 KiB blocks 15 to 17 batches' metadata, with this one.
     */
    private static final long ENTRY_PER_BLOCK_BYTES = 1;
    /**
     * Block size of {@code data}, which is only ever scanned, each record once and outside the block cache: every
     * block read costs a read, a checksum and a decompression. With 16 KiB blocks instead of 4 KiB the engine
     * drained 100-byte records about 15% faster and 1 KiB records about 50% faster; 64 KiB helped 1 KiB records
     * more and 100-byte records less (docs/benchmarks.md).
     */
    private static final long SCAN_BLOCK_BYTES = 16 * 1024;

    private StashDbOptions() {
    }

    /**
     * @param walRecovery how to replay the WAL: first {@link WALRecoveryMode#TolerateCorruptedTailRecords} (a record cut
     *                    short by a crash is dropped, damage fails the open), then, after damage,
     *                    {@link WALRecoveryMode#PointInTimeRecovery} (everything before the damage is kept)
     */
    static DBOptions dbOptions(Path path, StashOptions options, LRUCache cache, WALRecoveryMode walRecovery,
                               List<AutoCloseable> resources) {
        WriteBufferManager writeBuffers = new WriteBufferManager(options.memoryBytes() / 2, cache);
        resources.add(writeBuffers);
        DBOptions dbOptions = new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setWriteBufferManager(writeBuffers)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(3)
            .setMaxLogFileSize(8L * 1024 * 1024)
            // WAL files live until every family's memtable that has writes in them is flushed; past this total the
            // quiet families (meta, default) are flushed too, so the WAL never takes more disk than the memtables.
            .setMaxTotalWalSize(options.memoryBytes())
            .setWalRecoveryMode(walRecovery);
        resources.add(dbOptions);
        if (options.readOnly()) {
            RocksLog rocksLog = new RocksLog(path);
            resources.add(rocksLog);
            dbOptions.setLogger(rocksLog);
        }
        return dbOptions;
    }

    /** The descriptors of every {@link Family}, in its order. */
    static List<ColumnFamilyDescriptor> descriptors(LRUCache cache, List<AutoCloseable> resources) {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (Family family : Family.values()) {
            ColumnFamilyOptions options = switch (family) {
                case DEFAULT, QUARANTINE -> familyOptions(resources, cache, CompressionType.NO_COMPRESSION, false, POINT_BLOCK_BYTES);
                case META -> familyOptions(resources, cache, CompressionType.NO_COMPRESSION, true, ENTRY_PER_BLOCK_BYTES);
                case DATA -> familyOptions(resources, cache, CompressionType.LZ4_COMPRESSION, true, SCAN_BLOCK_BYTES);
            };
            descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), options));
        }
        return descriptors;
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
}
