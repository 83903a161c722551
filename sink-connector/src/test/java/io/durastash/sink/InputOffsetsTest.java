package io.durastash.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InputOffsetsTest {
    /** An offset as the sink lets Connect commit it, with its commit metadata. */
    private static OffsetAndMetadata committed(long offset) {
        return new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA);
    }

    private static final TopicPartition P0 = tp("t", 0);
    private static final TopicPartition P1 = tp("t", 1);
    private static final TopicPartition P2 = tp("t", 2);

    /** What the stash holds undelivered: per partition, the first offset held. */
    private final Map<TopicPartition, Long> held = new HashMap<>();
    private final InputOffsets.Undelivered undelivered = (tp, from) ->
        held.containsKey(tp) ? OptionalLong.of(Math.max(held.get(tp), from)) : OptionalLong.empty();

    private static Map<TopicPartition, OffsetAndMetadata> at(TopicPartition tp, long offset) {
        return Map.of(tp, new OffsetAndMetadata(offset));
    }

    /** What the sink lets Connect commit: the offset with the sink's commit metadata. */
    private static Map<TopicPartition, OffsetAndMetadata> committedAt(TopicPartition tp, long offset) {
        return Map.of(tp, new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA));
    }

    @Test
    void seedsFromTheStash() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        offsets.open(List.of(P0, P1), Map.of(P0, 9L, P2, 100L), Map.of());
        assertEquals(9L, offsets.lastStashed(P0));
        assertNull(offsets.lastStashed(P1));
        assertNull(offsets.lastStashed(P2), "only the named partitions are opened");
        assertEquals(Set.of(P2), offsets.unopened(List.of(P0, P1, P2)));
    }

    @Test
    void advancesMonotonically() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        offsets.open(List.of(P0), Map.of(), Map.of());
        offsets.advance(Map.of(P0, 5L));
        offsets.advance(Map.of(P0, 3L));
        assertEquals(5L, offsets.lastStashed(P0));
    }

    @Test
    void stashedModeCommitsTheNextOffsetNeverPastTheConsumer() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        offsets.open(List.of(P0, P1, P2), Map.of(), Map.of());
        offsets.arrived(P0, 0);
        offsets.arrived(P1, 0);
        offsets.advance(Map.of(P0, 9L, P1, 20L));
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable(Map.of(
            P0, new OffsetAndMetadata(15), P1, new OffsetAndMetadata(12), P2, new OffsetAndMetadata(3)), undelivered);
        assertEquals(Map.of(P0, committed(10), P1, committed(12)), committable);
    }

    @Test
    void deliveredModeCommitsUpToTheFirstRecordTheStashStillHolds() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(List.of(P0, P1), Map.of(), Map.of());
        offsets.arrived(P0, 0);
        offsets.arrived(P1, 0);
        offsets.advance(Map.of(P0, 19L, P1, 4L));
        held.put(P0, 10L);

        assertEquals(Map.of(P0, committed(10), P1, committed(5)),
            offsets.committable(Map.of(P0, new OffsetAndMetadata(20), P1, new OffsetAndMetadata(5)), undelivered),
            "t-1 holds nothing undelivered: its position");
        held.remove(P0);
        assertEquals(committedAt(P0, 20), offsets.committable(at(P0, 20), undelivered));
    }

    @Test
    void aPartitionThatComesBackIsNeverCommittedBelowWhereItStood() {
        for (CommitMode mode : CommitMode.values()) {
            InputOffsets offsets = new InputOffsets(mode);
            // This stash last saw t-0 long ago: it stashed up to 9 and still holds 0..9 undelivered; the group's
            // committed offset has moved on to 500 since.
            offsets.open(List.of(P0), Map.of(P0, 9L), Map.of(P0, new long[] {0}));
            held.put(P0, 0L);

            assertEquals(committedAt(P0, 500), offsets.committable(at(P0, 500), undelivered), mode + ", before any record");
            assertEquals(InputOffsets.Arrival.AS_EXPECTED, offsets.arrived(P0, 500));
            offsets.advance(Map.of(P0, 509L));
            long expected = mode == CommitMode.DELIVERED ? 500 : 510;
            assertEquals(committedAt(P0, expected), offsets.committable(at(P0, 510), undelivered), mode + ", after records");
            held.clear();
        }
    }

    @Test
    void committedOffsetsNeverMoveBackwardsWithinAnAssignment() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(List.of(P0), Map.of(), Map.of());
        offsets.arrived(P0, 0);
        assertEquals(committedAt(P0, 8), offsets.committable(at(P0, 8), undelivered));
        held.put(P0, 3L); // e.g. a quarantined batch requeued from a lower offset
        assertEquals(committedAt(P0, 8), offsets.committable(at(P0, 9), undelivered));
    }

    @Test
    void aRewindBelowWhatThisStashCommittedIsADeliberateReset() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(List.of(P0, P1, P2), Map.of(P0, 99L, P1, 99L, P2, 99L),
            Map.of(P0, new long[] {60, 80, 100}, P1, new long[] {60, 80, 100}, P2, new long[] {60, 80, 100}));

        assertEquals(InputOffsets.Arrival.RESET, offsets.arrived(P0, 20), "below every recent commit");
        assertNull(offsets.lastStashed(P0), "stashed again from there");
        assertEquals(InputOffsets.Arrival.AS_EXPECTED, offsets.arrived(P1, 80),
            "a recent commit: the last ones may have failed before a crash");
        assertEquals(99L, offsets.lastStashed(P1), "redeliveries up to 99 are skipped");
        assertEquals(InputOffsets.Arrival.AS_EXPECTED, offsets.arrived(P2, 140), "another worker moved it on");
        assertEquals(InputOffsets.Arrival.AS_EXPECTED, offsets.arrived(P0, 10), "decided at the first record only");
    }

    @Test
    void keepsTheLastFewCommitsForTheStash() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(List.of(P0), Map.of(), Map.of());
        offsets.arrived(P0, 0);
        for (long offset = 1; offset <= InputOffsets.RECENT_COMMITS + 2; offset++) {
            offsets.committable(at(P0, offset), undelivered);
        }
        long[] kept = offsets.takeChangedCommits().get(P0);
        assertArrayEquals(new long[] {3, 4, 5, 6, 7, 8, 9, 10}, kept);
        offsets.committable(at(P0, 10), undelivered);
        assertEquals(Map.of(), offsets.takeChangedCommits(), "unchanged: nothing to write");
    }
}
