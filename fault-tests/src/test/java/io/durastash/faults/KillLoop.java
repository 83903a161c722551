package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.time.Duration;
import java.util.Random;

/**
 * The SIGKILL proofs' loop: while numbered records flow into the pair's input at a steady rate, the worker is killed
 * with SIGKILL at random points, each time once records flow end to end again, and started again on the same stash.
 * The points come from a seeded {@link Random}: the seed is written to the report; {@code -Dfaults.seed=<seed>}
 * repeats them.
 */
final class KillLoop {
    static final long RATE = 2_000;
    /** Records that must reach the stash and the output again before the next kill. */
    static final long FLOWING = 1_000;

    private final FaultReport report;
    private final Random random;

    KillLoop(FaultReport report) {
        long seed = Seeds.seed();
        this.report = report;
        this.random = new Random(seed);
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
    }

    /**
     * Kills {@code worker} {@code kills} times; after each start, {@code connectorsBack} brings the pair back to
     * RUNNING ({@code note} says how, in the report). Stops the load 2 s after the last restart and returns how many
     * records Kafka acknowledged.
     */
    long run(ProcessStack stack, Pair pair, WorkerProcess worker, int kills, Runnable connectorsBack, String note) {
        String in = pair.inputTopic();
        RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
        for (int kill = 1; kill <= kills; kill++) {
            long flowingAfter = awaitFlowing(stack.kafka(), pair);
            long delay = random.nextInt(4_000);
            Deadline.pause(delay);
            long produced = stack.kafka().written(in);
            long emitted = stack.kafka().written(pair.outputTopic());
            worker.kill();
            report.line("kill %d: SIGKILL worker pid %d, %d ms after records flowed end to end again (%.1f s after "
                + "its start); input %d, output %d records", kill, worker.process().pid(), delay, flowingAfter / 1e3,
                produced, emitted);
            Deadline.pause(random.nextInt(1_000));
            long t0 = System.nanoTime();
            worker.start();
            connectorsBack.run();
            report.line("restart %d: worker pid %d, pair RUNNING again in %.1f s%s", kill, worker.process().pid(),
                (System.nanoTime() - t0) / 1e9, note);
        }
        Deadline.pause(2_000);
        if (!load.running()) {
            throw new AssertionError("the load ended before the last kill");
        }
        long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
        report.line("load stopped: %d numbered records produced at %d/s over %d partitions", produced, RATE,
            ProcessStack.PARTITIONS);
        return produced;
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
