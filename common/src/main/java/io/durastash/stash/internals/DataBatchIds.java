package io.durastash.stash.internals;

import java.util.ArrayList;
import java.util.List;

/**
 * The ids of the batches that have records in {@code data}, found by their keys alone and without RocksDB's block
 * checksums, stepping over what cannot be read: how a stash whose metadata is damaged finds its batches.
 */
final class DataBatchIds {
    private DataBatchIds() {
    }

    /** @param limit past every batch id ever handed out: where stepping over damage stops */
    static List<Long> scan(StashDb db, long limit) {
        List<Long> ids = new ArrayList<>();
        long next = 0;
        while (next < limit) {
            long from = next;
            long[] last = {-1};
            try (FamilyCursor cursor = db.cursor(Family.DATA, StashKeys.record(from, 0), null, false, 0, false)) {
                cursor.forEachRemaining((key, value) -> {
                    if (key.length == 12) {
                        long id = StashKeys.batchId(key);
                        if (id != last[0]) {
                            ids.add(id);
                            last[0] = id;
                        }
                    }
                });
                return ids;
            } catch (RuntimeException e) {
                if (!StashFailures.isCorruption(e)) {
                    throw e;
                }
                // Step over the batch the damage is in: it is found again, if any of it can be read, by its metadata.
                next = (last[0] >= 0 ? last[0] : from) + 1;
            }
        }
        return ids;
    }
}
