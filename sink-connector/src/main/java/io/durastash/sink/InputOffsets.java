package io.durastash.sink;

import io.durastash.connect.StashInput;
import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The input offsets of the partitions one sink task owns: the run its records belong to and the last offset stashed in
 * it (records up to it are redeliveries, not stashed twice), the committed offset it was assigned at (everything below
 * it is delivered, and committed offsets never go below it), and the offsets this task may commit by its
 * {@link CommitMode}. Not thread-safe: one per task.
 */
public final class InputOffsets {
    /** The metadata of every offset a DuraStash sink commits: an offset without it was set by another client. */
    public static final String COMMIT_METADATA = StashInput.COMMIT_METADATA;

    /**
     * Where this stash takes up a partition just assigned to it ({@link Takeover}): the first batch of its run, the
     * committed offset (-1 when unknown) and the last offset stashed in the run, null when the run is new.
     */
    public record Run(long runStart, long floor, Long lastStashed) {
    }

    /** What the drainer side knows of a partition's deliveries: in flight, handed out, and still held in the stash. */
    public interface Deliveries {
        /** The lowest offset of the partition handed to Kafka and not acknowledged yet. */
        OptionalLong firstInFlight(TopicPartition partition);

        /** The offset after the last record of the partition handed to Kafka in its current run; -1 when none was. */
        long nextToEmit(TopicPartition partition);

        /** The lowest offset from {@code from} on the stash holds undelivered in batches from {@code runStart} on. */
        OptionalLong firstHeld(TopicPartition partition, long from, long runStart);
    }

    private static final class Partition {
        final long runStart;
        Long lastStashed;
        /** The offset after the last record handled or skipped since assignment; -1 until one is. */
        long next = -1;
        final RefetchPlan refetch = new RefetchPlan();
        /** The committed offset when the partition was assigned; -1 until it is known. */
        long floor;
        boolean arrived;
        long offered = -1;

        Partition(Run run) {
            this.runStart = run.runStart();
            this.lastStashed = run.lastStashed();
            this.floor = run.floor();
        }
    }

    private final CommitMode mode;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    public InputOffsets(CommitMode mode) {
        this.mode = mode;
    }

    public CommitMode mode() {
        return mode;
    }

    /** Starts tracking a newly assigned partition where {@code run} says. */
    public void open(TopicPartition partition, Run run) {
        partitions.put(partition, new Partition(run));
    }

    public void close(Collection<TopicPartition> revoked) {
        for (TopicPartition partition : revoked) {
            partitions.remove(partition);
        }
    }

    /** Of {@code seen}, the partitions not opened yet. */
    public Set<TopicPartition> unopened(Collection<TopicPartition> seen) {
        Set<TopicPartition> missing = new HashSet<>();
        for (TopicPartition partition : seen) {
            if (!partitions.containsKey(partition)) {
                missing.add(partition);
            }
        }
        return missing;
    }

    /**
     * Notes the first record of {@code partition} in a run of a poll: at the first one after assignment this is where
     * the partition stands when its committed offset was not known.
     */
    public void arrived(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        p.refetch.arrivedFirst(offset, !p.arrived, mode != CommitMode.STASHED);
        if (!p.arrived && p.floor < 0) {
            p.floor = offset;
        }
        p.arrived = true;
    }

    /** The last offset stashed from {@code partition} in its run, or null when none is: records up to it are redeliveries. */
    public Long lastStashed(TopicPartition partition) {
        Partition p = partitions.get(partition);
        return p == null ? null : p.lastStashed;
    }

    /** The first batch id of {@code partition}'s run. */
    public long runStart(TopicPartition partition) {
        return partitions.get(partition).runStart;
    }

    /** Notes a redelivery of {@code partition} at {@code offset} left out as stashed already: the consumer is past it. */
    public void skipped(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        p.next = Math.max(p.next, offset + 1);
    }

    /** Records what a successful append made durable: the highest offset handled per partition. */
    public void advance(Map<TopicPartition, Long> handled) {
        for (Map.Entry<TopicPartition, Long> e : handled.entrySet()) {
            Partition p = partitions.get(e.getKey());
            p.lastStashed = p.lastStashed == null ? e.getValue() : Math.max(p.lastStashed, e.getValue());
            p.next = Math.max(p.next, e.getValue() + 1);
            p.refetch.stashedUpTo(e.getValue());
        }
    }

    /** Whether this task owns {@code partition} (it was opened and not closed). */
    public boolean tracks(TopicPartition partition) {
        return partitions.containsKey(partition);
    }

    /**
     * Takes the ranges of {@code partition} the stash lost to damage, to follow them until they are stashed again.
     * When the stash starts stashing the partition again from {@code restashFrom} (its records from there on are not
     * delivered from earlier batches), records from there on are no redeliveries any more; returns where to send the
     * consumer back to when it is past that offset, or (commits on stashing) when it would start at a commit past it.
     */
    public OptionalLong refetch(TopicPartition partition, List<OffsetRange> ranges, OptionalLong restashFrom) {
        Partition p = partitions.get(partition);
        p.refetch.plan(ranges, p.floor, mode != CommitMode.STASHED);
        if (restashFrom.isEmpty()) {
            return OptionalLong.empty();
        }
        long from = restashFrom.getAsLong();
        if (p.lastStashed != null && p.lastStashed >= from) {
            p.lastStashed = from - 1;
        }
        if (mode == CommitMode.STASHED) {
            // What was committed past it is stashed again; a crash meanwhile must find the consumer's commit before it.
            p.floor = Math.min(p.floor, from);
            p.offered = Math.min(p.offered, from);
        }
        if (p.next <= from && (p.next >= 0 || mode != CommitMode.STASHED)) {
            return OptionalLong.empty(); // the consumer gets there on its own
        }
        p.next = from;
        p.refetch.sentBack();
        return OptionalLong.of(from);
    }

    /** The stash's ranges that need fetching no more, since the last call, over every partition. */
    public List<OffsetRange> takeRefetched() {
        List<OffsetRange> done = new ArrayList<>();
        partitions.values().forEach(p -> done.addAll(p.refetch.takeDone()));
        return done;
    }

    /** Offsets lost to damage that will not arrive again, since the last call, over every partition. */
    public List<OffsetRange> takeLost() {
        List<OffsetRange> lost = new ArrayList<>();
        partitions.values().forEach(p -> lost.addAll(p.refetch.takeLost()));
        return lost;
    }

    /**
     * The offsets this task may commit, per partition of {@code current} (the consumer's positions after the records
     * put so far). In {@link CommitMode#DELIVERED} mode: the first offset not yet delivered — in flight, or still held
     * in the stash and not handed out yet — or the position when there is none; in {@link CommitMode#STASHED} mode, the
     * one after the last stashed record (partitions with nothing stashed are left out); none in
     * {@link CommitMode#TRANSACTIONAL} mode, whose offsets the deliveries commit. Never past the position, never below
     * the committed offset the partition was assigned at, never below what was returned before: committed offsets do
     * not move backwards.
     */
    public Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current,
                                                               Deliveries deliveries) {
        Map<TopicPartition, OffsetAndMetadata> committable = new LinkedHashMap<>();
        if (mode == CommitMode.TRANSACTIONAL) {
            return committable;
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            Partition p = partitions.get(e.getKey());
            if (p == null || e.getValue() == null) {
                continue;
            }
            long position = e.getValue().offset();
            if (p.floor < 0) {
                p.floor = position; // nothing arrived since the assignment: this is where it stands
            }
            long offset;
            if (mode == CommitMode.DELIVERED) {
                offset = Math.min(position, firstUndelivered(e.getKey(), p, deliveries).orElse(position));
            } else if (p.lastStashed != null) {
                offset = Math.min(p.lastStashed + 1, position);
            } else {
                continue;
            }
            offset = Math.max(offset, Math.max(p.floor, p.offered));
            p.offered = offset;
            committable.put(e.getKey(), new OffsetAndMetadata(offset, COMMIT_METADATA));
        }
        return committable;
    }

    private static OptionalLong firstUndelivered(TopicPartition partition, Partition p, Deliveries deliveries) {
        OptionalLong inFlight = deliveries.firstInFlight(partition);
        // Records of a run are handed out in offset order, except those fetched again after damage.
        long from = p.refetch.isEmpty() ? Math.max(p.floor, deliveries.nextToEmit(partition)) : p.floor;
        OptionalLong held = deliveries.firstHeld(partition, from, p.runStart);
        if (inFlight.isEmpty() || held.isEmpty()) {
            return inFlight.isPresent() ? inFlight : held;
        }
        return OptionalLong.of(Math.min(inFlight.getAsLong(), held.getAsLong()));
    }
}
