package io.durastash.stash.internals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every batch a stash holds on disk, found even through damage: the {@code meta} entries by id, read again without
 * RocksDB's checksums when a block fails them (each entry is then judged by its own checksum), and the batches whose
 * entry is lost found from their records in {@code data} (not those drained, see {@link DrainedRanges}). Reads, never writes.
 */
public final class StoredBatches {
    private static final Logger log = LoggerFactory.getLogger(StoredBatches.class);

    private StoredBatches() {
    }

    /** Each batch's metadata entry as stored, by id; null for a batch found only from its records. */
    public static Map<Long, byte[]> find(StashDb db) {
        Map<Long, byte[]> entries;
        try {
            return scanMetadata(db, true);
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            log.error("Stash {}: the metadata column family is damaged ({}); reading it again without RocksDB's checksums, "
                + "each entry checked by its own", db.path(), e.getMessage());
        }
        try {
            entries = scanMetadata(db, false);
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            log.error("Stash {}: the metadata column family cannot be read ({}); finding the batches from their records",
                db.path(), e.getMessage());
            entries = new TreeMap<>();
        }
        // Entries lost with the damage leave records without metadata: those batches are found from them. Drained
        // batches leave records without metadata too, until the next reclaim deletes them.
        DrainedRanges drained = DrainedRanges.load(db);
        for (long batchId : DataBatchIds.scan(db, idLimit(db))) {
            if (!entries.containsKey(batchId) && !drained.contains(batchId)) {
                entries.put(batchId, readable(db, batchId));
            }
        }
        return entries;
    }

    /** Past every batch id the stash ever handed out, as far as {@code default} says. */
    private static long idLimit(StashDb db) {
        long limit = 1;
        for (byte[] key : List.of(StashKeys.NEXT_BATCH_ID, StashKeys.IDS_RESERVED)) {
            byte[] value = db.get("read the batch ids", Family.DEFAULT, key);
            limit = Math.max(limit, value == null ? 1 : StashKeys.longValue(value));
        }
        return limit;
    }

    private static Map<Long, byte[]> scanMetadata(StashDb db, boolean verify) {
        Map<Long, byte[]> entries = new TreeMap<>();
        try (FamilyCursor cursor = db.cursor(Family.META, null, null, false, 0, verify)) {
            cursor.forEachRemaining((key, value) -> {
                if (key.length != 8) {
                    log.error("Stash {}: ignoring a metadata key of {} bytes; batch keys have 8", db.path(), key.length);
                    return;
                }
                entries.put(StashKeys.batchId(key), value);
            });
        }
        return entries;
    }

    /** A metadata entry read on its own, without RocksDB's checksums; null when even that fails or there is none. */
    private static byte[] readable(StashDb db, long batchId) {
        try {
            return db.getUnverified("read the metadata of batch " + batchId, Family.META, StashKeys.batch(batchId));
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            return null;
        }
    }
}
