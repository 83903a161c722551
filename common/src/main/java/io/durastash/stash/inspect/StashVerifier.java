package io.durastash.stash.inspect;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordBlock;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.DrainedRanges;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.FamilyCursor;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.QuarantinedEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks every entry of a stash without changing it: the damage its write-ahead log showed when it opened, RocksDB's
 * file checksums, then each batch's metadata and each record against its own checksum, in one merged pass over
 * {@code meta} and {@code data} in id order (so it costs one read of the stash, whatever its size), then the
 * quarantine entries.
 */
final class StashVerifier {
    private final StashDb db;
    private final Supplier<List<QuarantinedEntry>> quarantine;
    private final int maxListed;
    private final RecordCodec codec = new RecordCodec();
    private final List<VerifyReport.Damage> listed = new ArrayList<>();
    private long damageCount;
    private long batches;
    private long records;
    private long recordBytes;
    /** Batches drained whose records wait for the next reclaim: theirs are not orphans. */
    private final DrainedRanges drained;

    StashVerifier(StashDb db, Supplier<List<QuarantinedEntry>> quarantine, int maxListed) {
        this.db = db;
        this.quarantine = quarantine;
        this.maxListed = maxListed;
        this.drained = DrainedRanges.load(db);
    }

    VerifyReport verify(long nextBatchId) {
        if (db.walDamage() != null) {
            damage(VerifyReport.Kind.WAL, -1, -1, "the write-ahead log is damaged; " + (db.readOnly()
                ? "the writes after the damage were not read, and stay in the log until the next read-write open (a "
                + "worker's) drops them and records that in the quarantine: "
                : "opening the stash dropped the writes after the damage, and the quarantine records it: ") + db.walDamage());
        }
        String files = db.verifyFileChecksums();
        if (files != null) {
            damage(VerifyReport.Kind.STORAGE, -1, -1, "RocksDB file checksums: " + files);
        }
        try (Entries meta = new Entries(Family.META, StashKeys.batch(0), StashKeys.batch(nextBatchId),
            StashKeys.BATCH_KEY_BYTES);
             Entries data = new Entries(Family.DATA, StashKeys.record(0, 0), StashKeys.record(nextBatchId, 0),
                 StashKeys.RECORD_KEY_BYTES)) {
            for (; meta.valid(); meta.advance()) {
                byte[] key = meta.key();
                if (key.length != StashKeys.BATCH_KEY_BYTES) {
                    damage(VerifyReport.Kind.KEY, -1, -1, "metadata key of " + key.length + " bytes; batch keys have "
                        + StashKeys.BATCH_KEY_BYTES);
                    continue;
                }
                long batchId = StashKeys.batchId(key);
                batches++;
                BatchMetadata metadata = checkMetadata(batchId, meta.value());
                orphansBefore(data, batchId);
                checkRecords(data, batchId, metadata);
            }
            orphansBefore(data, Long.MAX_VALUE);
        }
        long quarantineEntries = checkQuarantine();
        return new VerifyReport(batches, records, recordBytes, quarantineEntries, damageCount, listed);
    }

    private BatchMetadata checkMetadata(long batchId, byte[] value) {
        InspectedBatch batch = StashInspector.inspected(batchId, value);
        if (batch.damaged()) {
            damage(VerifyReport.Kind.METADATA, batchId, -1, batch.damage());
        }
        return batch.metadata();
    }

    /** Reports records of batches before {@code batchId} that the metadata pass did not reach: they have no metadata. */
    private void orphansBefore(Entries data, long batchId) {
        long orphanBatch = -1;
        int orphanRecords = 0;
        for (; data.valid(); data.advance()) {
            byte[] key = data.key();
            if (key.length != StashKeys.RECORD_KEY_BYTES) {
                damage(VerifyReport.Kind.KEY, -1, -1, "record key of " + key.length + " bytes; record keys have "
                    + StashKeys.RECORD_KEY_BYTES);
                continue;
            }
            long id = StashKeys.batchId(key);
            if (id >= batchId) {
                break;
            }
            if (drained.contains(id)) {
                continue;
            }
            if (id != orphanBatch) {
                reportOrphans(orphanBatch, orphanRecords);
                orphanBatch = id;
                orphanRecords = 0;
            }
            int[] held = {0};
            try {
                RecordBlock.read(StashKeys.recordIndex(key), data.value(), (index, entry, from, to, checked) -> {
                    held[0]++;
                    recordBytes += to - from;
                });
            } catch (RecordBlock.DamagedEntryException e) {
                damage(VerifyReport.Kind.RECORD, id, e.unreadFrom(), e.getMessage());
            }
            orphanRecords += held[0];
            records += held[0];
        }
        reportOrphans(orphanBatch, orphanRecords);
    }

    private void reportOrphans(long batchId, int count) {
        if (count > 0) {
            damage(VerifyReport.Kind.ORPHAN_RECORDS, batchId, -1, count + " records stored for a batch without metadata");
        }
    }

    private void checkRecords(Entries data, long batchId, BatchMetadata metadata) {
        for (; data.valid(); data.advance()) {
            byte[] key = data.key();
            if (key.length != 12 || StashKeys.batchId(key) != batchId) {
                return; // a bad key is reported by orphansBefore on the next turn
            }
            try {
                RecordBlock.read(StashKeys.recordIndex(key), data.value(),
                    (index, entry, from, to, checked) -> checkRecord(batchId, metadata, index, entry, from, to, checked));
            } catch (RecordBlock.DamagedEntryException e) {
                damage(VerifyReport.Kind.RECORD, batchId, e.unreadFrom(), e.getMessage());
            }
        }
    }

    private void checkRecord(long batchId, BatchMetadata metadata, int index, byte[] entry, int from, int to,
                             boolean checked) {
        records++;
        recordBytes += to - from;
        try {
            codec.decode(entry, from, to, checked);
        } catch (CorruptEntryException e) {
            damage(VerifyReport.Kind.RECORD, batchId, index, e.getMessage());
        }
        if (metadata != null && (index < 0 || index >= metadata.recordCount())) {
            damage(VerifyReport.Kind.RECORD_INDEX, batchId, index, "index outside the batch's " + metadata.recordCount() + " records");
        }
    }

    private long checkQuarantine() {
        List<QuarantinedEntry> entries = quarantine.get();
        for (QuarantinedEntry entry : entries) {
            if (QuarantinedEntry.UNREADABLE.equals(entry.family())) {
                damage(VerifyReport.Kind.QUARANTINE_ENTRY, entry.batchId(), entry.index(), entry.reason());
            }
        }
        return entries.size();
    }

    private void damage(VerifyReport.Kind kind, long batchId, int index, String detail) {
        damageCount++;
        if (listed.size() < maxListed) {
            listed.add(new VerifyReport.Damage(kind, batchId, index, detail));
        }
    }

    /**
     * A family's entries in key order, read a chunk at a time and looked at one at a time, so that two can be merged.
     * Damage in RocksDB's files is reported (naming the file, as RocksDB does) and stepped over, never parsed.
     */
    private final class Entries implements AutoCloseable {
        private static final int CHUNK = 256;
        private final Family family;
        private final int keyLength;
        private final ArrayDeque<byte[][]> chunk = new ArrayDeque<>(CHUNK);
        private final FamilyCursor cursor;

        Entries(Family family, byte[] lower, byte[] upper, int keyLength) {
            this.family = family;
            this.keyLength = keyLength;
            this.cursor = db.cursor(family, lower, upper, false, 1024 * 1024);
        }

        boolean valid() {
            while (chunk.isEmpty()) {
                if (cursor.readPastDamage(CHUNK, Long.MAX_VALUE, keyLength,
                    (key, value) -> chunk.addLast(new byte[][] {key, value}), this::steppedOver) == 0) {
                    return false;
                }
            }
            return true;
        }

        /** Reports a damaged block stepped over. */
        private void steppedOver(byte[] after, byte[] to, String reason) {
            damage(VerifyReport.Kind.STORAGE, after == null ? -1 : StashKeys.batchId(after), -1,
                family.columnFamily() + ": the entries after " + (after == null ? "its start" : "batch "
                + StashKeys.batchId(after)) + " up to " + (to == null ? "its end" : "batch " + StashKeys.batchId(to))
                + " are in a damaged block: " + reason);
        }

        byte[] key() {
            return chunk.getFirst()[0];
        }

        byte[] value() {
            return chunk.getFirst()[1];
        }

        void advance() {
            chunk.removeFirst();
        }

        @Override
        public void close() {
            cursor.close();
        }
    }
}
