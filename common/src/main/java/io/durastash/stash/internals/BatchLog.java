package io.durastash.stash.internals;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordBlock;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of the batch lifecycle: an append (records packed in blocks, PENDING metadata, the next id and whatever
 * goes with it, in one write), the metadata a claim hands out (with its LOADED mark deferred, see
 * {@link LoadedMarks}), and the deletion of acknowledged batches with the marks that are due. Appends are thread-safe; claims and deletions come
 * from the stash's one drainer, which serializes them.
 */
public final class BatchLog {
    private static final Logger log = LoggerFactory.getLogger(BatchLog.class);
    /** How many batch ids one synced reservation covers. */
    static final long ID_RESERVATION = 1L << 20;

    /** What an append writes besides the batches, in the same write. */
    @FunctionalInterface
    public interface Alongside {
        Alongside NOTHING = write -> { };

        void addTo(StashWrite write);
    }

    private final StashDb db;
    private final DrainQueue queue;
    private final Clock clock;
    private final SetAside setAside;
    private final UndeliveredOffsets undelivered;
    private final LoadedMarks marks = new LoadedMarks();
    private final DrainedRanges drained;
    /** Stands for a metadata entry in a block of RocksDB's files whose checksum fails. */
    private static final byte[] UNREADABLE = new byte[0];
    private final Object reservationLock = new Object();
    /** Batch ids below this are reserved durably; see {@link #reserveIds}. Guarded by the reservation lock. */
    private long reservedEnd;

    public BatchLog(StashDb db, DrainQueue queue, UndeliveredOffsets undelivered, Clock clock, SetAside setAside,
                    DrainedRanges drained) {
        this.db = db;
        this.drained = drained;
        this.queue = queue;
        this.undelivered = undelivered;
        this.clock = clock;
        this.setAside = setAside;
    }

    /**
     * Appends the non-empty {@code batches} as new batches in list order (their ids follow it), with
     * {@code alongside}, in one write without a sync: nothing partial is ever visible, and a batch is claimable only
     * once its write returned and, when {@code durableFirst}, once a WAL sync covered it ({@link WalSync}).
     *
     * @param writeIfNoBatches whether to write {@code alongside} when every batch is empty
     * @param durableFirst     whether the batches wait for a WAL sync before they can be claimed
     * @return the metadata of the new batches
     */
    public List<BatchMetadata> append(List<NewBatch> batches, Alongside alongside, boolean writeIfNoBatches,
                                      boolean durableFirst) {
        List<NewBatch> nonEmpty = new ArrayList<>(batches.size());
        for (NewBatch batch : batches) {
            if (!batch.records().isEmpty()) {
                nonEmpty.add(batch);
            }
        }
        if (nonEmpty.isEmpty() && !writeIfNoBatches) {
            return List.of();
        }
        long now = clock.millis();
        int count = nonEmpty.size();
        long[] byteSizes = new long[count];
        for (int i = 0; i < count; i++) {
            byteSizes[i] = nonEmpty.get(i).byteSize();
        }
        List<BatchMetadata> appended = new ArrayList<>(count);
        db.ensureOpen();
        long firstId = reserveIds(nonEmpty, byteSizes, now);
        boolean written = false;
        RecordBlock.Writer blocks = new RecordBlock.Writer();
        try (StashWrite write = db.newWrite()) {
            for (int i = 0; i < count; i++) {
                appended.add(putBatch(write, blocks, firstId + i, nonEmpty.get(i), byteSizes[i], now));
            }
            write.put(Family.DEFAULT, StashKeys.NEXT_BATCH_ID, StashKeys.longValue(firstId + count));
            alongside.addTo(write);
            db.write("append " + count + " batches", write, false);
            written = true;
        } finally {
            if (written) {
                for (BatchMetadata batch : appended) {
                    marks.pending(batch);
                    undelivered.add(batch);
                }
            }
            queue.settle(firstId, count, written, durableFirst);
        }
        return appended;
    }

    /**
     * Allocates ids for {@code batches} within the durable reservation: a synced write of the reservation's end comes
     * before any id in it is used, so that a stash that loses writes (a power loss with {@code stash.sync=false}, a
     * damaged WAL tail) starts again past every id it ever handed out, and a batch id never names two different
     * batches: the source's committed offsets name batches by id. One synced write per {@link #ID_RESERVATION}
     * batches. The check and the allocation are one step, so that two appends at once cannot both pass the check and
     * the second take an id at the reservation's end. Returns the first id.
     */
    private long reserveIds(List<NewBatch> batches, long[] byteSizes, long now) {
        synchronized (reservationLock) {
            long needed = queue.nextBatchId() + batches.size();
            if (needed > reservedEnd) {
                long end = needed + ID_RESERVATION;
                try (StashWrite write = db.newWrite()) {
                    write.put(Family.DEFAULT, StashKeys.IDS_RESERVED, StashKeys.longValue(end));
                    db.write("reserve batch ids up to " + end, write, true);
                }
                reservedEnd = end;
            }
            return queue.reserve(batches, byteSizes, now);
        }
    }

    /** Notes the reservation found on disk when the stash opens (ids start past it, see {@link Recovery}). */
    void reservedUpTo(long end) {
        synchronized (reservationLock) {
            reservedEnd = end;
        }
    }

    /** Puts the batch's records in blocks ({@link RecordBlock}), each under the index of its first record. */
    private static BatchMetadata putBatch(StashWrite write, RecordBlock.Writer blocks, long batchId, NewBatch batch,
                                          long bytes, long now) {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        int index = 0;
        for (EncodedRecord record : batch.records()) {
            blocks.add(record.bytes());
            index++;
            if (blocks.full() || index == batch.records().size()) {
                write.put(Family.DATA, StashKeys.record(batchId, index - blocks.count()), blocks.finish());
            }
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
        BatchMetadata metadata = BatchMetadata.pending(batchId, batch.group(), batch.records().size(), bytes, now, offsets,
            batch.requeued());
        write.put(Family.META, StashKeys.batch(batchId), StashJson.write(metadata));
        return metadata;
    }

    /**
     * The metadata of the batches being claimed, in the order of {@code ids}, marked LOADED at {@code now}:
     * remembered, or read from the stash. A batch whose metadata is missing is skipped; damaged metadata is set
     * aside and skipped.
     */
    public List<BatchMetadata> claim(List<Long> ids, long now) {
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
            List<byte[]> values = metadata(ids, unknown, keys);
            for (int k = 0; k < unknown.size(); k++) {
                long batchId = ids.get(unknown.get(k));
                byte[] bytes = values.get(k);
                if (bytes == UNREADABLE) {
                    found[unknown.get(k)] = rebuilt(batchId, null, "its metadata entry cannot be read");
                    continue;
                }
                if (bytes == null) {
                    log.warn("Stash {}: batch {} was queued but has no metadata; skipping it", db.path(), batchId);
                    undelivered.remove(List.of(batchId));
                    continue;
                }
                try {
                    found[unknown.get(k)] = StashJson.readMetadata(batchId, bytes);
                } catch (CorruptEntryException e) {
                    found[unknown.get(k)] = rebuilt(batchId, bytes, e.getMessage());
                }
            }
        }
        List<BatchMetadata> claimed = new ArrayList<>(ids.size());
        for (BatchMetadata batch : found) {
            if (batch != null) {
                claimed.add(batch.loaded(now));
            }
        }
        for (BatchMetadata batch : claimed) {
            marks.claimed(batch);
        }
        return claimed;
    }

    /**
     * The metadata entries of the batches at {@code unknown} in {@code ids}, read together. RocksDB's multi-get answers
     * null for an entry it cannot read: those, and all of them when the read fails on damage, are read one by one
     * ({@link #readOne}).
     */
    private List<byte[]> metadata(List<Long> ids, List<Integer> unknown, List<byte[]> keys) {
        List<byte[]> values;
        try {
            values = new ArrayList<>(db.multiGet("claim batches " + ids, Family.META, keys));
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            values = new ArrayList<>(java.util.Collections.nCopies(keys.size(), (byte[]) null));
        }
        for (int k = 0; k < keys.size(); k++) {
            if (values.get(k) == null) {
                values.set(k, readOne(ids.get(unknown.get(k)), keys.get(k)));
            }
        }
        return values;
    }

    /**
     * One metadata entry: null when there is none; {@link #UNREADABLE} when it is in a block of RocksDB's files whose
     * checksum fails (never parsed: the batch is rebuilt from its records).
     */
    private byte[] readOne(long batchId, byte[] key) {
        try {
            return db.get("claim batch " + batchId, Family.META, key);
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            return UNREADABLE;
        }
    }

    /** The batch rebuilt from its records after its metadata proved damaged; null when none of it survives. */
    private BatchMetadata rebuilt(long batchId, byte[] damaged, String reason) {
        undelivered.remove(List.of(batchId));
        BatchMetadata rebuilt = MetadataRebuild.rebuild(db, setAside, clock, undelivered, batchId, damaged, reason);
        if (rebuilt != null) {
            undelivered.add(rebuilt);
        }
        return rebuilt;
    }

    /** Remembers batches a drainer handed back, so that the next claim need not read their metadata. */
    public void handedBack(List<BatchMetadata> batches) {
        for (BatchMetadata batch : batches) {
            marks.pending(batch);
        }
    }

    /**
     * Deletes acknowledged batches (data and metadata, by ranges of consecutive ids) in one write, with the LOADED
     * marks that are due. Call it now and then with no ids too, so that the marks of batches Kafka is slow to
     * acknowledge reach the disk.
     *
     * @param acknowledged ids in increasing order
     */
    public void delete(List<Long> acknowledged) {
        List<BatchMetadata> dueMarks = marks.takeDue(acknowledged, clock.millis());
        if (acknowledged.isEmpty() && dueMarks.isEmpty()) {
            return;
        }
        synchronized (drained) {
            List<long[]> waiting = new ArrayList<>();
            try (StashWrite write = db.newWrite()) {
                int start = 0;
                for (int i = 1; i <= acknowledged.size(); i++) {
                    if (i == acknowledged.size() || acknowledged.get(i) != acknowledged.get(i - 1) + 1) {
                        deleteBatches(write, acknowledged.get(start), acknowledged.get(i - 1), waiting);
                        start = i;
                    }
                }
                if (!acknowledged.isEmpty()) {
                    // Keeps the stored next id past every deleted batch, so ids are never reused after a restart.
                    write.put(Family.DEFAULT, StashKeys.NEXT_BATCH_ID, StashKeys.longValue(queue.nextBatchId()));
                }
                putMarks(write, dueMarks);
                db.write("delete acknowledged batches " + acknowledged, write, false);
            }
            drained.held(waiting);
        }
        undelivered.remove(acknowledged);
    }

    /** Deletes the metadata of batches {@code first} to {@code last} and their records, now or at the next reclaim. */
    private void deleteBatches(StashWrite write, long first, long last, List<long[]> waiting) {
        long[] range = drained.addTo(write, first, last);
        if (range != null) {
            waiting.add(range);
        }
        if (first == last) {
            write.delete(Family.META, StashKeys.batch(first));
        } else {
            write.deleteRange(Family.META, StashKeys.batch(first), StashKeys.batch(last + 1));
        }
    }

    /** Not synced: a mark lost in a crash leaves a batch PENDING, which is delivered alike. */
    private static void putMarks(StashWrite write, List<BatchMetadata> marked) {
        for (BatchMetadata batch : marked) {
            write.put(Family.META, StashKeys.batch(batch.id()), StashJson.write(batch));
        }
    }

    /**
     * The last writes of a clean close: every LOADED mark not written yet, and the id reservation shrunk to the next
     * id, so that the next open continues where this one stopped (after a crash it starts past the reservation).
     */
    public void writeOnClose() {
        List<BatchMetadata> remaining = marks.takeAll();
        try (StashWrite write = db.newWrite()) {
            putMarks(write, remaining);
            write.put(Family.DEFAULT, StashKeys.IDS_RESERVED, StashKeys.longValue(queue.nextBatchId()));
            db.write("record " + remaining.size() + " batches as LOADED and the next batch id", write, true);
        } catch (RuntimeException e) {
            log.warn("Stash {}: could not record {} batches as LOADED on close; they show as PENDING and are delivered "
                + "again all the same", db.path(), remaining.size(), e);
        }
    }
}
