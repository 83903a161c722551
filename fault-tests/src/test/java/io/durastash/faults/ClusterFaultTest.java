package io.durastash.faults;

import io.durastash.faults.ClusterChurn.Disk;
import io.durastash.faults.ClusterChurn.Fault;
import io.durastash.faults.ClusterChurn.Kill;
import io.durastash.faults.ClusterChurn.Setup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair at least once ({@code input.commit=delivered}, the default) on a Connect cluster of three worker processes,
 * one stash directory each ({@link ClusterChurn}), with workers SIGKILLed and started again on their own directory or
 * on an empty one, or restarted cleanly, while records flow, the source paused before some faults. A record whose
 * worker dies before delivering it, or whose stash is gone with its disk, is consumed again by whichever worker holds
 * its partition next; a stash's backlog of a partition that moved is not delivered from it. Pass: see
 * {@link ClusterScenario}; duplicates only from records in flight at a kill, none from a clean restart.
 */
class ClusterFaultTest {
    @Test
    @Tag("fault-ci")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void threeWorkersKilledRestartedAndReplacedLoseNothing() {
        onePercent(ClusterScenario.run("cluster-short", Setup.plain(), List.of(new Kill(Disk.OWN, true),
            new Kill(Disk.OWN, false), new Kill(Disk.EMPTY, true)), Duration.ofSeconds(60)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aRollingRestartOfEveryWorkerDuplicatesNothing() {
        ClusterScenario.Outcome outcome = ClusterScenario.run("cluster-rolling", Setup.plain(), List.of(
            new Kill(Fault.STOP, Disk.OWN, false), new Kill(Fault.STOP, Disk.OWN, false),
            new Kill(Fault.STOP, Disk.OWN, false)), Duration.ofSeconds(60));
        assertEquals(0, outcome.verdict().duplicates(), "a clean stop duplicates nothing: " + outcome.verdict());
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void threeKillsWithABacklogDuplicateOnlyWhatWasInFlight() {
        onePercent(ClusterScenario.run("cluster-three-kills", Setup.plain(), kills(3, Disk.OWN), Duration.ofMinutes(5)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anotherTeamsConnectorSharingTheWorkersChangesNothing() {
        onePercent(ClusterScenario.run("cluster-shared", Setup.plain().withOtherConnector(), kills(3, Disk.OWN),
            Duration.ofMinutes(5)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void eightKillsOfWorkersRestartedOnTheirOwnDisksLoseNothing() {
        ClusterScenario.run("cluster-restarts", Setup.plain(), kills(8, Disk.OWN), Duration.ofMinutes(3));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void sixKillsOfWorkersReplacedWithEmptyDisksLoseNothing() {
        ClusterScenario.run("cluster-replacements", Setup.plain(), kills(6, Disk.EMPTY), Duration.ofMinutes(3));
    }

    /**
     * Duplicates at most 1 % of the records: those delivered and not yet committed when their worker died (the sink
     * commits every second here, offset.flush.interval.ms) or in flight; the report says how long a window per kill
     * they make at the load's rate.
     */
    private static void onePercent(ClusterScenario.Outcome outcome) {
        double windowMs = 1000.0 * outcome.verdict().duplicates() / Math.max(1, outcome.run().kills())
            / ClusterChurn.RATE;
        outcome.report().line("duplicates per kill %.0f: an in-flight window of %.0f ms at %d records/s",
            (double) outcome.verdict().duplicates() / outcome.run().kills(), windowMs, ClusterChurn.RATE);
        assertTrue(outcome.duplicatedPercent() <= 1.0, "duplicated " + outcome.duplicatedPercent() + " %");
    }

    /** {@code count} kills on {@code disk}, the source paused before every other one. */
    static List<Kill> kills(int count, Disk disk) {
        List<Kill> kills = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            kills.add(new Kill(disk, k % 2 == 0));
        }
        return kills;
    }
}
