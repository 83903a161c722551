package io.durastash.sink;

import io.durastash.stash.model.OffsetRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefetchPlanTest {
    private static final OffsetRange A = new OffsetRange("t", 0, 100, 199);
    private static final OffsetRange B = new OffsetRange("t", 0, 300, 399);
    private final RefetchPlan plan = new RefetchPlan();

    @Test
    void aRangeIsDoneOnceStashedAgain() {
        plan.plan(List.of(A, B), 0, true);
        plan.sentBack();
        plan.arrivedFirst(100, false, true);

        plan.stashedUpTo(199);
        assertEquals(List.of(A), plan.takeDone());
        plan.stashedUpTo(400);
        assertEquals(List.of(B), plan.takeDone());
        assertTrue(plan.isEmpty());
        assertEquals(List.of(), plan.takeLost());
    }

    @Test
    void whatTheInputTopicNoLongerHoldsAfterASendBackIsLost() {
        plan.plan(List.of(A, B), 0, true);
        plan.sentBack();
        plan.arrivedFirst(150, false, true); // retention: the consumer was reset to the log start

        assertEquals(List.of(new OffsetRange("t", 0, 100, 149)), plan.takeLost());
        plan.stashedUpTo(399);
        assertEquals(List.of(A, B), plan.takeDone());
    }

    @Test
    void withoutASendBackTheNextRecordOfAPollLosesNothing() {
        plan.plan(List.of(A), 0, true);
        plan.arrivedFirst(150, false, true);
        assertEquals(List.of(), plan.takeLost());
        assertFalse(plan.isEmpty());
    }

    @Test
    void rangesBelowTheCommittedOffsetWereDeliveredByAnotherStash() {
        plan.plan(List.of(A, B), 250, true);
        assertEquals(List.of(A), plan.takeDone(), "committed on delivery, so delivered");
    }

    @Test
    void withCommitsOnStashingWhatWasCommittedPastIsLost() {
        plan.plan(List.of(A), -1, false);
        plan.arrivedFirst(300, true, false);
        assertEquals(List.of(A), plan.takeLost());
        assertEquals(List.of(A), plan.takeDone());
    }
}
