package io.durastash.stash.internals;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashRecord;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is stored of one batch's records, read whole: each record decoded, or with why it does not pass, and the
 * stretches that cannot be read at all stepped over. For rebuilding or salvaging a damaged batch; not for the drain.
 */
public final class SurvivingRecords {
    /** How far past the last readable record unreadable ones are stepped over when the record count is unknown. */
    public static final int UNKNOWN_COUNT_REACH = 100_000;

    /**
     * One stored record, or one stretch that cannot be read.
     *
     * @param index   the record's index; for an unreadable stretch, its first
     * @param bytes   the stored bytes; null for an unreadable stretch
     * @param record  the decoded record; null when it is damaged
     * @param damage  why it is damaged; null when it passes
     * @param through the last index this covers (index itself, but for an unreadable stretch)
     */
    public record Stored(int index, byte[] bytes, StashRecord record, String damage, int through) {
        public boolean unreadable() {
            return bytes == null;
        }
    }

    private SurvivingRecords() {
    }

    /** The input offsets the records that pass hold, per partition in the order met. */
    public static List<OffsetRange> offsets(List<Stored> stored) {
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (Stored s : stored) {
            if (s.record() != null) {
                long offset = s.record().offset();
                ranges.merge(new TopicPartition(s.record().topic(), s.record().partition()), new long[] {offset, offset},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        List<OffsetRange> offsets = new ArrayList<>();
        ranges.forEach((tp, r) -> offsets.add(new OffsetRange(tp.topic(), tp.partition(), r[0], r[1])));
        return offsets;
    }

    /** @param endIndex the batch's record count, or {@link #UNKNOWN_COUNT_REACH}: where stepping over damage stops */
    public static List<Stored> read(StashDb db, long batchId, int endIndex) {
        RecordCodec codec = new RecordCodec();
        List<Stored> stored = new ArrayList<>();
        try (RecordReadAhead<Stored> records = new RecordReadAhead<>(db, batchId, 0, endIndex) {
            @Override
            protected Stored read(int index, byte[] entry, int from, int to, boolean checked) {
                byte[] value = Arrays.copyOfRange(entry, from, to);
                try {
                    return new Stored(index, value, codec.decode(value, 0, value.length, checked), null, index);
                } catch (CorruptEntryException e) {
                    return new Stored(index, value, null, e.getMessage(), index);
                }
            }

            @Override
            protected Stored unreadable(int fromIndex, int toIndex, String why) {
                return new Stored(fromIndex, null, null, why, toIndex - 1);
            }
        }) {
            records.forEachRemaining(stored::add);
        }
        return stored;
    }
}
