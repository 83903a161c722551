package io.durastash.stash.internals;

import io.durastash.stash.BatchMetadata;
import io.durastash.stash.BatchRecord;
import io.durastash.stash.OffsetRange;
import io.durastash.stash.StashRecord;
import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams one batch's records for delivery: damaged records are set aside and skipped, with the input offsets to fetch
 * again: of each partition of the batch, from the first record this cursor has not read (a batch's records of a
 * partition are in offset order). A reader whose stash closed under it throws instead of reading as the end of the
 * batch. Not thread-safe.
 */
public final class RecordCursor extends RecordReadAhead<BatchRecord> {
    private final BatchMetadata batch;
    private final RecordCodec codec;
    private final SetAside setAside;
    /** The last offset read per partition; null when reading started mid-batch (what came before is not known). */
    private final Map<TopicPartition, Long> lastRead;

    public RecordCursor(StashDb db, BatchMetadata batch, int fromIndex, RecordCodec codec, SetAside setAside) {
        super(db, batch.id(), fromIndex, batch.recordCount());
        this.batch = batch;
        this.codec = codec;
        this.setAside = setAside;
        this.lastRead = fromIndex == 0 ? new HashMap<>() : null;
    }

    @Override
    protected BatchRecord read(int index, byte[] entry, int from, int to, boolean checked) {
        StashRecord record;
        try {
            record = codec.decode(entry, from, to, checked);
        } catch (CorruptEntryException e) {
            setAside.record(batch, index, Arrays.copyOfRange(entry, from, to), e.getMessage(), unread());
            return null;
        }
        if (lastRead != null) {
            lastRead.put(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
        return new BatchRecord(batchId(), index, record);
    }

    @Override
    protected BatchRecord unreadable(int fromIndex, int toIndex, String reason) {
        setAside.unreadable(batch, fromIndex, toIndex, reason, unread());
        return null;
    }

    /** The input offsets of the batch past what this cursor read: where the damaged records may be, and after. */
    private List<OffsetRange> unread() {
        if (lastRead == null) {
            return batch.offsets();
        }
        List<OffsetRange> unread = new ArrayList<>();
        for (OffsetRange range : batch.offsets()) {
            Long last = lastRead.get(new TopicPartition(range.topic(), range.partition()));
            long first = last == null ? range.first() : Math.max(range.first(), last + 1);
            if (first <= range.last()) {
                unread.add(new OffsetRange(range.topic(), range.partition(), first, range.last()));
            }
        }
        return unread;
    }
}
