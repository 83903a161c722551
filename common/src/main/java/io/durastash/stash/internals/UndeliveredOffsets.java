package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Which input offsets the stash still holds undelivered: per input partition, the offset range of every live batch
 * (pending or claimed, not yet acknowledged), kept in memory from the batches' metadata so that the sink's delivered
 * watermark costs no scan; and the ranges lost to damage that are to be fetched again ({@link RefetchRanges}). Its
 * monitor is a leaf lock. Thread-safe.
 */
public final class UndeliveredOffsets {
    /** One partition's live ranges by batch id, and a count of their first offsets to find the lowest at once. */
    private static final class Ranges {
        final TreeMap<Long, long[]> byBatch = new TreeMap<>();
        final TreeMap<Long, Integer> firstOffsets = new TreeMap<>();

        void add(long batchId, long first, long last) {
            byBatch.put(batchId, new long[] {first, last});
            firstOffsets.merge(first, 1, Integer::sum);
        }

        void remove(long batchId) {
            long[] range = byBatch.remove(batchId);
            if (range != null) {
                firstOffsets.computeIfPresent(range[0], (first, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private final Map<TopicPartition, Ranges> partitions = new HashMap<>();
    /** Ranges to fetch again after damage, per partition: first offset → last. */
    private final Map<TopicPartition, TreeMap<Long, Long>> holds = new HashMap<>();
    private final Map<Long, List<TopicPartition>> partitionsOfBatch = new HashMap<>();

    /** Notes a live batch: appended, or found on disk when the stash opens. */
    public synchronized void add(BatchMetadata batch) {
        List<OffsetRange> offsets = batch.offsets();
        TopicPartition[] held = new TopicPartition[offsets.size()];
        for (int i = 0; i < held.length; i++) {
            OffsetRange range = offsets.get(i);
            held[i] = new TopicPartition(range.topic(), range.partition());
            partitions.computeIfAbsent(held[i], tp -> new Ranges()).add(batch.id(), range.first(), range.last());
        }
        partitionsOfBatch.put(batch.id(), List.of(held));
    }

    /** Forgets batches that are delivered (acknowledged and deleted) or no longer in the stash. */
    public synchronized void remove(Collection<Long> batchIds) {
        for (long batchId : batchIds) {
            List<TopicPartition> held = partitionsOfBatch.remove(batchId);
            if (held == null) {
                continue;
            }
            for (TopicPartition tp : held) {
                Ranges ranges = partitions.get(tp);
                ranges.remove(batchId);
                if (ranges.byBatch.isEmpty()) {
                    partitions.remove(tp);
                }
            }
        }
    }

    /**
     * The lowest offset of {@code partition}, at {@code from} or later, that a live batch may hold: every offset
     * below it from {@code from} on is delivered or was never stashed here. Empty when the stash holds nothing
     * undelivered of the partition from {@code from} on.
     */
    public synchronized OptionalLong firstAtOrAfter(TopicPartition partition, long from) {
        return firstAtOrAfter(partition, from, 0);
    }

    /**
     * As {@link #firstAtOrAfter(TopicPartition, long)}, counting only batches from {@code fromBatch} on (the
     * partition's current run; records of earlier batches are not delivered from this stash).
     */
    public synchronized OptionalLong firstAtOrAfter(TopicPartition partition, long from, long fromBatch) {
        OptionalLong live = liveAtOrAfter(partition, from, fromBatch);
        OptionalLong held = heldAtOrAfter(partition, from);
        if (live.isEmpty() || held.isEmpty()) {
            return live.isPresent() ? live : held;
        }
        return OptionalLong.of(Math.min(live.getAsLong(), held.getAsLong()));
    }

    private OptionalLong heldAtOrAfter(TopicPartition partition, long from) {
        TreeMap<Long, Long> held = holds.get(partition);
        if (held == null) {
            return OptionalLong.empty();
        }
        long lowest = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> range : held.entrySet()) {
            if (range.getValue() >= from) {
                lowest = Math.min(lowest, Math.max(range.getKey(), from));
            }
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    /** The last offset of {@code partition} in the nearest live batch before {@code batchId}; empty when none has it. */
    public synchronized OptionalLong lastBefore(TopicPartition partition, long batchId) {
        Ranges ranges = partitions.get(partition);
        Map.Entry<Long, long[]> before = ranges == null ? null : ranges.byBatch.lowerEntry(batchId);
        return before == null ? OptionalLong.empty() : OptionalLong.of(before.getValue()[1]);
    }

    /** Holds the watermark below a range whose records were lost to damage, until they are stashed again. */
    synchronized void hold(TopicPartition partition, long first, long last) {
        holds.computeIfAbsent(partition, p -> new TreeMap<>()).merge(first, last, Math::max);
    }

    synchronized void release(TopicPartition partition, long first) {
        TreeMap<Long, Long> held = holds.get(partition);
        if (held != null && held.remove(first) != null && held.isEmpty()) {
            holds.remove(partition);
        }
    }

    private OptionalLong liveAtOrAfter(TopicPartition partition, long from, long fromBatch) {
        Ranges ranges = partitions.get(partition);
        if (ranges == null) {
            return OptionalLong.empty();
        }
        boolean wholeRun = fromBatch <= ranges.byBatch.firstKey();
        long lowestFirst = ranges.firstOffsets.firstKey();
        if (wholeRun && from <= lowestFirst) {
            return OptionalLong.of(lowestFirst);
        }
        // Records below `from`, or of an earlier run, are held too: look at each range.
        long lowest = Long.MAX_VALUE;
        for (long[] range : ranges.byBatch.tailMap(fromBatch, true).values()) {
            if (range[1] >= from) {
                lowest = Math.min(lowest, Math.max(range[0], from));
            }
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }
}
