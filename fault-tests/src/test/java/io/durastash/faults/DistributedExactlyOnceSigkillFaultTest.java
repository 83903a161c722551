package io.durastash.faults;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIGKILL proof in distributed mode with exactly-once source support: a ConnectDistributed worker process
 * ({@code exactly.once.source.support=enabled}) runs the pair, the source with {@code exactly.once.support=required}
 * and {@code transaction.boundary=connector} (one Kafka transaction per stash batch). The worker is killed with
 * SIGKILL at random points while numbered records flow and started again on the same stash; the connectors come
 * back from the config topic by themselves. A {@code read_committed} reader must then see every number exactly
 * once, in order per partition: zero duplicates.
 */
@Tag("fault-full")
class DistributedExactlyOnceSigkillFaultTest {
    static final int KILLS = 5;
    static final long RATE = 2_000;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void readCommittedSeesEveryNumberExactlyOnceAcrossFiveSigkillsOfTheWorker() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        FaultReport report = FaultReport.of("sigkill-distributed-eos");
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("sigkill-distributed-eos"))) {
            Pair pair = Pair.local().withSource("exactly.once.support", "required")
                .withSource("transaction.boundary", "connector");
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopic(in, ProcessStack.PARTITIONS);
            stack.createTopic(out, ProcessStack.PARTITIONS);
            // The killed worker leaves Connect's group, and its sink consumer the sink's group, after 6 s.
            WorkerProcess worker = stack.startWorker(WorkerSpec.distributed("connect-distributed")
                .property("exactly.once.source.support", "enabled").fastFailover());
            worker.connectors().start(pair);
            report.line("broker and distributed worker up (pid %d, exactly.once.source.support=enabled); pair RUNNING, "
                + "source with exactly.once.support=required, transaction.boundary=connector", worker.process().pid());

            RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
            for (int kill = 1; kill <= KILLS; kill++) {
                long flowingAfter = StandaloneSigkillFaultTest.awaitFlowing(stack.kafka(), pair);
                long delay = random.nextInt(4_000);
                Deadline.pause(delay);
                long produced = stack.kafka().written(in);
                long emitted = stack.kafka().written(out);
                worker.kill();
                report.line("kill %d: SIGKILL worker pid %d, %d ms after records flowed end to end again (%.1f s after "
                    + "its start); input %d, output %d records (with aborted transactions)", kill, worker.process().pid(),
                    delay, flowingAfter / 1e3, produced, emitted);
                Deadline.pause(random.nextInt(1_000));
                long t0 = System.nanoTime();
                worker.start();
                // Nothing is deployed again: the connectors come back from the config topic.
                for (String connector : List.of(pair.sink().name(), pair.source().name())) {
                    worker.connectors().awaitState(connector, ConnectorStatus.RUNNING, Connectors.START);
                }
                report.line("restart %d: worker pid %d, pair RUNNING again in %.1f s (from the config topic)", kill,
                    worker.process().pid(), (System.nanoTime() - t0) / 1e9);
            }
            Deadline.pause(2_000);
            assertTrue(load.running(), "the load ended before the last kill");
            long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
            report.line("load stopped: %d numbered records produced at %d/s over 3 partitions", produced, RATE);

            long t0 = System.nanoTime();
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(90));
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
