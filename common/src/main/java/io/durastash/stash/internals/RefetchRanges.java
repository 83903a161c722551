package io.durastash.stash.internals;

import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The input offsets whose records the stash lost to damage and that a sink should fetch again from the input topic:
 * per partition, the offset ranges of the damaged batches. Kept in {@code default} (so that they survive restarts)
 * and held in {@link UndeliveredOffsets}, so that the delivered watermark never passes them before they are stashed
 * again. Thread-safe.
 */
public final class RefetchRanges {
    private static final String PREFIX = "refetch\u0000";

    private final StashDb db;
    private final UndeliveredOffsets undelivered;
    private final RestashMarks restashes;
    private final Map<TopicPartition, TreeMap<Long, Long>> ranges = new HashMap<>();
    /** One counter for every instance, so that a stash reopened on a new engine never repeats a version. */
    private static final AtomicLong CHANGES = new AtomicLong();
    private volatile long version = CHANGES.incrementAndGet();

    public RefetchRanges(StashDb db, UndeliveredOffsets undelivered) {
        this.db = db;
        this.undelivered = undelivered;
        this.restashes = new RestashMarks(db);
    }

    /** Where partitions are stashed again from: every range added opens a mark from its first offset. */
    public RestashMarks restashes() {
        return restashes;
    }

    private static byte[] key(TopicPartition tp, long first) {
        return (PREFIX + tp.topic() + "\u0000" + tp.partition() + "\u0000" + first).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the ranges kept on disk; when the stash opens. */
    void load() {
        byte[] prefix = PREFIX.getBytes(StandardCharsets.UTF_8);
        List<OffsetRange> found = new ArrayList<>();
        try (FamilyCursor cursor = db.cursor(Family.DEFAULT, prefix, StashKeys.prefixEnd(prefix), true, 0)) {
            cursor.forEachRemaining((key, value) -> {
                String[] parts = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8)
                    .split("\u0000");
                found.add(new OffsetRange(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]),
                    StashKeys.longValue(value)));
            });
        }
        held(found);
        restashes.load();
    }

    /** Adds {@code damaged} to {@code write}, the write that sets the damage aside; call {@link #added} once written. */
    public void addTo(StashWrite write, List<OffsetRange> damaged) {
        for (OffsetRange range : damaged) {
            write.put(Family.DEFAULT, key(new TopicPartition(range.topic(), range.partition()), range.first()),
                StashKeys.longValue(range.last()));
        }
        restashes.openTo(write, damaged);
    }

    /** Takes up the ranges of {@link #addTo}, and opens their marks, once the write is durable. */
    public void added(List<OffsetRange> damaged) {
        if (damaged.isEmpty()) {
            return;
        }
        restashes.opened(damaged);
        held(damaged);
    }

    private void held(List<OffsetRange> damaged) {
        synchronized (this) {
            for (OffsetRange range : damaged) {
                TopicPartition tp = new TopicPartition(range.topic(), range.partition());
                ranges.computeIfAbsent(tp, p -> new TreeMap<>()).merge(range.first(), range.last(), Math::max);
                undelivered.hold(tp, range.first(), range.last());
            }
        }
        version = CHANGES.incrementAndGet();
    }

    /** The ranges of {@code partition} to fetch again, in offset order. */
    public synchronized List<OffsetRange> of(TopicPartition partition) {
        List<OffsetRange> of = new ArrayList<>();
        ranges.getOrDefault(partition, new TreeMap<>()).forEach((first, last) ->
            of.add(new OffsetRange(partition.topic(), partition.partition(), first, last)));
        return of;
    }

    /** Every range to fetch again, by partition and offset. */
    public synchronized List<OffsetRange> all() {
        List<OffsetRange> all = new ArrayList<>();
        ranges.keySet().forEach(partition -> all.addAll(of(partition)));
        return all;
    }

    /** Adds ranges to fetch again in a write of their own, synced. */
    public void add(List<OffsetRange> damaged) {
        if (damaged.isEmpty()) {
            return;
        }
        try (StashWrite write = db.newWrite()) {
            addTo(write, damaged);
            db.write("note records to fetch again", write, true);
        }
        added(damaged);
    }

    /**
     * Starts stashing {@code partition} again for {@code sink} from where the stash lost records of it, if it did since
     * the last call: closes the partition's open mark at the next batch, {@code firstBatch}, and sets what {@code sink}
     * stashed of it back to before the mark's offset (so that its redeliveries are stashed again), in one synced write.
     * Returns the mark's offset; empty when there is nothing to stash again.
     */
    public OptionalLong restash(SinkOffsetStore sinkOffsets, String sink, TopicPartition partition, long firstBatch) {
        try (StashWrite write = db.newWrite()) {
            OptionalLong from = restashes.closeTo(write, partition, firstBatch);
            if (from.isEmpty()) {
                return from;
            }
            Long stashed = sinkOffsets.read(sink).get(partition);
            if (stashed != null && stashed >= from.getAsLong()) {
                sinkOffsets.addTo(write, sink, Map.of(partition, from.getAsLong() - 1));
            }
            db.write("stash " + partition + " again from offset " + from.getAsLong(), write, true);
            restashes.closed(partition, from.getAsLong(), firstBatch);
            return from;
        }
    }

    /** Counts every change, so that a sink notices new ranges without asking for each partition. */
    public long version() {
        return version;
    }

    /** Forgets a range: its records are stashed again, or known lost. */
    public void done(OffsetRange range) {
        TopicPartition tp = new TopicPartition(range.topic(), range.partition());
        try (StashWrite write = db.newWrite()) {
            write.delete(Family.DEFAULT, key(tp, range.first()));
            db.write("forget the records to fetch again of " + tp, write, true);
        }
        synchronized (this) {
            TreeMap<Long, Long> of = ranges.get(tp);
            if (of != null && of.remove(range.first()) != null && of.isEmpty()) {
                ranges.remove(tp);
            }
            undelivered.release(tp, range.first());
        }
        version = CHANGES.incrementAndGet();
    }
}
