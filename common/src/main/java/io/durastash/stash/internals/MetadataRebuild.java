package io.durastash.stash.internals;

import io.durastash.stash.BatchMetadata;
import io.durastash.stash.OffsetRange;
import io.durastash.stash.StashRecord;
import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the metadata of a batch whose metadata entry is damaged (or unreadable) from the records of the batch that
 * survive, in place: same id, so it is delivered where it stood. The damaged entry goes to the quarantine with the
 * reason, records that fail their own checksum too; the batch keeps flowing. The group is what the damaged entry
 * still says, or empty.
 */
public final class MetadataRebuild {
    private static final Logger log = LoggerFactory.getLogger(MetadataRebuild.class);
    /** How far past the last readable record unreadable ones are stepped over when the record count is unknown. */
    private static final int UNKNOWN_COUNT_REACH = 100_000;

    private record Stored(int index, byte[] bytes, StashRecord record, String damage) {
    }

    private MetadataRebuild() {
    }

    /**
     * Rebuilds batch {@code batchId}; returns its new metadata, or null when no record of it survives (the batch is
     * then gone, its damaged entry quarantined).
     */
    public static BatchMetadata rebuild(StashDb db, SetAside setAside, Clock clock, long batchId, byte[] damagedEntry,
                                        String reason) {
        List<Stored> stored = read(db, batchId);
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        long bytes = 0;
        int count = 0;
        for (Stored s : stored) {
            count = Math.max(count, s.index() + 1);
            if (s.record() != null) {
                bytes += s.bytes().length;
                TopicPartition tp = new TopicPartition(s.record().topic(), s.record().partition());
                long offset = s.record().offset();
                ranges.merge(tp, new long[] {offset, offset}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        List<OffsetRange> offsets = new ArrayList<>();
        ranges.forEach((tp, r) -> offsets.add(new OffsetRange(tp.topic(), tp.partition(), r[0], r[1])));
        String group = damagedEntry == null ? null : StashJson.groupOf(damagedEntry);
        BatchMetadata rebuilt = count == 0 ? null
            : BatchMetadata.pending(batchId, group == null ? "" : group, count, bytes, clock.millis(), offsets);
        try (StashWrite write = db.newWrite()) {
            if (rebuilt == null) {
                write.delete(Family.META, StashKeys.batch(batchId));
            } else {
                write.put(Family.META, StashKeys.batch(batchId), StashJson.write(rebuilt));
            }
            db.write("rebuild the metadata of batch " + batchId, write, true);
        }
        setAside.metadata(batchId, damagedEntry, reason, offsets);
        for (Stored s : stored) {
            if (s.record() == null && s.bytes() != null) {
                setAside.record(rebuilt, s.index(), s.bytes(), s.damage());
            }
        }
        if (rebuilt != null) {
            log.error("Stash {}: the metadata of batch {} is damaged ({}); rebuilt it from the {} records that survive "
                + "({} of them damaged too), holding {}. The batch is delivered where it stood; the damaged entry is in "
                + "the quarantine column family.", db.path(), batchId, reason, count,
                stored.stream().filter(s -> s.record() == null).count(), offsets);
        }
        return rebuilt;
    }

    /** Every record stored for the batch, decoded or with why not, stepping over what cannot be read. */
    private static List<Stored> read(StashDb db, long batchId) {
        RecordCodec codec = new RecordCodec();
        List<Stored> stored = new ArrayList<>();
        try (RecordReadAhead<Stored> records = new RecordReadAhead<>(db, batchId, 0, UNKNOWN_COUNT_REACH) {
            @Override
            protected Stored read(int index, byte[] value) {
                try {
                    return new Stored(index, value, codec.decode(value), null);
                } catch (CorruptEntryException e) {
                    return new Stored(index, value, null, e.getMessage());
                }
            }

            @Override
            protected Stored unreadable(int fromIndex, int toIndex, String why) {
                return null; // nothing to rebuild from
            }
        }) {
            records.forEachRemaining(stored::add);
        }
        return stored;
    }
}
