package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.KafkaCluster;
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
 * A standalone Connect worker process running the pair (the packaged plugin on plugin.path, config/local's worker
 * and connector configs) is killed with SIGKILL at random points while numbered records flow into the input topic,
 * and started again on the same data directory, so on the same stash. Afterwards every number is on the output
 * topic, in order per partition, byte for byte; duplicates are counted (at-least-once) and reported.
 *
 * <p>The kill points come from a seeded {@link Random}: the seed is printed and written to the report; run again
 * with {@code -Dfaults.seed=<seed>} to repeat the same points.
 */
@Tag("fault-ci")
class StandaloneSigkillFaultTest {
    static final int KILLS = 5;
    static final long RATE = 2_000;
    static final long FLOWING = 1_000;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyNumberArrivesInOrderAcrossFiveSigkillsOfTheWorker() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        FaultReport report = FaultReport.of("sigkill-standalone");
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("sigkill-standalone"))) {
            Pair pair = Pair.local();
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopic(in, ProcessStack.PARTITIONS);
            stack.createTopic(out, ProcessStack.PARTITIONS);
            // A killed worker's sink consumer would otherwise hold its partitions for the consumer's default 45 s.
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect").fastFailover());
            worker.connectors().start(pair);
            report.line("broker and standalone worker up (pid %d); pair RUNNING", worker.process().pid());

            RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
            for (int kill = 1; kill <= KILLS; kill++) {
                long flowingAfter = awaitFlowing(stack.kafka(), pair);
                long delay = random.nextInt(4_000);
                Deadline.pause(delay);
                long produced = stack.kafka().written(in);
                long emitted = stack.kafka().written(out);
                worker.kill();
                report.line("kill %d: SIGKILL worker pid %d, %d ms after records flowed end to end again (%.1f s after "
                    + "its start); input %d, output %d records", kill, worker.process().pid(), delay, flowingAfter / 1e3,
                    produced, emitted);
                Deadline.pause(random.nextInt(1_000));
                long t0 = System.nanoTime();
                worker.start();
                worker.connectors().start(pair);
                report.line("restart %d: worker pid %d, pair RUNNING again in %.1f s", kill, worker.process().pid(),
                    (System.nanoTime() - t0) / 1e9);
            }
            Deadline.pause(2_000);
            assertTrue(load.running(), "the load ended before the last kill");
            long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
            report.line("load stopped: %d numbered records produced at %d/s over 3 partitions", produced, RATE);

            long t0 = System.nanoTime();
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(60));
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

    /**
     * Waits until records flow end to end again: the sink's committed offsets (what it has stashed) and the output
     * topic (what the source emitted) both grew by {@link #FLOWING} records. Returns the milliseconds that took.
     */
    static long awaitFlowing(KafkaCluster kafka, Pair pair) {
        long t0 = System.nanoTime();
        String in = pair.inputTopic();
        String group = pair.sink().sinkGroup();
        long stashedBefore = kafka.committed(group, in);
        long emittedBefore = kafka.written(pair.outputTopic());
        Await.until("records to flow end to end", Duration.ofSeconds(120),
            () -> kafka.committed(group, in) >= stashedBefore + FLOWING
                && kafka.written(pair.outputTopic()) >= emittedBefore + FLOWING);
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
