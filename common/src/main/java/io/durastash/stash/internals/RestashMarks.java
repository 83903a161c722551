package io.durastash.stash.internals;

import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Where an input partition is stashed again after damage, so that its records still leave in offset order. When the
 * stash loses records of a partition from offset {@code from} on, its later records in the stash would otherwise be
 * delivered before the lost ones are fetched again. So a <em>mark</em> supersedes every record of the partition at or
 * after {@code from} in batches before {@code before}: the sink fetches them all again from {@code from}, into batches
 * from {@code before} on. A mark is <em>open</em> ({@code before} unknown, every batch) from the moment the damage is
 * set aside until the sink starts stashing the partition again ({@link #closeTo}). Kept in {@code default}, in the write
 * that sets the damage aside; thread-safe, and cheap to ask: a snapshot is read without a lock.
 */
public final class RestashMarks {
    private static final String PREFIX = "restash\u0000";
    private static final long OPEN = Long.MAX_VALUE;
    private static final TreeMap<Long, Long> NONE = new TreeMap<>();

    private final StashDb db;
    /** Per partition: from offset to the first batch not superseded ({@link #OPEN} while open). Replaced, not changed. */
    private volatile Map<TopicPartition, TreeMap<Long, Long>> marks = Map.of();
    /** No mark supersedes a record of this batch or a later one. */
    private volatile long coversBelow;

    RestashMarks(StashDb db) {
        this.db = db;
    }

    private static byte[] key(TopicPartition tp, long from) {
        return (PREFIX + tp.topic() + "\u0000" + tp.partition() + "\u0000" + from).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the marks kept on disk; when the stash opens. */
    synchronized void load() {
        byte[] prefix = PREFIX.getBytes(StandardCharsets.UTF_8);
        Map<TopicPartition, TreeMap<Long, Long>> found = new HashMap<>();
        try (FamilyCursor cursor = db.cursor(Family.DEFAULT, prefix, StashKeys.prefixEnd(prefix), true, 0)) {
            cursor.forEachRemaining((key, value) -> {
                String[] parts = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8)
                    .split("\u0000");
                found.computeIfAbsent(new TopicPartition(parts[0], Integer.parseInt(parts[1])), p -> new TreeMap<>())
                    .put(Long.parseLong(parts[2]), StashKeys.longValue(value));
            });
        }
        publish(found);
    }

    /**
     * Adds to {@code write} an open mark for each partition of {@code lost}, from its first lost offset (an open mark
     * the partition has already moves down to it); call {@link #opened} once written.
     */
    synchronized void openTo(StashWrite write, List<OffsetRange> lost) {
        opening(lost).forEach((partition, from) -> {
            openFrom(marks.getOrDefault(partition, NONE))
                .ifPresent(moved -> write.delete(Family.DEFAULT, key(partition, moved)));
            write.put(Family.DEFAULT, key(partition, from), StashKeys.longValue(OPEN));
        });
    }

    /** Opens the marks of {@link #openTo} in memory, once their write is durable. */
    synchronized void opened(List<OffsetRange> lost) {
        Map<TopicPartition, TreeMap<Long, Long>> next = copy();
        opening(lost).forEach((partition, from) -> {
            TreeMap<Long, Long> of = next.computeIfAbsent(partition, p -> new TreeMap<>());
            openFrom(of).ifPresent(of::remove);
            of.merge(from, OPEN, Math::max);
        });
        publish(next);
    }

    /** The partitions of {@code lost} whose open mark starts, or moves down to, their first lost offset; with it. */
    private Map<TopicPartition, Long> opening(List<OffsetRange> lost) {
        Map<TopicPartition, Long> opening = new HashMap<>();
        firstOffsets(lost).forEach((partition, from) -> {
            OptionalLong open = openFrom(marks.getOrDefault(partition, NONE));
            if (open.isEmpty() || open.getAsLong() > from) {
                opening.put(partition, from);
            }
        });
        return opening;
    }

    /**
     * Closes the open mark of {@code partition}, if any, at {@code firstBatch}: the partition is stashed again from its
     * offset into batches from {@code firstBatch} on. Adds the change to {@code write}; returns the mark's offset, from
     * which the partition is to be stashed again. Call {@link #closed} once written.
     */
    synchronized OptionalLong closeTo(StashWrite write, TopicPartition partition, long firstBatch) {
        OptionalLong open = openFrom(marks.getOrDefault(partition, NONE));
        open.ifPresent(from -> write.put(Family.DEFAULT, key(partition, from), StashKeys.longValue(firstBatch)));
        return open;
    }

    synchronized void closed(TopicPartition partition, long from, long firstBatch) {
        Map<TopicPartition, TreeMap<Long, Long>> next = copy();
        next.computeIfAbsent(partition, p -> new TreeMap<>()).put(from, firstBatch);
        publish(next);
    }

    /** Whether {@code record} is to be stashed again, so not to be delivered from where it is. */
    public boolean supersedes(BatchRecord record) {
        long batchId = record.batchId();
        if (batchId >= coversBelow) {
            return false;
        }
        StashRecord r = record.record();
        TreeMap<Long, Long> of = marks.get(new TopicPartition(r.topic(), r.partition()));
        long offset = r.offset();
        if (of == null) {
            return false;
        }
        for (Map.Entry<Long, Long> mark : of.headMap(offset, true).entrySet()) {
            if (batchId < mark.getValue()) {
                return true;
            }
        }
        return false;
    }

    private static OptionalLong openFrom(TreeMap<Long, Long> of) {
        for (Map.Entry<Long, Long> mark : of.entrySet()) {
            if (mark.getValue() == OPEN) {
                return OptionalLong.of(mark.getKey());
            }
        }
        return OptionalLong.empty();
    }

    private static Map<TopicPartition, Long> firstOffsets(List<OffsetRange> lost) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (OffsetRange range : lost) {
            first.merge(new TopicPartition(range.topic(), range.partition()), range.first(), Math::min);
        }
        return first;
    }

    private Map<TopicPartition, TreeMap<Long, Long>> copy() {
        Map<TopicPartition, TreeMap<Long, Long>> copy = new HashMap<>();
        marks.forEach((partition, of) -> copy.put(partition, new TreeMap<>(of)));
        return copy;
    }

    private void publish(Map<TopicPartition, TreeMap<Long, Long>> next) {
        long below = 0;
        for (TreeMap<Long, Long> of : next.values()) {
            for (long before : of.values()) {
                below = Math.max(below, before);
            }
        }
        if (below > coversBelow) {
            coversBelow = below; // first, so that no reader skips the new marks
            marks = next;
        } else {
            marks = next;
            coversBelow = below;
        }
    }
}
