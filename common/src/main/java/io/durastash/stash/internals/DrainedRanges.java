package io.durastash.stash.internals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The drained batches whose records are still in the stash's files: their deletion waits for the next reclaim. A
 * deletion written with the drain goes into the memtable the sinks write their new records to, and a file flushed from
 * it then spans the stash from the drained batches to the newest; compacting it rewrites every file of the backlog in
 * between, for a moment doubling the stash on disk. So the records of batches that were in files before the last flush
 * are deleted at the reclaim instead ({@link #writeDeletions}), in a memtable of their own; the records of newer
 * batches, still in the memtable with them, go at once, as before.
 *
 * <p>A drained batch's metadata goes at once, with its acknowledgement. The ranges of batch ids whose records wait are
 * kept in {@code default}, in that same write, so that a stash that opens before the reclaim does not take those
 * records for batches whose metadata was lost ({@link StoredBatches}). Deletions come from the stash's one drainer and
 * the reclaim; both hold this object's monitor from the write to the change of the ranges held here.
 */
public final class DrainedRanges {
    private static final byte[] PREFIX = "drained\u0000".getBytes(StandardCharsets.UTF_8);

    private final StashDb db;
    /** First id → last id of each range whose records wait; guarded by this. */
    private final TreeMap<Long, Long> waiting = new TreeMap<>();
    /** The batches below this id have their records in files, or in a memtable being flushed to one. */
    private volatile long filedBelow;

    private DrainedRanges(StashDb db) {
        this.db = db;
    }

    /** The ranges kept in {@code db}'s {@code default} family. */
    public static DrainedRanges load(StashDb db) {
        DrainedRanges ranges = new DrainedRanges(db);
        try (FamilyCursor cursor = db.cursor(Family.DEFAULT, PREFIX, StashKeys.prefixEnd(PREFIX), true, 0)) {
            cursor.forEachRemaining((key, value) ->
                ranges.waiting.put(ByteBuffer.wrap(key, PREFIX.length, Long.BYTES).getLong(), StashKeys.longValue(value)));
        }
        return ranges;
    }

    private static byte[] key(long first) {
        return ByteBuffer.allocate(PREFIX.length + Long.BYTES).put(PREFIX).putLong(first).array();
    }

    /** Notes that every batch below {@code nextBatchId} is in files once the flush that begins now is done. */
    public void flushing(long nextBatchId) {
        filedBelow = nextBatchId;
    }

    /** Whether the records of batch {@code batchId} were drained and wait for the next reclaim. */
    public synchronized boolean contains(long batchId) {
        Map.Entry<Long, Long> range = waiting.floorEntry(batchId);
        return range != null && batchId <= range.getValue();
    }

    /**
     * Adds to {@code write} the deletion of the records of the drained batches {@code first} to {@code last}: for those
     * below the last flush, a range kept until the reclaim (merged with the range it continues); for the rest, a range
     * deletion now. Returns the range to hold once the write is done ({@link #held}); null when nothing waits.
     */
    synchronized long[] addTo(StashWrite write, long first, long last) {
        long filed = Math.min(last, filedBelow - 1);
        if (last >= filedBelow) {
            deleteRecords(write, Math.max(first, filedBelow), last);
        }
        if (filed < first) {
            return null;
        }
        Map.Entry<Long, Long> before = waiting.floorEntry(first - 1);
        long start = before != null && before.getValue() == first - 1 ? before.getKey() : first;
        write.put(Family.DEFAULT, key(start), StashKeys.longValue(filed));
        return new long[] {start, filed};
    }

    private static void deleteRecords(StashWrite write, long first, long last) {
        // Up to the last key batch `last` could have (no record has it), not to the next batch's first key: a file these
        // deletions reach does not then touch the file the backlog begins with, and compacting it leaves that one alone.
        write.deleteRange(Family.DATA, StashKeys.record(first, 0), StashKeys.lastRecord(last));
    }

    /** Holds the ranges {@link #addTo} returned, once their write is done. */
    synchronized void held(List<long[]> ranges) {
        for (long[] range : ranges) {
            waiting.put(range[0], range[1]);
        }
    }

    /**
     * Writes the deletion of every waiting range's records, and forgets the ranges, in one write; returns whether there
     * was any. Flush the memtables right before (no new records there) and right after (the deletions in a file of
     * their own).
     */
    public synchronized boolean writeDeletions() {
        if (waiting.isEmpty()) {
            return false;
        }
        try (StashWrite write = db.newWrite()) {
            waiting.forEach((first, last) -> {
                deleteRecords(write, first, last);
                write.delete(Family.DEFAULT, key(first));
            });
            db.write("delete the records of " + waiting.size() + " ranges of drained batches", write, false);
        }
        waiting.clear();
        return true;
    }
}
