package io.durastash.faults;

import io.durastash.faults.ClusterChurn.Kill;
import io.durastash.faults.ClusterChurn.Setup;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of the pair on a cluster of worker processes ({@link ClusterChurn}) through a list of faults, judged as every
 * cluster test judges it: the output read {@code read_committed} from the beginning and checked by numbered records
 * (lost, duplicated, out of order, altered), every record there within 60 s of the last worker's return and the load's
 * end, the sink's committed offsets never lower than before (read four times a second), no task FAILED, and each
 * worker's stash in its own directory. The figures go to {@code target/fault-report/<scenario>.txt}.
 */
final class ClusterScenario {
    /** How often the sink commits its offsets: config/local's offset.flush.interval.ms. */
    static final long COMMIT_INTERVAL_MS = 1_000;
    /** How long the last records may take to arrive, once the last worker is back and the load has ended. */
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);

    /** What a run saw. */
    record Outcome(ClusterChurn.Run run, Verdict verdict, FaultReport report) {
        double duplicatedPercent() {
            return 100.0 * verdict.duplicates() / Math.max(1, run.produced());
        }
    }

    private ClusterScenario() {
    }

    static Outcome run(String scenario, Setup setup, List<Kill> kills, Duration least) {
        FaultReport report = FaultReport.of(scenario);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh(scenario))) {
            ClusterChurn cluster = ClusterChurn.start(stack, report, setup);
            Pair pair = cluster.pair();
            ClusterChurn.Run run;
            Verdict verdict;
            long drainNanos;
            try (CommittedOffsetsWatch watch = new CommittedOffsetsWatch(stack.kafka(), pair.sink().sinkGroup(),
                pair.inputTopic())) {
                run = cluster.run(kills, least);
                verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                    .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), DELIVERED_WITHIN);
                drainNanos = System.nanoTime() - run.settledNanos();
                report.verdict(verdict);
                if (verdict.duplicates() > 0 || verdict.missing() > 0 || verdict.outOfOrder() > 0) {
                    report.line("findings: %s", verdict);
                }
                if (verdict.duplicates() > 0) {
                    double perPartition = (double) ClusterChurn.RATE / ClusterChurn.PARTITIONS;
                    long window = (long) (perPartition * (COMMIT_INTERVAL_MS + 2 * CommittedOffsetsWatch.INTERVAL_MS)
                        / 1000);
                    report.line("in flight: %s", InFlightWindow.describe(InFlightWindow.of(verdict, watch,
                        pair.inputTopic(), run.faultNanos(), window), perPartition));
                }
                report.line("every record on the output topic %.1f s after the last restart and the load's end",
                    drainNanos / 1e9);
                report.line("committed offsets read %d times, lower than before %d times%s", watch.reads(),
                    watch.regressions().size(), watch.regressions().isEmpty() ? "" : ": " + watch.regressions());
                assertTrue(watch.reads() > 0, "the committed offsets were read");
                assertEquals(List.of(), watch.regressions(), "the sink never commits backwards");
            }
            eachWorkerStashedIntoItsOwnDirectory(stack, cluster, report);
            stack.connectors().requireNotFailed(pair.sink().name());
            stack.connectors().requireNotFailed(pair.source().name());
            Outcome outcome = new Outcome(run, verdict, report);
            report.line("SUMMARY %s: %d records, %d workers, %d faults %s, %d replaced with an empty disk, lost %d, "
                + "duplicated %d (%.2f %%), out of order %d, drained %.1f s after the last restart and the load's end, %.0f s",
                scenario,
                run.produced(), ClusterChurn.WORKERS, run.kills(), kills, run.replacements(), verdict.missing(),
                verdict.duplicates(), outcome.duplicatedPercent(), verdict.outOfOrder(), drainNanos / 1e9,
                report.seconds());
            assertTrue(verdict.atLeastOnce(), "0 lost, first occurrences in order, intact: " + verdict);
            assertEquals(run.produced(), verdict.expected(), "the verdict counts what the load produced");
            assertTrue(drainNanos <= DELIVERED_WITHIN.toNanos(), "delivered within " + DELIVERED_WITHIN.toSeconds()
                + " s of the last restart and the load's end, took " + drainNanos / 1_000_000_000 + " s");
            return outcome;
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
