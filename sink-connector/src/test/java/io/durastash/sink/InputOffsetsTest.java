package io.durastash.sink;

import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InputOffsetsTest {
    private static final TopicPartition P0 = tp("t", 0);
    private static final TopicPartition P1 = tp("t", 1);
    private static final TopicPartition P2 = tp("t", 2);

    /** What the stash holds undelivered: per partition, the first offset held, and the batch it is in. */
    private final Map<TopicPartition, long[]> held = new HashMap<>();
    /** Per partition, the lowest offset in flight. */
    private final Map<TopicPartition, Long> inFlight = new HashMap<>();
    /** Per partition, the offset after the last one handed out. */
    private final Map<TopicPartition, Long> nextToEmit = new HashMap<>();
    private final InputOffsets.Deliveries deliveries = new InputOffsets.Deliveries() {
        @Override
        public OptionalLong firstInFlight(TopicPartition partition) {
            Long first = inFlight.get(partition);
            return first == null ? OptionalLong.empty() : OptionalLong.of(first);
        }

        @Override
        public long nextToEmit(TopicPartition partition) {
            return nextToEmit.getOrDefault(partition, -1L);
        }

        @Override
        public OptionalLong firstHeld(TopicPartition partition, long from, long runStart) {
            long[] first = held.get(partition);
            if (first == null || first[1] < runStart) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(first[0], from));
        }
    };

    private static InputOffsets.Run newRun(long floor) {
        return new InputOffsets.Run(1, floor, null);
    }

    private static OffsetAndMetadata committed(long offset) {
        return new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA);
    }

    private static Map<TopicPartition, OffsetAndMetadata> at(TopicPartition tp, long offset) {
        return Map.of(tp, new OffsetAndMetadata(offset));
    }

    @Test
    void aContinuedRunKeepsItsLastStashedOffsetAndANewOneHasNone() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, new InputOffsets.Run(4, 5, 9L));
        offsets.open(P1, newRun(0));
        assertEquals(9L, offsets.lastStashed(P0));
        assertEquals(4, offsets.runStart(P0));
        assertNull(offsets.lastStashed(P1));
        assertEquals(Set.of(P2), offsets.unopened(List.of(P0, P1, P2)));
    }

    @Test
    void advancesMonotonically() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        offsets.open(P0, newRun(0));
        offsets.advance(Map.of(P0, 5L));
        offsets.advance(Map.of(P0, 3L));
        assertEquals(5L, offsets.lastStashed(P0));
    }

    @Test
    void stashedModeCommitsTheNextOffsetNeverPastTheConsumer() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        List.of(P0, P1, P2).forEach(p -> offsets.open(p, newRun(0)));
        offsets.advance(Map.of(P0, 9L, P1, 20L));
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable(Map.of(
            P0, new OffsetAndMetadata(15), P1, new OffsetAndMetadata(12), P2, new OffsetAndMetadata(3)), deliveries);
        assertEquals(Map.of(P0, committed(10), P1, committed(12)), committable);
    }

    @Test
    void deliveredModeCommitsUpToTheFirstRecordNotYetAcknowledged() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, newRun(0));
        offsets.open(P1, newRun(0));
        offsets.advance(Map.of(P0, 19L, P1, 4L));
        held.put(P0, new long[] {10, 1});

        assertEquals(Map.of(P0, committed(10), P1, committed(5)),
            offsets.committable(Map.of(P0, new OffsetAndMetadata(20), P1, new OffsetAndMetadata(5)), deliveries),
            "t-1 holds nothing undelivered: its position");

        nextToEmit.put(P0, 15L);
        inFlight.put(P0, 12L);
        assertEquals(Map.of(P0, committed(12)), offsets.committable(at(P0, 20), deliveries),
            "10 and 11 were acknowledged; 12 is in flight");
        inFlight.remove(P0);
        assertEquals(Map.of(P0, committed(15)), offsets.committable(at(P0, 20), deliveries),
            "everything handed out is acknowledged; 15 is not handed out yet");
        held.remove(P0);
        assertEquals(Map.of(P0, committed(20)), offsets.committable(at(P0, 20), deliveries));
    }

    @Test
    void recordsOfAnEarlierRunDoNotHoldTheCommitBack() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, new InputOffsets.Run(7, 500, null));
        held.put(P0, new long[] {0, 3}); // batch 3, before the run: superseded, never delivered from here
        assertEquals(Map.of(P0, committed(500)), offsets.committable(at(P0, 500), deliveries));
        offsets.advance(Map.of(P0, 509L));
        held.put(P0, new long[] {500, 7});
        assertEquals(Map.of(P0, committed(500)), offsets.committable(at(P0, 510), deliveries));
    }

    @Test
    void aPartitionIsNeverCommittedBelowTheOffsetItWasAssignedAt() {
        for (CommitMode mode : List.of(CommitMode.DELIVERED, CommitMode.STASHED)) {
            InputOffsets offsets = new InputOffsets(mode);
            offsets.open(P0, new InputOffsets.Run(0, 500, 9L));
            held.put(P0, new long[] {0, 0});
            assertEquals(Map.of(P0, committed(500)), offsets.committable(at(P0, 500), deliveries), mode.toString());
            held.clear();
        }
    }

    @Test
    void committedOffsetsNeverMoveBackwardsWithinAnAssignment() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, newRun(0));
        assertEquals(Map.of(P0, committed(8)), offsets.committable(at(P0, 8), deliveries));
        held.put(P0, new long[] {3, 1}); // e.g. a quarantined batch requeued from a lower offset
        assertEquals(Map.of(P0, committed(8)), offsets.committable(at(P0, 9), deliveries));
    }

    @Test
    void anUnknownCommittedOffsetIsTakenFromTheFirstRecordOrThePosition() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, newRun(-1));
        offsets.open(P1, newRun(-1));
        offsets.arrived(P0, 40);
        held.put(P0, new long[] {0, 1});
        held.put(P1, new long[] {0, 1});
        assertEquals(Map.of(P0, committed(40), P1, committed(70)),
            offsets.committable(Map.of(P0, new OffsetAndMetadata(41), P1, new OffsetAndMetadata(70)), deliveries));
    }

    @Test
    void damageStashedAgainSendsTheConsumerBackAndStashesItsRedeliveries() {
        InputOffsets offsets = new InputOffsets(CommitMode.DELIVERED);
        offsets.open(P0, newRun(0));
        offsets.arrived(P0, 0);
        offsets.advance(Map.of(P0, 99L));
        List<OffsetRange> lost = List.of(new OffsetRange("t", 0, 40, 59));

        assertEquals(OptionalLong.of(40), offsets.refetch(P0, lost, OptionalLong.of(40)), "the consumer is past it");
        assertEquals(39L, offsets.lastStashed(P0), "from 40 on, redeliveries are stashed again");
        assertEquals(OptionalLong.empty(), offsets.refetch(P0, lost, OptionalLong.empty()), "sent back once");
        offsets.arrived(P0, 40);
        offsets.advance(Map.of(P0, 70L));
        assertEquals(lost, offsets.takeRefetched(), "done once stashed past its end");
    }

    @Test
    void withCommitsOnStashingDamageStashedAgainTakesTheCommitBackToIt() {
        InputOffsets offsets = new InputOffsets(CommitMode.STASHED);
        offsets.open(P0, new InputOffsets.Run(1, 100, 99L)); // committed 100: stashed up to 99 in earlier batches
        assertEquals(OptionalLong.of(40), offsets.refetch(P0, List.of(new OffsetRange("t", 0, 40, 59)),
            OptionalLong.of(40)), "nothing arrived yet, and the consumer would start at the commit, past the damage");
        assertEquals(Map.of(P0, committed(40)), offsets.committable(at(P0, 40), deliveries),
            "a crash before the records are stashed again must find them uncommitted");
    }

    @Test
    void transactionalModeCommitsNothing() {
        InputOffsets offsets = new InputOffsets(CommitMode.TRANSACTIONAL);
        offsets.open(P0, newRun(0));
        offsets.advance(Map.of(P0, 9L));
        assertEquals(Map.of(), offsets.committable(at(P0, 10), deliveries), "the deliveries commit them");
    }
}
