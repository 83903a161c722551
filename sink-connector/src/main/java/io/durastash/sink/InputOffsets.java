package io.durastash.sink;

import io.durastash.stash.OffsetRange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The input offsets of the partitions one sink task owns: the last offset stashed (records up to it are redeliveries,
 * not stashed twice), where the partition stood when it was assigned (committed offsets never go below it), and the
 * offsets this task lets Connect commit, by its {@link CommitMode}.
 *
 * <p>A partition whose first record after assignment lies below what this stash recently let Connect commit, and is
 * none of those commits, was rewound on purpose (an offset reset, through the REST API or any Kafka tool, or a topic
 * deleted and created again): its records are stashed again from there. Not thread-safe: one per task.
 */
public final class InputOffsets {
    /** The metadata of every offset a DuraStash sink lets Connect commit: an offset without it was set by another client. */
    public static final String COMMIT_METADATA = "durastash";
    /** How many of its recent commits a partition remembers; a crash loses at most the last few. */
    static final int RECENT_COMMITS = 8;

    /** Where the stash holds undelivered records of a partition; see {@code Stash#firstUndelivered}. */
    @FunctionalInterface
    public interface Undelivered {
        OptionalLong firstAtOrAfter(TopicPartition partition, long from);
    }

    /** What one partition's first record after assignment said about it. */
    public enum Arrival {
        /** Nothing to decide: not the first record, or nothing was committed from this stash before. */
        AS_EXPECTED,
        /** Rewound on purpose below what this stash let Connect commit: stashed again from here. */
        RESET
    }

    private static final class Partition {
        Long lastStashed;
        /** The offset after the last record handled or skipped since assignment; -1 until one is. */
        long next = -1;
        final RefetchPlan refetch = new RefetchPlan();
        /** The consumer's position when the partition was assigned; -1 until the first record or commit says. */
        long floor = -1;
        long[] recentCommits;
        long offered = -1;
        boolean commitsChanged;

        Partition(Long lastStashed, long[] recentCommits) {
            this.lastStashed = lastStashed;
            this.recentCommits = recentCommits == null ? new long[0] : recentCommits;
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

    /** Starts tracking newly assigned partitions from what the stash holds for them (the maps may name others). */
    public void open(Collection<TopicPartition> assigned, Map<TopicPartition, Long> stashed,
                     Map<TopicPartition, long[]> recentCommits) {
        for (TopicPartition partition : assigned) {
            partitions.put(partition, new Partition(stashed.get(partition), recentCommits.get(partition)));
        }
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
     * Notes a record of {@code partition} at {@code offset}; at the first one after assignment, this is where the
     * partition stands, and a deliberate rewind below what this stash committed forgets the stashed offset.
     */
    public Arrival arrived(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        p.refetch.arrivedFirst(offset, p.floor < 0, mode == CommitMode.DELIVERED);
        if (p.floor >= 0) {
            return Arrival.AS_EXPECTED;
        }
        p.floor = offset;
        long[] commits = p.recentCommits;
        if (commits.length == 0 || offset >= highest(commits) || Arrays.stream(commits).anyMatch(c -> c == offset)) {
            return Arrival.AS_EXPECTED;
        }
        p.lastStashed = null;
        p.recentCommits = new long[0];
        p.commitsChanged = true;
        return Arrival.RESET;
    }

    /** Whether this stash let Connect commit an offset of {@code partition} recently. */
    public boolean hasCommitted(TopicPartition partition) {
        Partition p = partitions.get(partition);
        return p != null && p.recentCommits.length > 0;
    }

    /** Forgets what the stash knows of {@code partition}'s offsets: they went back (a reset, a topic created again). */
    public void forget(TopicPartition partition) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.lastStashed = null;
            p.recentCommits = new long[0];
            p.commitsChanged = true;
        }
    }

    private static long highest(long[] commits) {
        return Arrays.stream(commits).max().orElse(-1);
    }

    /** The last offset stashed from {@code partition}, or null when none is: records up to it are redeliveries. */
    public Long lastStashed(TopicPartition partition) {
        Partition p = partitions.get(partition);
        return p == null ? null : p.lastStashed;
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

    /**
     * Takes the ranges of {@code partition} the stash lost to damage, to stash again; returns where to send the
     * consumer back to, when it is already past them.
     */
    public OptionalLong refetch(TopicPartition partition, List<OffsetRange> ranges) {
        Partition p = partitions.get(partition);
        return p == null ? OptionalLong.empty() : p.refetch.plan(ranges, p.next, p.floor, mode == CommitMode.DELIVERED);
    }

    /** Whether the record of {@code partition} at {@code offset} is to be stashed again, redelivery or not. */
    public boolean refetching(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        return p != null && !p.refetch.isEmpty() && p.refetch.covers(offset);
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
     * The offsets Connect may commit, per partition of {@code current} (the consumer's positions after the records
     * put so far): in {@link CommitMode#DELIVERED} mode, the first offset the stash still holds undelivered, or the
     * position when it holds none; in {@link CommitMode#STASHED} mode, the one after the last stashed record
     * (partitions with nothing stashed are left out). Never past the position, never below where the partition stood
     * when it was assigned, never below what was returned before: committed offsets do not move backwards.
     */
    public Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current,
                                                               Undelivered undelivered) {
        Map<TopicPartition, OffsetAndMetadata> committable = new LinkedHashMap<>();
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
                OptionalLong held = undelivered.firstAtOrAfter(e.getKey(), p.floor);
                offset = held.isPresent() ? Math.min(held.getAsLong(), position) : position;
            } else if (p.lastStashed != null) {
                offset = Math.min(p.lastStashed + 1, position);
            } else {
                continue;
            }
            offset = Math.max(offset, Math.max(p.floor, p.offered));
            if (offset != p.offered) {
                p.offered = offset;
                remember(p, offset);
            }
            committable.put(e.getKey(), new OffsetAndMetadata(offset, COMMIT_METADATA));
        }
        return committable;
    }

    private static void remember(Partition p, long offset) {
        long[] commits = p.recentCommits;
        int keep = Math.min(commits.length, RECENT_COMMITS - 1);
        long[] updated = Arrays.copyOfRange(commits, commits.length - keep, commits.length + 1);
        updated[keep] = offset;
        p.recentCommits = updated;
        p.commitsChanged = true;
    }

    /** The recent commits changed since the last call, for the stash to keep. */
    public Map<TopicPartition, long[]> takeChangedCommits() {
        Map<TopicPartition, long[]> changed = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (p.commitsChanged) {
                changed.put(tp, p.recentCommits.clone());
                p.commitsChanged = false;
            }
        });
        return changed;
    }
}
