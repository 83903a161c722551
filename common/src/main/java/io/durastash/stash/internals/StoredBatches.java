package io.durastash.stash.internals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Every batch a stash holds on disk, found even through damage: the {@code meta} entries by id, stepping over a block
 * of RocksDB's files whose checksum fails, and the batches whose entry is lost found from their records in
 * {@code data} (not those drained, see {@link DrainedRanges}). Reads, never writes.
 */
public final class StoredBatches {
    private static final Logger log = LoggerFactory.getLogger(StoredBatches.class);

    private StoredBatches() {
    }

    /** Each batch's metadata entry as stored, by id; null for a batch found only from its records. */
    public static Map<Long, byte[]> find(StashDb db) {
        Map<Long, byte[]> entries = scanMetadata(db);
        // Entries lost with the damage leave records without metadata: those batches are found from them. Drained
        // batches leave records without metadata too, until the next reclaim deletes them.
        DrainedRanges drained = DrainedRanges.load(db);
        for (long batchId : DataBatchIds.scan(db)) {
            if (!entries.containsKey(batchId) && !drained.contains(batchId)) {
                entries.put(batchId, null);
            }
        }
        return entries;
    }

    /** The metadata entries that can be read; a damaged block's are stepped over, and found from their records. */
    private static Map<Long, byte[]> scanMetadata(StashDb db) {
        Map<Long, byte[]> entries = new TreeMap<>();
        try (FamilyCursor cursor = db.cursor(Family.META, null, null, false, 0)) {
            cursor.forEachReadable(StashKeys.BATCH_KEY_BYTES, (key, value) -> {
                if (key.length != StashKeys.BATCH_KEY_BYTES) {
                    log.error("Stash {}: ignoring a metadata key of {} bytes; batch keys have {}", db.path(), key.length,
                        StashKeys.BATCH_KEY_BYTES);
                    return;
                }
                entries.put(StashKeys.batchId(key), value);
            }, (after, to, damage) -> log.error("Stash {}: the metadata of the batches after {} and before {} is in a "
                + "damaged block of RocksDB's files ({}); finding those batches from their records", db.path(),
                after == null ? "none" : StashKeys.batchId(after), to == null ? "none" : StashKeys.batchId(to), damage));
        }
        return entries;
    }
}
