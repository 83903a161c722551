package io.durastash.sink;

import io.durastash.sink.Backpressure.Decision;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackpressureTest {
    private static final TopicPartition P0 = tp("t", 0);
    private static final TopicPartition P1 = tp("t", 1);
    private static final TopicPartition P2 = tp("t", 2);

    private final Backpressure backpressure = new Backpressure("test", 1000, 80);

    @Test
    void pausesAboveTheLimitAndResumesBelowTheLowWaterMark() {
        Set<TopicPartition> assigned = Set.of(P0, P1);
        assertEquals(Decision.NONE, backpressure.check(1000, true, assigned), "at the limit is not above it");
        assertEquals(new Decision(assigned, Set.of()), backpressure.check(1001, true, assigned));
        assertTrue(backpressure.paused());
        assertEquals(Decision.NONE, backpressure.check(900, true, assigned), "between the marks: stays paused");
        assertEquals(Decision.NONE, backpressure.check(800, true, assigned), "at the low-water mark is not below it");
        assertEquals(new Decision(Set.of(), assigned), backpressure.check(799, true, assigned));
        assertFalse(backpressure.paused());
        assertEquals(Decision.NONE, backpressure.check(900, true, assigned), "between the marks: stays resumed");
    }

    @Test
    void pausesPartitionsAssignedWhilePaused() {
        backpressure.check(2000, false, Set.of(P0, P1));
        assertEquals(new Decision(Set.of(P2), Set.of()), backpressure.check(2000, false, Set.of(P0, P2)));
        assertEquals(Decision.NONE, backpressure.check(2000, false, Set.of(P0, P2)));
        assertEquals(new Decision(Set.of(), Set.of(P0, P2)), backpressure.check(0, false, Set.of(P0, P2)));
    }

    @Test
    void partitionsReassignedByARebalanceFollowThePauseState() {
        backpressure.check(2000, false, Set.of(P0, P1));
        assertEquals(new Decision(Set.of(P0, P2), Set.of()), backpressure.reassigned(List.of(P0, P2)),
            "still full: what comes back is paused, whatever the worker remembers of it");
        assertEquals(new Decision(Set.of(), Set.of(P0, P1, P2)), backpressure.check(0, false, Set.of(P0, P1, P2)),
            "every partition paused before the rebalance is resumed, not only those of the last check");
        assertEquals(Decision.NONE, backpressure.reassigned(List.of(P1)), "not full: nothing to do");
    }

    @Test
    void resumesOnlyWhatIsStillAssigned() {
        backpressure.check(2000, true, Set.of(P0, P1));
        assertEquals(new Decision(Set.of(), Set.of(P0)), backpressure.check(0, true, Set.of(P0)));
    }

    @Test
    void lowWaterMarkIsAPercentageOfTheLimit() {
        assertEquals(800, backpressure.resumeBelowBytes());
        assertEquals(Long.MAX_VALUE / 100 * 99 + Long.MAX_VALUE % 100 * 99 / 100,
            new Backpressure("big", Long.MAX_VALUE, 99).resumeBelowBytes(), "no overflow");
        assertThrows(IllegalArgumentException.class, () -> new Backpressure("bad", 1000, 100));
    }

    @Test
    void aStashThatFillsAsFastAsItDrainsPausesEveryTime() {
        Backpressure backpressure = new Backpressure("stash", 1000, 80);
        Set<TopicPartition> assigned = Set.of(new TopicPartition("t", 0));
        for (int cycle = 0; cycle < 5; cycle++) {
            assertEquals(assigned, backpressure.check(1500, true, assigned).pause(), "cycle " + cycle);
            assertEquals(assigned, backpressure.check(100, true, assigned).resume(), "cycle " + cycle);
        }
    }
}
