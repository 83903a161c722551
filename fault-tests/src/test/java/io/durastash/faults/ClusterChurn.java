package io.durastash.faults;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A Connect cluster as users run it: {@link #WORKERS} {@code ConnectDistributed} worker processes, each with a stash
 * directory of its own (the pair's {@code stash.dir} is {@code ${env:DURASTASH_STASH_DIR}}, resolved by each worker's
 * EnvVarConfigProvider), running the pair with one sink and one source task per worker. While numbered records flow
 * at a steady rate, workers meet faults one at a time at random points, each the next worker in turn: a SIGKILL and a
 * start again, on their own directory or on an emptied one (the disk replaced); a freeze (SIGSTOP) past the session
 * timeouts and a wake-up (SIGCONT), a zombie; or a clean stop (SIGTERM) and a start, as in a rolling restart. Before some
 * faults the source connector is paused for a few seconds so that the stashes hold a backlog; before a freeze it is
 * resumed again just before the SIGSTOP, so that the frozen worker wakes up delivering that backlog. The points come
 * from a seeded {@link Random} (see {@link Seeds}).
 */
final class ClusterChurn {
    static final int WORKERS = 3;
    static final int PARTITIONS = 6;
    static final long RATE = 1_000;
    /** How long a frozen worker stays frozen: past the 6 s sessions of {@link WorkerSpec#fastFailover()}. */
    static final long FREEZE_MS = 15_000;

    /** What a worker meets. */
    enum Fault {
        /** SIGKILL, then a start: no shutdown, nothing flushed. */
        KILL,
        /** SIGSTOP for {@link #FREEZE_MS}, then SIGCONT: expelled from its groups, it wakes up and goes on. */
        FREEZE,
        /** SIGTERM, Connect's clean shutdown, then a start: a rolling restart. */
        STOP
    }

    /** What a killed worker starts on again. */
    enum Disk { OWN, EMPTY }

    /** One fault: what, what a killed worker starts on, and whether the source is paused for a few seconds first. */
    record Kill(Fault fault, Disk disk, boolean sourcePausedFirst) {
        Kill(Disk disk, boolean sourcePausedFirst) {
            this(Fault.KILL, disk, sourcePausedFirst);
        }
    }

    /**
     * What a run did: records the load produced, faults and replacements, when the last worker was back and the load
     * had stopped (whichever came later: from then on nothing is in the way of the last records), and when each fault
     * struck (System.nanoTime).
     */
    record Run(long produced, int kills, int replacements, long settledNanos, List<Long> faultNanos) {
    }

    /**
     * How the cluster is set up: the pair on top of config/local ({@code pair}), the workers on top of the distributed
     * defaults ({@code worker}), and whether another team's connector with {@link #OTHER_TASKS} tasks shares them.
     */
    record Setup(UnaryOperator<Pair> pair, UnaryOperator<WorkerSpec> worker, boolean otherConnector) {
        static Setup plain() {
            return new Setup(pair -> pair, worker -> worker, false);
        }

        Setup pair(UnaryOperator<Pair> change) {
            return new Setup(p -> change.apply(pair.apply(p)), worker, otherConnector);
        }

        Setup worker(UnaryOperator<WorkerSpec> change) {
            return new Setup(pair, w -> change.apply(worker.apply(w)), otherConnector);
        }

        Setup withOtherConnector() {
            return new Setup(pair, worker, true);
        }
    }

    static final int OTHER_TASKS = 6;
    /**
     * The system property of a test run that switches fixes off in every worker (durastash.switched.off there), to
     * show that the run fails without them: {@code -Dfaults.switchedOff=gate}.
     */
    static final String SWITCHED_OFF = "faults.switchedOff";

    private final ProcessStack stack;
    private final FaultReport report;
    private final Random random;
    private final Pair pair;
    private final List<WorkerProcess> workers = new ArrayList<>();

    private ClusterChurn(ProcessStack stack, FaultReport report, Setup setup) {
        long seed = Seeds.seed();
        this.stack = stack;
        this.report = report;
        this.random = new Random(seed);
        this.pair = setup.pair().apply(Pair.local().tasks(WORKERS, WORKERS)
            .both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}"));
        report.line("seed %d (repeat with -Dfaults.seed=%d)", seed, seed);
    }

    /** Starts the workers on {@code stack} and the pair on them, its topics with {@link #PARTITIONS} partitions. */
    static ClusterChurn start(ProcessStack stack, FaultReport report) {
        return start(stack, report, Setup.plain());
    }

    static ClusterChurn start(ProcessStack stack, FaultReport report, Setup setup) {
        ClusterChurn churn = new ClusterChurn(stack, report, setup);
        stack.createTopics(churn.pair, PARTITIONS);
        String switchedOff = System.getProperty(SWITCHED_OFF, "");
        if (!switchedOff.isBlank()) {
            report.line("SWITCHED OFF in every worker, to show that it matters: %s", switchedOff);
        }
        for (int i = 1; i <= WORKERS; i++) {
            WorkerSpec spec = WorkerSpec.distributed("worker-" + i).fastFailover()
                .stashDir(stack.root().resolve("stash-" + i));
            if (!switchedOff.isBlank()) {
                spec.jvmOption("-Ddurastash.switched.off=" + switchedOff);
            }
            WorkerProcess worker = stack.startWorker(setup.worker().apply(spec));
            churn.workers.add(worker);
            report.line("worker-%d up (pid %d), stash directory %s", i, worker.process().pid(), worker.stashDir());
        }
        if (setup.otherConnector()) {
            churn.startOtherConnector();
        }
        stack.connectors().start(churn.pair);
        report.line("pair RUNNING: %d sink and %d source tasks, input %s with %d partitions, input.commit=%s", WORKERS,
            WORKERS, churn.pair.inputTopic(), PARTITIONS, churn.pair.sink().config().getOrDefault("input.commit",
                "delivered"));
        return churn;
    }

    /**
     * Another team's connector on the same workers: MirrorMaker 2's source connector copying a topic of
     * {@link #OTHER_TASKS} partitions within the cluster, one task per partition. Connect balances task counts, not
     * pairs, so it moves the pair's tasks around.
     */
    private void startOtherConnector() {
        String topic = "other-team-in";
        stack.kafka().ensureTopic(topic, OTHER_TASKS);
        RecordLoad.produce(stack.kafka(), topic, NumberedRecords.of(topic), 6_000);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.mirror.MirrorSourceConnector");
        config.put("tasks.max", String.valueOf(OTHER_TASKS));
        config.put("source.cluster.alias", "here");
        config.put("target.cluster.alias", "copy");
        config.put("source.cluster.bootstrap.servers", stack.bootstrapServers());
        config.put("target.cluster.bootstrap.servers", stack.bootstrapServers());
        config.put("topics", topic);
        config.put("replication.factor", "1");
        config.put("offset-syncs.topic.replication.factor", "1");
        config.put("sync.topic.acls.enabled", "false");
        config.put("sync.topic.configs.enabled", "false");
        config.put("refresh.topics.interval.seconds", "5");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        ConnectorConfig other = ConnectorConfig.of("other-team-mirror", config);
        stack.connectors().deploy(other);
        stack.connectors().awaitRunning(other.name(), OTHER_TASKS, Connectors.START);
        report.line("another team's connector RUNNING: %s with %d tasks", other.name(), OTHER_TASKS);
    }

    Pair pair() {
        return pair;
    }

    List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    /**
     * Runs the load at {@link #RATE} records/s for at least {@code least} and the faults, one after the other, spread
     * over that time, each once records flow end to end again; stops the load 2 s after the last worker came back.
     */
    Run run(List<Kill> kills, Duration least) {
        String in = pair.inputTopic();
        long t0 = System.nanoTime();
        RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
        long lastRestart = t0;
        int replacements = 0;
        List<Long> struck = new ArrayList<>();
        int firstKilled = random.nextInt(WORKERS); // then the next one each time: every worker meets one
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
                report.line("fault %d: source paused for %d ms first, so that the stashes hold a backlog", k + 1, paused);
            }
            boolean zombieWithBacklog = kill.sourcePausedFirst() && kill.fault() == Fault.FREEZE;
            if (zombieWithBacklog) {
                // The output goes on as the worker freezes: it wakes up in the middle of delivering its backlog.
                stack.connectors().resume(pair.source().name());
                Deadline.pause(random.nextInt(300));
            } else {
                Deadline.pause(random.nextInt(3_000));
            }
            WorkerProcess worker = workers.get((firstKilled + k) % WORKERS);
            struck.add(System.nanoTime());
            long restart = fault(k + 1, kill, worker);
            if (kill.disk() == Disk.EMPTY) {
                replacements++;
            }
            if (kill.sourcePausedFirst() && !zombieWithBacklog) {
                stack.connectors().resume(pair.source().name());
            }
            stack.connectors().awaitRunning(pair.sink().name(), WORKERS, Connectors.START);
            stack.connectors().awaitRunning(pair.source().name(), WORKERS, Connectors.START);
            lastRestart = System.nanoTime();
            report.line("fault %d: %s (pid %d) back, pair RUNNING again in %.1f s", k + 1, worker.name(),
                worker.process().pid(), (lastRestart - restart) / 1e9);
        }
        long remaining = least.toMillis() - (System.nanoTime() - t0) / 1_000_000;
        Deadline.pause(Math.max(2_000, remaining));
        if (!load.running()) {
            throw new AssertionError("the load ended before the last fault");
        }
        long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
        report.line("load stopped: %d numbered records produced at %d/s over %d partitions in %.0f s", produced, RATE,
            PARTITIONS, (System.nanoTime() - t0) / 1e9);
        return new Run(produced, kills.size(), replacements, Math.max(lastRestart, System.nanoTime()),
            List.copyOf(struck));
    }

    /** Applies {@code kill} to {@code worker}; returns when the worker started coming back (System.nanoTime). */
    private long fault(int number, Kill kill, WorkerProcess worker) {
        long pid = worker.process().pid();
        String in = pair.inputTopic();
        String where = "input " + stack.kafka().written(in) + ", output " + stack.kafka().written(pair.outputTopic())
            + " records";
        switch (kill.fault()) {
            case FREEZE -> {
                worker.suspend();
                report.line("fault %d: SIGSTOP %s (pid %d) for %d ms; %s", number, worker.name(), pid, FREEZE_MS, where);
                Deadline.pause(FREEZE_MS);
                long woken = System.nanoTime();
                worker.resume();
                report.line("fault %d: SIGCONT %s (pid %d): a zombie until it learns it was expelled", number,
                    worker.name(), pid);
                return woken;
            }
            case STOP -> {
                boolean clean = worker.stop();
                report.line("fault %d: SIGTERM %s (pid %d), %s; %s", number, worker.name(), pid,
                    clean ? "stopped cleanly" : "did not stop in time and was killed", where);
            }
            default -> {
                worker.kill();
                report.line("fault %d: SIGKILL %s (pid %d)%s; %s", number, worker.name(), pid,
                    kill.disk() == Disk.EMPTY ? ", its stash directory replaced by an empty one" : "", where);
            }
        }
        if (kill.disk() == Disk.EMPTY) {
            worker.emptyStash();
        }
        Deadline.pause(random.nextInt(1_000));
        long restart = System.nanoTime();
        worker.start();
        return restart;
    }
}
