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

    private final Backpressure backpressure = new Backpressure("test", 1000, 0, 80);

    @Test
    void pausesAboveTheLimitAndResumesBelowTheLowWaterMark() {
        Set<TopicPartition> assigned = Set.of(P0, P1);
        assertEquals(Decision.NONE, backpressure.check(live(1000, true), assigned), "at the limit is not above it");
        assertEquals(new Decision(assigned, Set.of()), backpressure.check(live(1001, true), assigned));
        assertTrue(backpressure.paused());
        assertEquals(Decision.NONE, backpressure.check(live(900, true), assigned), "between the marks: stays paused");
        assertEquals(Decision.NONE, backpressure.check(live(800, true), assigned), "at the low-water mark is not below it");
        assertEquals(new Decision(Set.of(), assigned), backpressure.check(live(799, true), assigned));
        assertFalse(backpressure.paused());
        assertEquals(Decision.NONE, backpressure.check(live(900, true), assigned), "between the marks: stays resumed");
    }

    @Test
    void pausesPartitionsAssignedWhilePaused() {
        backpressure.check(live(2000, false), Set.of(P0, P1));
        assertEquals(new Decision(Set.of(P2), Set.of()), backpressure.check(live(2000, false), Set.of(P0, P2)));
        assertEquals(Decision.NONE, backpressure.check(live(2000, false), Set.of(P0, P2)));
        assertEquals(new Decision(Set.of(), Set.of(P0, P2)), backpressure.check(live(0, false), Set.of(P0, P2)));
    }

    @Test
    void partitionsReassignedByARebalanceFollowThePauseState() {
        backpressure.check(live(2000, false), Set.of(P0, P1));
        assertEquals(new Decision(Set.of(P0, P2), Set.of()), backpressure.reassigned(List.of(P0, P2)),
            "still full: what comes back is paused, whatever the worker remembers of it");
        assertEquals(new Decision(Set.of(), Set.of(P0, P1, P2)), backpressure.check(live(0, false), Set.of(P0, P1, P2)),
            "every partition paused before the rebalance is resumed, not only those of the last check");
        assertEquals(Decision.NONE, backpressure.reassigned(List.of(P1)), "not full: nothing to do");
    }

    @Test
    void resumesOnlyWhatIsStillAssigned() {
        backpressure.check(live(2000, true), Set.of(P0, P1));
        assertEquals(new Decision(Set.of(), Set.of(P0)), backpressure.check(live(0, true), Set.of(P0)));
    }

    private static Backpressure.Reading live(long bytes, boolean drainer) {
        return new Backpressure.Reading(bytes, bytes, Long.MAX_VALUE, drainer);
    }

    @Test
    void filesAboveTheLimitPauseUntilTheyAreBelowTheMarkOrGaveBackWhatWasDrained() {
        Backpressure bound = new Backpressure("s", 1000, 0, 80);
        Set<TopicPartition> assigned = Set.of(P0);
        assertEquals(Decision.NONE, bound.check(new Backpressure.Reading(900, 1000, Long.MAX_VALUE, true), assigned),
            "files at the limit");
        assertEquals(new Decision(assigned, Set.of()),
            bound.check(new Backpressure.Reading(900, 1001, Long.MAX_VALUE, true), assigned), "files above it");
        Backpressure.Reading drainedFilesNot = new Backpressure.Reading(700, 900, Long.MAX_VALUE, true);
        assertEquals(Decision.NONE, bound.check(drainedFilesNot, assigned), "drained below the mark, its files not");
        assertTrue(bound.reclaimDue(drainedFilesNot), "so the drained batches give their space back");
        assertFalse(bound.reclaimDue(drainedFilesNot), "once in a pause");
        assertEquals(new Decision(Set.of(), assigned), bound.check(drainedFilesNot, assigned),
            "files that stay above the mark once given back are RocksDB's own: they do not hold the pause");

        Backpressure again = new Backpressure("s", 1000, 0, 80);
        again.check(new Backpressure.Reading(900, 1100, Long.MAX_VALUE, true), assigned);
        assertEquals(new Decision(Set.of(), assigned),
            again.check(new Backpressure.Reading(700, 790, Long.MAX_VALUE, true), assigned), "both below the mark");
    }

    @Test
    void aStashGivesBackATenthOfItsLimitAtATimeAndAQuarterOfThatOnceEmptyAndIdle() {
        long mib = 1L << 20;
        assertEquals(50 * mib, Backpressure.drainedBytesPerReclaim(500 * mib, false), "a tenth");
        assertEquals(50 * mib / 4, Backpressure.drainedBytesPerReclaim(500 * mib, true), "a quarter of that, once empty and idle");
        assertEquals(64 * mib, Backpressure.drainedBytesPerReclaim(10_000 * mib, false), "at most 64 MiB");
        assertEquals(16 * mib, Backpressure.drainedBytesPerReclaim(10_000 * mib, true));
        assertEquals(mib, Backpressure.drainedBytesPerReclaim(mib, true), "at least 1 MiB");
    }

    @Test
    void filesAboveTheLimitOfAStashHoldingLessThanHalfOfItDoNotPause() {
        Backpressure small = new Backpressure("s", 1000, 0, 80);
        assertEquals(Decision.NONE, small.check(new Backpressure.Reading(499, 5000, Long.MAX_VALUE, true), Set.of(P0)),
            "a small limit: RocksDB's own files would pause every poll");
    }

    @Test
    void aFilesystemBelowTheFloorPausesUntilTheMarginIsFreeAgain() {
        Backpressure floor = new Backpressure("s", 1000, 800, 80);
        Set<TopicPartition> assigned = Set.of(P0);
        assertEquals(Decision.NONE, floor.check(new Backpressure.Reading(10, 10, 800, true), assigned), "at the floor");
        assertEquals(new Decision(assigned, Set.of()), floor.check(new Backpressure.Reading(10, 10, 799, true), assigned));
        assertTrue(floor.diskLow());
        assertEquals(Decision.NONE, floor.check(new Backpressure.Reading(10, 10, 999, true), assigned), "above, within the margin");
        assertEquals(1000, floor.resumeAboveFreeBytes(), "800 / 80%");
        assertEquals(new Decision(Set.of(), assigned), floor.check(new Backpressure.Reading(10, 10, 1000, true), assigned));
        assertFalse(floor.diskLow());
        assertEquals(Decision.NONE, new Backpressure("off", 1000, 0, 80).check(new Backpressure.Reading(10, 10, 0, true), assigned),
            "0 turns the floor off");
    }

    @Test
    void belowTheFloorTheStashGivesBackWhatWasDrainedEachTimeItHoldsLess() {
        Backpressure floor = new Backpressure("s", 1000, 800, 80);
        Set<TopicPartition> assigned = Set.of(P0);
        floor.check(new Backpressure.Reading(500, 500, 900, true), assigned);
        assertFalse(floor.reclaimDue(live(500, true)), "not below the floor");
        floor.check(new Backpressure.Reading(500, 500, 700, true), assigned);
        assertTrue(floor.reclaimDue(live(500, true)), "below it: at once");
        assertFalse(floor.reclaimDue(live(500, true)), "nothing drained since");
        assertFalse(floor.reclaimDue(live(600, true)), "the poll that was on its way, stashed");
        assertTrue(floor.reclaimDue(live(550, true)), "less than since the last reclaim");
        floor.check(new Backpressure.Reading(0, 0, 1000, true), assigned);
        assertFalse(floor.reclaimDue(live(0, true)), "resumed: the space is back");
        assertFalse(new Backpressure("max", 1000, 800, 80).reclaimDue(live(0, true)), "a pause above stash.max.bytes needs none");
    }

    @Test
    void belowTheFloorAnEmptyStashThatGaveBackItsSpaceResumesSinceWaitingFreesNothing() {
        Backpressure floor = new Backpressure("s", 1000, 800, 80);
        Set<TopicPartition> assigned = Set.of(P0);
        floor.check(new Backpressure.Reading(0, 0, 700, true), assigned);
        assertTrue(floor.reclaimDue(live(0, true)), "paused before the poll was stashed: given back while empty");
        assertEquals(Decision.NONE, floor.check(new Backpressure.Reading(500, 500, 700, true), assigned), "the poll, stashed");
        assertFalse(floor.reclaimDue(live(500, true)));
        assertEquals(Decision.NONE, floor.check(new Backpressure.Reading(0, 0, 700, true), assigned),
            "drained, but not given back since");
        assertTrue(floor.reclaimDue(live(0, true)), "given back while empty");

        assertEquals(new Decision(Set.of(), assigned), floor.check(new Backpressure.Reading(0, 0, 700, true), assigned),
            "other files hold the space: waiting frees nothing");
        assertFalse(floor.diskLow());
        assertEquals(new Decision(assigned, Set.of()), floor.check(new Backpressure.Reading(50, 50, 700, true), assigned),
            "the next poll finds the floor again");
        assertEquals(Decision.NONE, floor.check(new Backpressure.Reading(0, 0, 700, true), assigned),
            "a new pause gives back again before it resumes");
    }

    @Test
    void lowWaterMarkIsAPercentageOfTheLimit() {
        assertEquals(800, backpressure.resumeBelowBytes());
        assertEquals(Long.MAX_VALUE / 100 * 99 + Long.MAX_VALUE % 100 * 99 / 100,
            new Backpressure("big", Long.MAX_VALUE, 0, 99).resumeBelowBytes(), "no overflow");
        assertThrows(IllegalArgumentException.class, () -> new Backpressure("bad", 1000, 0, 100));
    }

    @Test
    void aStashThatFillsAsFastAsItDrainsPausesEveryTime() {
        Backpressure backpressure = new Backpressure("stash", 1000, 0, 80);
        Set<TopicPartition> assigned = Set.of(new TopicPartition("t", 0));
        for (int cycle = 0; cycle < 5; cycle++) {
            assertEquals(assigned, backpressure.check(live(1500, true), assigned).pause(), "cycle " + cycle);
            assertEquals(assigned, backpressure.check(live(100, true), assigned).resume(), "cycle " + cycle);
        }
    }
}
