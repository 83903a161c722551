package io.durastash.faults;

import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone Connect worker process running the pair (the packaged plugin on plugin.path, config/local's worker
 * and connector configs) is killed with SIGKILL at random points while numbered records flow into the input topic,
 * and started again on the same data directory, so on the same stash ({@link KillLoop}). Afterwards every number is
 * on the output topic, in order per partition, byte for byte; duplicates are counted (at-least-once) and reported.
 */
@Tag("fault-ci")
class StandaloneSigkillFaultTest {
    static final int KILLS = 5;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyNumberArrivesInOrderAcrossFiveSigkillsOfTheWorker() {
        FaultReport report = FaultReport.of("sigkill-standalone");
        KillLoop loop = new KillLoop(report);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("sigkill-standalone"))) {
            Pair pair = Pair.local();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            // A killed worker's sink consumer would otherwise hold its partitions for the consumer's default 45 s.
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect").fastFailover());
            worker.connectors().start(pair);
            report.line("broker and standalone worker up (pid %d); pair RUNNING", worker.process().pid());

            // A standalone worker keeps no connector configs: they are deployed again after each start.
            long produced = loop.run(stack, pair, worker, KILLS, () -> worker.connectors().start(pair), "");

            long t0 = System.nanoTime();
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), Duration.ofSeconds(60));
            report.verdict(verdict);
            report.line("all records on the output topic %.1f s after the load stopped", (System.nanoTime() - t0) / 1e9);
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            assertEquals(produced, verdict.expected(), "the verdict counts what the load produced");

            List<String> ids = WorkerLog.stashIdsOpened(worker.process().log(), stack.stashDir().resolve("demo"));
            report.line("stash opened %d times, always the same stash %s", ids.size(), ids.isEmpty() ? "?" : ids.get(0));
            assertEquals(KILLS + 1, ids.size(), "the stash was opened once per worker start");
            assertEquals(1, ids.stream().distinct().count(), "every worker start opened the same stash: " + ids);
            report.line("SUMMARY sigkill-standalone: %d records, %d kills, lost %d, duplicated %d, out of order %d, %.0f s",
                produced, KILLS, verdict.missing(), verdict.duplicates(), verdict.outOfOrder(), report.seconds());
        }
    }
}
