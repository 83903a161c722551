package io.durastash.sink.placement;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.durastash.sink.placement.PlacementGuard.EVERYONE_GRACE_MS;
import static io.durastash.sink.placement.PlacementGuard.GRACE_MS;
import static io.durastash.sink.placement.PlacementGuard.MIN_INTERVAL_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PlacementGuardTest {
    private final PlacementGuard guard = new PlacementGuard();

    @Test
    void aWorkerThatLostItsDrainerAsksForANewAssignmentAfterTheGrace() {
        guard.assigned(false, true);
        assertEquals(Optional.empty(), guard.check(false, true, 1_000));
        assertEquals(Optional.empty(), guard.check(false, true, 1_000 + GRACE_MS - 1), "a source task restarting in place");
        assertEquals(Optional.of(PlacementGuard.Reason.NO_DRAINER_HERE), guard.check(false, true, 1_000 + GRACE_MS));
        assertEquals(Optional.empty(), guard.check(false, true, 1_000 + GRACE_MS + 1), "once per interval");
        assertEquals(Optional.of(PlacementGuard.Reason.NO_DRAINER_HERE),
            guard.check(false, true, 1_000 + GRACE_MS + MIN_INTERVAL_MS), "and again if it did not help");
    }

    @Test
    void aDrainerBackWithinTheGraceChangesNothing() {
        guard.assigned(false, true);
        guard.check(false, true, 0);
        guard.check(true, true, GRACE_MS / 2);
        assertEquals(Optional.empty(), guard.check(false, true, GRACE_MS), "the grace starts again");
    }

    @Test
    void aWorkerWithoutPartitionsAsksForNothing() {
        guard.assigned(false, true);
        assertEquals(Optional.empty(), guard.check(false, false, 0));
        assertEquals(Optional.empty(), guard.check(false, false, 10 * GRACE_MS), "it holds no input partitions");
    }

    @Test
    void anAssignmentToEveryoneIsLeftAloneWhileTheDrainersComeUp() {
        guard.assigned(true, false); // a cold start: no sink task had a drainer when it joined
        assertEquals(Optional.empty(), guard.check(true, true, 0));
        assertEquals(Optional.empty(), guard.check(true, true, 10 * GRACE_MS),
            "a worker that drains now holds partitions already: forcing a rebalance would only cost duplicates");
    }

    @Test
    void afterAnAssignmentToEveryoneAWorkerThatNeverDrainsAsksOnceTheColdStartIsSurelyOver() {
        guard.assigned(true, false);
        assertEquals(Optional.empty(), guard.check(false, true, 0));
        assertEquals(Optional.empty(), guard.check(false, true, GRACE_MS));
        assertEquals(Optional.of(PlacementGuard.Reason.NO_DRAINER_HERE), guard.check(false, true, EVERYONE_GRACE_MS));
    }

    @Test
    void aWorkerLeftOutOfTheLastAssignmentAsksOnceItHasADrainer() {
        guard.assigned(false, false); // it had no drainer when it joined: the others got every partition
        assertEquals(Optional.empty(), guard.check(true, false, 0));
        assertEquals(Optional.of(PlacementGuard.Reason.DRAINER_HERE_NOW), guard.check(true, false, GRACE_MS),
            "a source task started on it: it gets its share");
        guard.assigned(false, true);
        assertEquals(Optional.empty(), guard.check(true, true, GRACE_MS + MIN_INTERVAL_MS));
    }
}
