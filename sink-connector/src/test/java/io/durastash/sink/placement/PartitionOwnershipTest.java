package io.durastash.sink.placement;

import io.durastash.stash.model.DeliveryGate.Verdict;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionOwnershipTest {
    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);
    private static final Object MEMBER = new Object();
    private static final ConsumerGroupMetadata GENERATION_4 = new ConsumerGroupMetadata("g", 4, "m-1", Optional.empty());

    private long now = 1_000_000;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    };
    private final List<TopicPartition> runsEnded = new ArrayList<>();

    private PartitionOwnership ownership(boolean transactional) {
        return new PartitionOwnership("g", transactional, clock, runsEnded::addAll, Map::of);
    }

    private static void assign(PartitionOwnership ownership, Collection<TopicPartition> member,
                               Set<TopicPartition> worker) {
        ownership.assigned(MEMBER, GENERATION_4, member, worker);
    }

    @Test
    void recordsOfAnOwnedPartitionLeaveFromItsRunAndFromItsCommittedOffsetOn() {
        PartitionOwnership ownership = ownership(false);
        assign(ownership, List.of(P0), Set.of(P0));
        ownership.opening(List.of(P0));
        assertEquals(Verdict.WAIT, ownership.verdict(P0, 9, 50), "while the task decides where it takes it up");
        ownership.own(P0, 9, 40);

        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 9, 40));
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 8, 45), "stashed under an earlier assignment");
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 9, 39), "below the committed offset: delivered");
        assertTrue(runsEnded.isEmpty());
    }

    @Test
    void aPartitionTheAssignmentSentElsewhereIsSupersededAndItsRunEndsFirst() {
        PartitionOwnership ownership = ownership(false);
        assign(ownership, List.of(P0, P1), Set.of(P0, P1));
        ownership.opening(List.of(P0, P1));
        ownership.own(P0, 1, 0);
        ownership.own(P1, 1, 0);

        ownership.release(List.of(P0, P1)); // an eager rebalance revokes everything
        assertEquals(Verdict.WAIT, ownership.verdict(P1, 3, 7), "until the assignment says where it goes");
        assign(ownership, List.of(P0), Set.of(P0));

        assertEquals(Verdict.WAIT, ownership.verdict(P0, 3, 7), "coming back here: the task opens it again");
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P1, 3, 7));
        assertEquals(List.of(P1), runsEnded, "its run ended before a record of it was dropped");
        ownership.verdict(P1, 4, 8);
        assertEquals(List.of(P1), runsEnded, "once");
    }

    @Test
    void aCooperativeRevocationKnowsAtOnceThatThePartitionGoesElsewhere() {
        PartitionOwnership ownership = ownership(false);
        assign(ownership, List.of(P0, P1), Set.of(P0, P1));
        ownership.own(P0, 1, 0);
        ownership.own(P1, 1, 0);
        assign(ownership, List.of(P0), Set.of(P0)); // the first round of a cooperative rebalance: P1 moves
        ownership.release(List.of(P1));
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P1, 2, 5));
        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 2, 5), "kept, never closed");
    }

    @Test
    void beforeTheFirstAssignmentRecordsWaitForTheGraceAndThenAreSuperseded() {
        PartitionOwnership ownership = ownership(false);
        assertEquals(Verdict.WAIT, ownership.verdict(P0, 1, 0));
        now += PartitionOwnership.FIRST_ASSIGNMENT_GRACE_MS;
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 1, 0), "no sink task here took it: it is elsewhere");
        assertEquals(List.of(P0), runsEnded);
    }

    @Test
    void aPartitionOwnedAgainStartsOverAsOwned() {
        PartitionOwnership ownership = ownership(false);
        assign(ownership, List.of(P1), Set.of(P1));
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 1, 0));
        assign(ownership, List.of(P0), Set.of(P0));
        ownership.opening(List.of(P0));
        ownership.own(P0, 5, 10);
        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 5, 10));
        ownership.release(List.of(P0));
        assign(ownership, List.of(), Set.of());
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 6, 12));
        assertEquals(List.of(P0, P0), runsEnded, "its new run ended too");
    }

    @Test
    void settlingHoldsRecordsBackUntilTheInFlightOnesAreAcknowledged() throws Exception {
        PartitionOwnership ownership = ownership(false);
        assign(ownership, List.of(P0), Set.of(P0));
        ownership.own(P0, 1, 0);
        ownership.emitted(P0, 3);
        ownership.emitted(P0, 4);
        assertEquals(OptionalLong.of(3), ownership.firstInFlight(P0));
        assertEquals(5, ownership.nextToEmit(P0));

        CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(() -> {
            try {
                return ownership.settle(List.of(P0), 10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (ownership.verdict(P0, 1, 5) != Verdict.WAIT) {
            Thread.onSpinWait();
        }
        ownership.acknowledged(P0, 4);
        assertFalse(settled.isDone(), "3 is still in flight");
        ownership.acknowledged(P0, 3);
        assertTrue(settled.get(10, TimeUnit.SECONDS));
        assertEquals(OptionalLong.empty(), ownership.firstInFlight(P0));
        assertEquals(Verdict.WAIT, ownership.verdict(P0, 1, 5), "held a moment more, for a revocation that may follow");
        ownership.unsettle();
        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 1, 5));
    }

    @Test
    void aSettleThatTimesOutSaysSo() throws Exception {
        PartitionOwnership ownership = ownership(false);
        ownership.own(P0, 1, 0);
        ownership.emitted(P0, 3);
        assertFalse(ownership.settle(List.of(P0), 0));
    }

    @Test
    void aMemberTheGroupRefusedHoldsItsRecordsBackUntilItsNextAssignment() {
        PartitionOwnership ownership = ownership(true);
        assign(ownership, List.of(P0), Set.of(P0));
        ownership.own(P0, 1, 0);
        ownership.refused(GENERATION_4);
        assertEquals(Verdict.WAIT, ownership.verdict(P0, 1, 0), "every transaction of them would be refused too");
        ownership.assigned(MEMBER, new ConsumerGroupMetadata("g", 5, "m-1", Optional.empty()), List.of(P0), Set.of(P0));
        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 1, 0));
    }

    @Test
    void transactionalDeliveriesKnowTheOwningMemberAndWaitWithoutOne() {
        PartitionOwnership ownership = ownership(true);
        ownership.own(P0, 1, 0);
        assertEquals(Verdict.WAIT, ownership.verdict(P0, 1, 0), "no member's generation to commit under");
        assign(ownership, List.of(P0), Set.of(P0));
        assertEquals(GENERATION_4, ownership.owner(P0));
        assertEquals(Verdict.DELIVER, ownership.verdict(P0, 1, 0));
        ownership.delivered(Map.of(P0, 30L));
        assertEquals(Verdict.SUPERSEDED, ownership.verdict(P0, 1, 29), "committed in a transaction");
        ownership.release(List.of(P0));
        assign(ownership, List.of(), Set.of());
        assertNull(ownership.owner(P0), "gone: a transaction of its records cannot commit from here");
    }
}
