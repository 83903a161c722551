package io.durastash.stash.inspect;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordBlock;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.DrainQueue;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.FamilyCursor;
import io.durastash.stash.internals.SinkOffsetStore;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.QuarantinedEntry;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Read-only views of a stash for operators and the stash tool: batches as stored, one batch's records, and a check
 * of every entry. Damaged entries come back with the reason and stay where they are. Costs what it returns.
 */
public final class StashInspector {
    private final StashDb db;
    private final DrainQueue queue;
    private final Supplier<List<QuarantinedEntry>> quarantine;
    private final SinkOffsetStore sinkOffsets;

    /** @param quarantine reads every entry in the stash's quarantine */
    public StashInspector(StashDb db, DrainQueue queue, Supplier<List<QuarantinedEntry>> quarantine,
                          SinkOffsetStore sinkOffsets) {
        this.db = db;
        this.queue = queue;
        this.quarantine = quarantine;
        this.sinkOffsets = sinkOffsets;
    }

    /** The stashed offsets of every sink connector on the stash: connector name → partition → last stashed offset. */
    public Map<String, Map<TopicPartition, Long>> stashedOffsets() {
        return sinkOffsets.readAll();
    }

    /** The stored metadata of up to {@code limit} batches from id {@code fromId} on, in id order. */
    public List<InspectedBatch> batches(long fromId, int limit) {
        List<InspectedBatch> batches = new ArrayList<>(Math.min(limit, 1024));
        try (FamilyCursor cursor = db.cursor(Family.META, StashKeys.batch(Math.max(0, fromId)),
            StashKeys.batch(queue.nextBatchId()), false, 0)) {
            FamilyCursor.Visitor collect = (key, value) -> {
                if (key.length == 8) {
                    batches.add(inspected(StashKeys.batchId(key), value));
                }
            };
            int read;
            do {
                read = cursor.read(Math.min(1024, limit - batches.size()), Long.MAX_VALUE, collect);
            } while (read > 0 && batches.size() < limit);
        }
        return batches;
    }

    /** One batch's stored metadata; empty when there is no such batch. */
    public Optional<InspectedBatch> batch(long batchId) {
        byte[] bytes = db.get("read batch " + batchId, Family.META, StashKeys.batch(batchId));
        return bytes == null ? Optional.empty() : Optional.of(inspected(batchId, bytes));
    }

    static InspectedBatch inspected(long batchId, byte[] bytes) {
        try {
            return new InspectedBatch(batchId, StashJson.readMetadata(batchId, bytes), null, bytes.length);
        } catch (CorruptEntryException e) {
            return new InspectedBatch(batchId, null, e.getMessage(), bytes.length);
        }
    }

    /** Streams one batch's records from {@code fromIndex}, damaged ones with the reason. Close the scan when done. */
    public RecordScan scan(long batchId, int fromIndex, RecordCodec codec) {
        return new RecordScan(db, batchId, fromIndex, recordCount(batchId, fromIndex), codec);
    }

    /** The batch's record count from its metadata; without readable metadata, a bound on how far to step over damage. */
    private int recordCount(long batchId, int fromIndex) {
        Optional<InspectedBatch> batch = batch(batchId);
        return batch.filter(b -> !b.damaged()).map(b -> b.metadata().recordCount())
            .orElse(fromIndex + RecordBlock.MAX_RECORDS * 8);
    }

    /**
     * Checks every entry against its checksum without changing anything: RocksDB's file checksums, each batch's
     * metadata, each record, and the quarantine entries. Reads the whole stash once.
     *
     * @param maxListed how many damaged entries to list in the report (all are counted)
     */
    public VerifyReport verify(int maxListed) {
        return new StashVerifier(db, quarantine, maxListed).verify(queue.nextBatchId());
    }
}
