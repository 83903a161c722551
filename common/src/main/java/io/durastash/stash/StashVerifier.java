package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks every entry of a stash without changing it: RocksDB's file checksums, then each batch's metadata and
 * each record against its own checksum, in one merged pass over {@code meta} and {@code data} in id order (so it
 * costs one read of the stash, whatever its size), then the quarantine entries.
 */
final class StashVerifier {
    private final Stash stash;
    private final RocksDB db;
    private final int maxListed;
    private final RecordCodec codec = new RecordCodec();
    private final List<VerifyReport.Damage> listed = new ArrayList<>();
    private long damageCount;
    private long batches;
    private long records;
    private long recordBytes;

    StashVerifier(Stash stash, int maxListed) {
        this.stash = stash;
        this.db = stash.database();
        this.maxListed = maxListed;
    }

    VerifyReport verify(long nextBatchId) throws RocksDBException {
        try {
            db.verifyChecksum();
        } catch (RocksDBException e) {
            damage(VerifyReport.Kind.STORAGE, -1, -1, "RocksDB file checksums: " + e.getMessage());
        }
        try (Slice metaLower = new Slice(StashKeys.batch(0));
             Slice metaUpper = new Slice(StashKeys.batch(nextBatchId));
             ReadOptions metaOptions = new ReadOptions().setIterateLowerBound(metaLower).setIterateUpperBound(metaUpper)
                 .setFillCache(false);
             RocksIterator meta = db.newIterator(stash.family(Stash.META), metaOptions);
             Slice dataLower = new Slice(StashKeys.record(0, 0));
             Slice dataUpper = new Slice(StashKeys.record(nextBatchId, 0));
             ReadOptions dataOptions = new ReadOptions().setIterateLowerBound(dataLower).setIterateUpperBound(dataUpper)
                 .setFillCache(false).setReadaheadSize(1024 * 1024);
             RocksIterator data = db.newIterator(stash.family(Stash.DATA), dataOptions)) {
            meta.seekToFirst();
            data.seekToFirst();
            for (; meta.isValid(); meta.next()) {
                byte[] key = meta.key();
                if (key.length != 8) {
                    damage(VerifyReport.Kind.KEY, -1, -1, "metadata key of " + key.length + " bytes; batch keys have 8");
                    continue;
                }
                long batchId = StashKeys.batchId(key);
                batches++;
                BatchMetadata metadata = checkMetadata(batchId, meta.value());
                orphansBefore(data, batchId);
                checkRecords(data, batchId, metadata);
            }
            meta.status();
            orphansBefore(data, Long.MAX_VALUE);
            data.status();
        }
        long quarantineEntries = checkQuarantine();
        return new VerifyReport(batches, records, recordBytes, quarantineEntries, damageCount, listed);
    }

    private BatchMetadata checkMetadata(long batchId, byte[] value) {
        try {
            BatchMetadata metadata = StashJson.readMetadata(value);
            if (metadata.id() != batchId) {
                throw new CorruptEntryException("metadata names batch " + metadata.id());
            }
            return metadata;
        } catch (CorruptEntryException e) {
            damage(VerifyReport.Kind.METADATA, batchId, -1, e.getMessage());
            return null;
        }
    }

    /** Reports records of batches before {@code batchId} that the metadata pass did not reach: they have no metadata. */
    private void orphansBefore(RocksIterator data, long batchId) {
        long orphanBatch = -1;
        int orphanRecords = 0;
        while (data.isValid()) {
            byte[] key = data.key();
            if (key.length != 12) {
                damage(VerifyReport.Kind.KEY, -1, -1, "record key of " + key.length + " bytes; record keys have 12");
                data.next();
                continue;
            }
            long id = StashKeys.batchId(key);
            if (id >= batchId) {
                break;
            }
            if (id != orphanBatch) {
                reportOrphans(orphanBatch, orphanRecords);
                orphanBatch = id;
                orphanRecords = 0;
            }
            orphanRecords++;
            records++;
            recordBytes += data.value().length;
            data.next();
        }
        reportOrphans(orphanBatch, orphanRecords);
    }

    private void reportOrphans(long batchId, int count) {
        if (count > 0) {
            damage(VerifyReport.Kind.ORPHAN_RECORDS, batchId, -1, count + " records stored for a batch without metadata");
        }
    }

    private void checkRecords(RocksIterator data, long batchId, BatchMetadata metadata) {
        while (data.isValid()) {
            byte[] key = data.key();
            if (key.length != 12) {
                return; // reported by orphansBefore on the next turn
            }
            if (StashKeys.batchId(key) != batchId) {
                return;
            }
            int index = StashKeys.recordIndex(key);
            byte[] value = data.value();
            records++;
            recordBytes += value.length;
            try {
                codec.decode(value);
            } catch (CorruptEntryException e) {
                damage(VerifyReport.Kind.RECORD, batchId, index, e.getMessage());
            }
            if (metadata != null && (index < 0 || index >= metadata.recordCount())) {
                damage(VerifyReport.Kind.RECORD_INDEX, batchId, index, "index outside the batch's " + metadata.recordCount() + " records");
            }
            data.next();
        }
    }

    private long checkQuarantine() throws RocksDBException {
        long count = 0;
        try (RocksIterator it = db.newIterator(stash.family(Stash.QUARANTINE))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
                QuarantinedEntry entry = Quarantine.readEntry(it.key(), it.value());
                if (Quarantine.UNREADABLE.equals(entry.family())) {
                    damage(VerifyReport.Kind.QUARANTINE_ENTRY, entry.batchId(), entry.index(), entry.reason());
                }
            }
            it.status();
        }
        return count;
    }

    private void damage(VerifyReport.Kind kind, long batchId, int index, String detail) {
        damageCount++;
        if (listed.size() < maxListed) {
            listed.add(new VerifyReport.Damage(kind, batchId, index, detail));
        }
    }
}
