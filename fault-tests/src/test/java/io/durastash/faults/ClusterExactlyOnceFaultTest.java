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

/**
 * The pair exactly once on a Connect cluster: {@code input.commit=transactional}, three worker processes with a stash
 * each, the output read {@code read_committed}, through SIGKILLs with a backlog in the stashes, workers replaced on
 * empty disks, clean restarts, and zombies: a worker frozen (SIGSTOP) past the session timeouts while its stash holds
 * a backlog, then woken (SIGCONT). The workers wait 20 s before Connect moves a departed worker's tasks
 * ({@code scheduled.rebalance.max.delay.ms}), so a frozen worker wakes up with its source task still its own: only the
 * sink group's generation keeps its deliveries out. Pass: 0 lost, 0 duplicated, 0 out of order.
 */
class ClusterExactlyOnceFaultTest {
    /** Every worker stopped cleanly and started again in turn, one with the source paused first. */
    private static final List<Kill> ROLLING_RESTART = List.of(new Kill(Fault.STOP, Disk.OWN, false),
        new Kill(Fault.STOP, Disk.OWN, true), new Kill(Fault.STOP, Disk.OWN, false));
    /** Exactly once, with Connect slow to move a departed worker's tasks, as by default (there: 5 minutes). */
    static final Setup EXACTLY_ONCE = Setup.plain().pair(pair -> pair.withSink("input.commit", "transactional"))
        .worker(worker -> worker.property("scheduled.rebalance.max.delay.ms", "20000"));

    @Test
    @Tag("fault-ci")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aKillAZombieAndAReplacedDiskDuplicateNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-short", EXACTLY_ONCE, List.of(new Kill(Disk.OWN, true),
            new Kill(Fault.FREEZE, Disk.OWN, true), new Kill(Disk.EMPTY, true)), Duration.ofSeconds(75)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void fourKillsWithABacklogDuplicateNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-kills", EXACTLY_ONCE, ClusterFaultTest.kills(4, Disk.OWN),
            Duration.ofMinutes(2)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void fourWorkersReplacedOnEmptyDisksDuplicateNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-replacements", EXACTLY_ONCE, ClusterFaultTest.kills(4, Disk.EMPTY),
            Duration.ofMinutes(2)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void threeZombiesWithABacklogDuplicateNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-zombies", EXACTLY_ONCE, freezes(3), Duration.ofMinutes(2)));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aRollingRestartDuplicatesNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-rolling", EXACTLY_ONCE, ROLLING_RESTART, Duration.ofSeconds(75)));
    }

    /**
     * The same rolling restart on Connect's eager protocol, the option that spreads the input over every worker
     * (design.md, "Where Connect puts the tasks"): each of its rebalances stops and starts every task of the pair.
     */
    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aRollingRestartOnConnectsEagerProtocolDuplicatesNothing() {
        exactlyOnce(ClusterScenario.run("cluster-exact-rolling-eager",
            EXACTLY_ONCE.worker(worker -> worker.property("connect.protocol", "eager")), ROLLING_RESTART,
            Duration.ofSeconds(75)));
    }

    private static List<Kill> freezes(int count) {
        List<Kill> freezes = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            freezes.add(new Kill(Fault.FREEZE, Disk.OWN, true));
        }
        return freezes;
    }

    private static void exactlyOnce(ClusterScenario.Outcome outcome) {
        assertEquals(0, outcome.verdict().duplicates(), "read_committed, each number once: " + outcome.verdict());
        assertEquals(0, outcome.verdict().outOfOrder(), outcome.verdict().toString());
    }
}
