package io.durastash.local;

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
    /**
     * A killed worker's sink consumer stays in its group until the broker expires its session: with the consumer's
     * default (45 s) the restarted sink would wait that long before it consumes again (seen in the first runs of
     * this test). Production workers that may be killed want it shorter too; 6 s is the broker's minimum.
     */
    static final java.util.Map<String, String> WORKER_OVERRIDES = java.util.Map.of(
        "consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1500");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyNumberArrivesInOrderAcrossFiveSigkillsOfTheWorker() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        FaultReport report = FaultReport.of("sigkill-standalone");
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
        try (FaultStack stack = FaultStack.start(FaultData.fresh("sigkill-standalone"))) {
            String in = stack.inputTopic();
            String out = stack.outputTopic();
            stack.createTopics(in, out, java.util.Map.of());
            int port = Ports.anyFree();
            ConnectWorker worker = startPair(stack, port);
            report.line("broker and standalone worker up (pid %d); pair RUNNING", worker.process().pid());

            BackgroundLoad load = BackgroundLoad.start(stack.cluster(), in, 100, RATE);
            for (int kill = 1; kill <= KILLS; kill++) {
                long flowingAfter = awaitFlowing(stack, in, out, stack.sink().sinkGroup());
                long delay = random.nextInt(4_000);
                FaultStack.sleep(delay);
                long produced = stack.records(in);
                long emitted = stack.records(out);
                FaultStack.kill(worker);
                report.line("kill %d: SIGKILL worker pid %d, %d ms after records flowed end to end again (%.1f s after "
                    + "its start); input %d, output %d records", kill, worker.process().pid(), delay, flowingAfter / 1e3,
                    produced, emitted);
                FaultStack.sleep(random.nextInt(1_000));
                long t0 = System.nanoTime();
                worker = startPair(stack, port);
                report.line("restart %d: worker pid %d, pair RUNNING again in %.1f s", kill, worker.process().pid(),
                    (System.nanoTime() - t0) / 1e9);
            }
            FaultStack.sleep(2_000);
            assertTrue(load.running(), "the load ended before the last kill");
            long produced = load.stop();
            report.line("load stopped: %d numbered records produced at %d/s over 3 partitions", produced, RATE);

            long t0 = System.nanoTime();
            Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(60));
            report.verdict(verdict);
            report.line("all records on the output topic %.1f s after the load stopped", (System.nanoTime() - t0) / 1e9);
            assertTrue(verdict.passed(), verdict.describe(in, out));
            assertEquals(produced, verdict.expected(), "the verdict counts what the load produced");

            List<String> ids = FaultStack.stashIdsOpened(worker.process().log(), stack.stashDir().resolve("demo"));
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
    static long awaitFlowing(FaultStack stack, String in, String out, String sinkGroup) {
        long t0 = System.nanoTime();
        long stashedBefore = stack.committed(in, sinkGroup);
        long emittedBefore = stack.records(out);
        FaultStack.await("records to flow end to end", Duration.ofSeconds(120),
            () -> stack.committed(in, sinkGroup) >= stashedBefore + FLOWING && stack.records(out) >= emittedBefore + FLOWING);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * A standalone worker on {@code port} with config/local's sink and source deployed through REST and RUNNING. The
     * worker runs config/local/worker.properties with one override, {@link #WORKER_OVERRIDES}.
     */
    static ConnectWorker startPair(FaultStack stack, int port) {
        ConnectWorker worker = stack.startStandalone("connect", port, WORKER_OVERRIDES);
        FaultStack.deploy(worker, stack.sink(), false);
        FaultStack.deploy(worker, stack.source(), false);
        return worker;
    }
}
