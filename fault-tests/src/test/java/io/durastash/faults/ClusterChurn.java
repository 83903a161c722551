package io.durastash.faults;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Connect cluster as users run it: {@link #WORKERS} {@code ConnectDistributed} worker processes, each with a stash
 * directory of its own (the pair's {@code stash.dir} is {@code ${env:DURASTASH_STASH_DIR}}, resolved by each worker's
 * EnvVarConfigProvider), running the pair with one sink and one source task per worker. While numbered records flow
 * at a steady rate, workers are SIGKILLed one at a time at random points and started again, on their own directory or
 * on an emptied one (the disk replaced), some of them after the source connector was paused for a few seconds so that
 * the stashes hold a backlog; each kill takes the next worker in turn. The points come from a seeded {@link Random} (see {@link Seeds}).
 */
final class ClusterChurn {
    static final int WORKERS = 3;
    static final int PARTITIONS = 6;
    static final long RATE = 1_000;

    /** What a killed worker starts on again. */
    enum Disk { OWN, EMPTY }

    /** One kill: what the worker starts on again, and whether the source is paused for a few seconds first. */
    record Kill(Disk disk, boolean sourcePausedFirst) {
    }

    /** What a run did: records the load produced, kills and replacements, and when the last worker came back. */
    record Run(long produced, int kills, int replacements, long lastRestartNanos) {
    }

    private final ProcessStack stack;
    private final FaultReport report;
    private final Random random;
    private final Pair pair;
    private final List<WorkerProcess> workers = new ArrayList<>();

    private ClusterChurn(ProcessStack stack, FaultReport report) {
        long seed = Seeds.seed();
        this.stack = stack;
        this.report = report;
        this.random = new Random(seed);
        this.pair = Pair.local().tasks(WORKERS, WORKERS).both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}");
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
    }

    /** Starts the workers on {@code stack} and the pair on them, its topics with {@link #PARTITIONS} partitions. */
    static ClusterChurn start(ProcessStack stack, FaultReport report) {
        ClusterChurn churn = new ClusterChurn(stack, report);
        stack.createTopics(churn.pair, PARTITIONS);
        for (int i = 1; i <= WORKERS; i++) {
            WorkerProcess worker = stack.startWorker(WorkerSpec.distributed("worker-" + i).fastFailover()
                .stashDir(stack.root().resolve("stash-" + i)));
            churn.workers.add(worker);
            report.line("worker-%d up (pid %d), stash directory %s", i, worker.process().pid(), worker.stashDir());
        }
        stack.connectors().start(churn.pair);
        report.line("pair RUNNING: %d sink and %d source tasks, input %s with %d partitions", WORKERS, WORKERS,
            churn.pair.inputTopic(), PARTITIONS);
        return churn;
    }

    Pair pair() {
        return pair;
    }

    List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    /**
     * Runs the load at {@link #RATE} records/s for at least {@code least} and the kills, one after the other, spread
     * over that time, each once records flow end to end again; stops the load 2 s after the last worker came back.
     */
    Run run(List<Kill> kills, Duration least) {
        String in = pair.inputTopic();
        long t0 = System.nanoTime();
        RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
        long lastRestart = t0;
        int replacements = 0;
        int firstKilled = random.nextInt(WORKERS); // then the next one each time: every worker dies
        for (int k = 0; k < kills.size(); k++) {
            Kill kill = kills.get(k);
            KillLoop.awaitFlowing(stack.kafka(), pair);
            // Spread over the run, so that the last worker comes back as the load ends.
            long due = least.toMillis() * (k + 1) / (kills.size() + 1) - (System.nanoTime() - t0) / 1_000_000;
            Deadline.pause(Math.max(0, due));
            if (kill.sourcePausedFirst()) {
                stack.connectors().pause(pair.source().name());
                long paused = 3_000 + random.nextInt(3_000);
                Deadline.pause(paused);
                report.line("kill %d: source paused for %d ms first, so that the stashes hold a backlog", k + 1, paused);
            }
            Deadline.pause(random.nextInt(3_000));
            WorkerProcess worker = workers.get((firstKilled + k) % WORKERS);
            long pid = worker.process().pid();
            worker.kill();
            if (kill.disk() == Disk.EMPTY) {
                worker.emptyStash();
                replacements++;
            }
            report.line("kill %d: SIGKILL %s (pid %d)%s; input %d, output %d records", k + 1, worker.name(), pid,
                kill.disk() == Disk.EMPTY ? ", its stash directory replaced by an empty one" : "",
                stack.kafka().written(in), stack.kafka().written(pair.outputTopic()));
            Deadline.pause(random.nextInt(1_000));
            long restart = System.nanoTime();
            worker.start();
            if (kill.sourcePausedFirst()) {
                stack.connectors().resume(pair.source().name());
            }
            stack.connectors().awaitRunning(pair.sink().name(), WORKERS, Connectors.START);
            stack.connectors().awaitRunning(pair.source().name(), WORKERS, Connectors.START);
            lastRestart = System.nanoTime();
            report.line("restart %d: %s (pid %d) up, pair RUNNING again in %.1f s", k + 1, worker.name(),
                worker.process().pid(), (lastRestart - restart) / 1e9);
        }
        long remaining = least.toMillis() - (System.nanoTime() - t0) / 1_000_000;
        Deadline.pause(Math.max(2_000, remaining));
        if (!load.running()) {
            throw new AssertionError("the load ended before the last kill");
        }
        long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
        report.line("load stopped: %d numbered records produced at %d/s over %d partitions in %.0f s", produced, RATE,
            PARTITIONS, (System.nanoTime() - t0) / 1e9);
        return new Run(produced, kills.size(), replacements, lastRestart);
    }
}
