package io.durastash.stash.internals;

import java.util.ArrayList;
import java.util.List;

/**
 * The ids of the batches that have records in {@code data}, found by their keys alone, stepping over the blocks of
 * RocksDB's files whose checksum fails: how a stash whose metadata is damaged finds its batches.
 */
final class DataBatchIds {
    private DataBatchIds() {
    }

    static List<Long> scan(StashDb db) {
        List<Long> ids = new ArrayList<>();
        try (FamilyCursor cursor = db.cursor(Family.DATA, StashKeys.record(0, 0), null, false, 0)) {
            cursor.forEachReadable(StashKeys.RECORD_KEY_BYTES, (key, value) -> {
                if (key.length == StashKeys.RECORD_KEY_BYTES) {
                    long id = StashKeys.batchId(key);
                    if (ids.isEmpty() || ids.get(ids.size() - 1) != id) {
                        ids.add(id);
                    }
                }
            }, (from, to, damage) -> {
                // A batch the damage is in is found again, if any of it can be read, by its metadata.
            });
        }
        return ids;
    }
}
