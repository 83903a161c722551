package io.durastash.stash.internals;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    /**
     * Per input range of the batch ({@link BatchMetadata#offsets()}, one per partition), the last offset read, -1 while
     * none is; null when reading started mid-batch (what came before is not known). Kept without allocating: it is
     * updated for every record delivered.
     */
    private final long[] lastRead;
    /** The range of the last record read: a batch's records of a partition mostly come one after another. */
    private int lastRange;

    public RecordCursor(StashDb db, BatchMetadata batch, int fromIndex, RecordCodec codec, SetAside setAside) {
        super(db, batch.id(), fromIndex, batch.recordCount());
        this.batch = batch;
        this.codec = codec;
        this.setAside = setAside;
        if (fromIndex == 0) {
            lastRead = new long[batch.offsets().size()];
            Arrays.fill(lastRead, -1);
        } else {
            lastRead = null;
        }
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
            int range = rangeOf(record);
            if (range >= 0) {
                lastRead[range] = record.offset();
            }
        }
        return new BatchRecord(batchId(), index, record, to - from);
    }

    /** The index of {@code record}'s partition among the batch's input ranges; -1 when it has none. */
    private int rangeOf(StashRecord record) {
        List<OffsetRange> ranges = batch.offsets();
        for (int i = 0; i < ranges.size(); i++) {
            int candidate = (lastRange + i) % ranges.size();
            OffsetRange range = ranges.get(candidate);
            if (range.partition() == record.partition() && range.topic().equals(record.topic())) {
                lastRange = candidate;
                return candidate;
            }
        }
        return -1;
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
        List<OffsetRange> ranges = batch.offsets();
        for (int i = 0; i < ranges.size(); i++) {
            OffsetRange range = ranges.get(i);
            long first = Math.max(range.first(), lastRead[i] + 1);
            if (first <= range.last()) {
                unread.add(new OffsetRange(range.topic(), range.partition(), first, range.last()));
            }
        }
        return unread;
    }
}
