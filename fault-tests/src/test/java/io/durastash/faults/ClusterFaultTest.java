package io.durastash.faults;

import io.durastash.faults.ClusterChurn.Disk;
import io.durastash.faults.ClusterChurn.Kill;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair on a Connect cluster of three worker processes, one stash directory each ({@link ClusterChurn}), with
 * workers SIGKILLed and started again on their own directory or on an empty one while records flow, the source
 * paused before some kills. With the sink's default {@code input.commit=delivered}, a record whose worker dies before
 * delivering it, or whose stash is gone with its disk, is consumed again by whichever worker holds its partition next.
 * Pass: every number arrives, the first time in order, within 60 s of the last restart; the sink group's committed
 * offsets, read with an Admin client four times a second, never go lower; no task FAILED.
 */
class ClusterFaultTest {
    /** How long the last records may take to arrive, from the moment the last killed worker is back. */
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);

    @Test
    @Tag("fault-ci")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void threeWorkersKilledRestartedAndReplacedLoseNothing() {
        churn("cluster-short", List.of(new Kill(Disk.OWN, true), new Kill(Disk.OWN, false), new Kill(Disk.EMPTY, true)),
            Duration.ofSeconds(60));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void eightKillsOfWorkersRestartedOnTheirOwnDisksLoseNothing() {
        churn("cluster-restarts", kills(8, Disk.OWN), Duration.ofMinutes(3));
    }

    @Test
    @Tag("fault-full")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void sixKillsOfWorkersReplacedWithEmptyDisksLoseNothing() {
        churn("cluster-replacements", kills(6, Disk.EMPTY), Duration.ofMinutes(3));
    }

    /** {@code count} kills on {@code disk}, the source paused before every other one. */
    private static List<Kill> kills(int count, Disk disk) {
        List<Kill> kills = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            kills.add(new Kill(disk, k % 2 == 0));
        }
        return kills;
    }

    private static void churn(String scenario, List<Kill> kills, Duration least) {
        FaultReport report = FaultReport.of(scenario);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh(scenario))) {
            ClusterChurn cluster = ClusterChurn.start(stack, report);
            Pair pair = cluster.pair();
            ClusterChurn.Run run;
            Verdict verdict;
            long drainNanos;
            try (CommittedOffsetsWatch watch = new CommittedOffsetsWatch(stack.kafka(), pair.sink().sinkGroup(),
                pair.inputTopic())) {
                run = cluster.run(kills, least);
                verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                    .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), DELIVERED_WITHIN);
                drainNanos = System.nanoTime() - run.lastRestartNanos();
                report.verdict(verdict);
                report.line("every record on the output topic %.1f s after the last restart", drainNanos / 1e9);
                report.line("committed offsets read %d times, lower than before %d times%s", watch.reads(),
                    watch.regressions().size(), watch.regressions().isEmpty() ? "" : ": " + watch.regressions());
                assertTrue(watch.reads() > 0, "the committed offsets were read");
                assertEquals(List.of(), watch.regressions(), "the sink never commits backwards");
            }
            eachWorkerStashedIntoItsOwnDirectory(stack, cluster, report);
            stack.connectors().requireNotFailed(pair.sink().name());
            stack.connectors().requireNotFailed(pair.source().name());
            assertTrue(verdict.atLeastOnce(), "0 lost, first occurrences in order, intact: " + verdict);
            assertEquals(run.produced(), verdict.expected(), "the verdict counts what the load produced");
            assertTrue(drainNanos <= DELIVERED_WITHIN.toNanos(), "delivered within " + DELIVERED_WITHIN.toSeconds()
                + " s of the last restart, took " + drainNanos / 1_000_000_000 + " s");
            report.line("SUMMARY %s: %d records, %d workers, %d kills, %d replaced with an empty disk, lost %d, "
                + "duplicated %d, out of order %d, drained %.1f s after the last restart, %.0f s", scenario,
                run.produced(), ClusterChurn.WORKERS, run.kills(), run.replacements(), verdict.missing(),
                verdict.duplicates(), verdict.outOfOrder(), drainNanos / 1e9, report.seconds());
        }
    }

    /**
     * Each worker resolved {@code ${env:DURASTASH_STASH_DIR}} for itself: it opened a stash in its own directory, one
     * of its own (a new one after its disk was replaced), and none in the stack's shared one.
     */
    private static void eachWorkerStashedIntoItsOwnDirectory(ProcessStack stack, ClusterChurn cluster,
                                                             FaultReport report) {
        Set<String> seen = new HashSet<>();
        for (WorkerProcess worker : cluster.workers()) {
            Path stash = worker.stashDir().resolve("demo");
            List<String> ids = WorkerLog.stashIdsOpened(worker.process().log(), stash);
            report.line("%s opened stash %s in %s", worker.name(), new LinkedHashSet<>(ids), stash);
            assertTrue(Files.isDirectory(stash) && !ids.isEmpty(), worker.name() + " stashed into " + stash);
            for (String id : new LinkedHashSet<>(ids)) {
                assertTrue(seen.add(id), "stash " + id + " opened by two workers");
            }
        }
        assertFalse(Files.exists(stack.stashDir().resolve("demo")), "a worker used the stack's shared stash directory");
    }
}
