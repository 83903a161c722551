package io.durastash.faults;

import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.ConnectorStatus;
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
 * The SIGKILL proof in distributed mode with exactly-once source support: a ConnectDistributed worker process
 * ({@code exactly.once.source.support=enabled}) runs the pair, the source with {@code exactly.once.support=required}
 * and {@code transaction.boundary=connector} (one Kafka transaction per stash batch). The worker is killed with
 * SIGKILL at random points while numbered records flow and started again on the same stash ({@link KillLoop}); the
 * connectors come back from the config topic by themselves. A {@code read_committed} reader must then see every
 * number exactly once, in order per partition: zero duplicates.
 */
@Tag("fault-full")
class DistributedExactlyOnceSigkillFaultTest {
    static final int KILLS = 5;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void readCommittedSeesEveryNumberExactlyOnceAcrossFiveSigkillsOfTheWorker() {
        FaultReport report = FaultReport.of("sigkill-distributed-eos");
        KillLoop loop = new KillLoop(report);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("sigkill-distributed-eos"))) {
            Pair pair = Pair.local().withSource("exactly.once.support", "required")
                .withSource("transaction.boundary", "connector");
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            // The killed worker leaves Connect's group, and its sink consumer the sink's group, after 6 s.
            WorkerProcess worker = stack.startWorker(WorkerSpec.distributed("connect-distributed")
                .property("exactly.once.source.support", "enabled").fastFailover());
            worker.connectors().start(pair);
            report.line("broker and distributed worker up (pid %d, exactly.once.source.support=enabled); pair RUNNING, "
                + "source with exactly.once.support=required, transaction.boundary=connector", worker.process().pid());

            // Nothing is deployed again: the connectors come back from the config topic.
            long produced = loop.run(stack, pair, worker, KILLS, () -> {
                for (String connector : List.of(pair.sink().name(), pair.source().name())) {
                    worker.connectors().awaitState(connector, ConnectorStatus.RUNNING, Connectors.START);
                }
            }, " (from the config topic)");

            long t0 = System.nanoTime();
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), Duration.ofSeconds(90));
            report.verdict(verdict);
            report.line("all records committed on the output topic %.1f s after the load stopped",
                (System.nanoTime() - t0) / 1e9);
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            assertEquals(produced, verdict.expected(), "the verdict counts what the load produced");
            assertEquals(0, verdict.duplicates(), "exactly once: no number twice under read_committed");

            List<String> ids = WorkerLog.stashIdsOpened(worker.process().log(), stack.stashDir().resolve("demo"));
            assertEquals(1, ids.stream().distinct().count(), "every worker start opened the same stash: " + ids);
            report.line("stash opened %d times, always the same stash %s", ids.size(), ids.get(0));
            report.line("SUMMARY sigkill-distributed-eos: %d records, %d kills, lost %d, duplicated %d (read_committed), "
                + "out of order %d, %.0f s", produced, KILLS, verdict.missing(), verdict.duplicates(),
                verdict.outOfOrder(), report.seconds());
        }
    }
}
