package io.durastash.stash.internals;

import io.durastash.stash.internals.SurvivingRecords.Stored;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rebuilds the metadata of a batch whose metadata entry is damaged (or unreadable) from the records of the batch that
 * survive, in place: same id, so it is delivered where it stood. The damaged entry goes to the quarantine with the
 * reason, records that fail their own checksum too; the batch keeps flowing. The group is what the damaged entry
 * still says, or empty.
 */
final class MetadataRebuild {
    private static final Logger log = LoggerFactory.getLogger(MetadataRebuild.class);

    private MetadataRebuild() {
    }

    /**
     * The ranges of a batch some of whose records cannot be read: those may hold offsets of any of its partitions below
     * the first that can be read, so each range starts right after its partition's range in the nearest batch before
     * it. Without such a batch the range starts at the first offset read, and the records below it may be lost.
     */
    private static List<OffsetRange> reachingBack(StashDb db, UndeliveredOffsets undelivered, long batchId,
                                                  List<OffsetRange> offsets) {
        List<OffsetRange> reaching = new ArrayList<>(offsets.size());
        for (OffsetRange range : offsets) {
            OptionalLong before = undelivered.lastBefore(new TopicPartition(range.topic(), range.partition()), batchId);
            if (before.isPresent() && before.getAsLong() + 1 < range.first()) {
                reaching.add(new OffsetRange(range.topic(), range.partition(), before.getAsLong() + 1, range.last()));
            } else {
                reaching.add(range);
                if (before.isEmpty()) {
                    log.error("Stash {}: batch {} has records that cannot be read, and no batch before it holds {}-{}: "
                        + "if those records were of that partition, their offsets below {} are not known and they are "
                        + "not fetched again", db.path(), batchId, range.topic(), range.partition(), range.first());
                }
            }
        }
        return reaching;
    }

    /**
     * Rebuilds batch {@code batchId}; returns its new metadata, or null when no record of it survives (the batch is
     * then gone, its damaged entry quarantined).
     */
    public static BatchMetadata rebuild(StashDb db, SetAside setAside, Clock clock, UndeliveredOffsets undelivered,
                                        long batchId, byte[] damagedEntry, String reason) {
        List<Stored> stored = SurvivingRecords.read(db, batchId, SurvivingRecords.UNKNOWN_COUNT_REACH);
        boolean offsetsUnknown = stored.stream().anyMatch(s -> s.record() == null);
        stored.removeIf(Stored::unreadable); // nothing to rebuild from
        long bytes = 0;
        int count = 0;
        for (Stored s : stored) {
            count = Math.max(count, s.index() + 1);
            bytes += s.record() != null ? s.bytes().length : 0;
        }
        List<OffsetRange> offsets = SurvivingRecords.offsets(stored);
        if (offsetsUnknown) {
            offsets = reachingBack(db, undelivered, batchId, offsets);
        }
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
                setAside.record(rebuilt, s.index(), s.bytes(), s.damage(), rebuilt.offsets());
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
}
