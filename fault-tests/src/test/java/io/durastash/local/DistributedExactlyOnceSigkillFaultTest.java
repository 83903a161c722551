package io.durastash.local;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    static final Map<String, String> WORKER_OVERRIDES = Map.of(
        "exactly.once.source.support", "enabled",
        // The killed worker leaves Connect's group, and its sink consumer the sink's group, after 6 s, not 10 s / 45 s.
        "session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1500",
        "consumer.session.timeout.ms", "6000",
        "consumer.heartbeat.interval.ms", "1500");

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void readCommittedSeesEveryNumberExactlyOnceAcrossFiveSigkillsOfTheWorker() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        FaultReport report = FaultReport.of("sigkill-distributed-eos");
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
        try (FaultStack stack = FaultStack.start(FaultData.fresh("sigkill-distributed-eos"))) {
            String in = stack.inputTopic();
            String out = stack.outputTopic();
            stack.createTopics(in, out, Map.of());
            int port = Ports.anyFree();
            ConnectorConfigFile sink = stack.sink();
            ConnectorConfigFile source = stack.source(Map.of("exactly.once.support", "required",
                "transaction.boundary", "connector"));
            ConnectWorker worker = stack.startDistributed("connect-distributed", port, WORKER_OVERRIDES);
            FaultStack.deploy(worker, sink, false);
            FaultStack.deploy(worker, source, false);
            report.line("broker and distributed worker up (pid %d, exactly.once.source.support=enabled); pair RUNNING, "
                + "source with exactly.once.support=required, transaction.boundary=connector", worker.process().pid());

            BackgroundLoad load = BackgroundLoad.start(stack.cluster(), in, 100, RATE);
            for (int kill = 1; kill <= KILLS; kill++) {
                long flowingAfter = StandaloneSigkillFaultTest.awaitFlowing(stack, in, out, sink.sinkGroup());
                long delay = random.nextInt(4_000);
                FaultStack.sleep(delay);
                long produced = stack.records(in);
                long emitted = stack.records(out);
                FaultStack.kill(worker);
                report.line("kill %d: SIGKILL worker pid %d, %d ms after records flowed end to end again (%.1f s after "
                    + "its start); input %d, output %d records (with aborted transactions)", kill, worker.process().pid(),
                    delay, flowingAfter / 1e3, produced, emitted);
                FaultStack.sleep(random.nextInt(1_000));
                long t0 = System.nanoTime();
                worker = stack.startDistributed("connect-distributed", port, WORKER_OVERRIDES);
                // Nothing is deployed again: the connectors come back from the config topic.
                FaultStack.awaitState(worker, sink, "RUNNING");
                FaultStack.awaitState(worker, source, "RUNNING");
                report.line("restart %d: worker pid %d, pair RUNNING again in %.1f s (from the config topic)", kill,
                    worker.process().pid(), (System.nanoTime() - t0) / 1e9);
            }
            FaultStack.sleep(2_000);
            assertTrue(load.running(), "the load ended before the last kill");
            long produced = load.stop();
            report.line("load stopped: %d numbered records produced at %d/s over 3 partitions", produced, RATE);

            long t0 = System.nanoTime();
            Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(90));
            report.verdict(verdict);
            report.line("all records committed on the output topic %.1f s after the load stopped",
                (System.nanoTime() - t0) / 1e9);
            assertTrue(verdict.passed(), verdict.describe(in, out));
            assertEquals(produced, verdict.expected(), "the verdict counts what the load produced");
            assertEquals(0, verdict.duplicates(), "exactly once: no number twice under read_committed");

            List<String> ids = FaultStack.stashIdsOpened(worker.process().log(), stack.stashDir().resolve("demo"));
            assertEquals(1, ids.stream().distinct().count(), "every worker start opened the same stash: " + ids);
            report.line("stash opened %d times, always the same stash %s", ids.size(), ids.get(0));
            report.line("SUMMARY sigkill-distributed-eos: %d records, %d kills, lost %d, duplicated %d (read_committed), "
                + "out of order %d, %.0f s", produced, KILLS, verdict.missing(), verdict.duplicates(),
                verdict.outOfOrder(), report.seconds());
        }
    }
}
