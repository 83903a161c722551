package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the input partitions go on a cluster of three worker processes, read from the sink's consumer group: after a
 * cold start and after a rolling restart, within 30 s every worker that runs a sink task and a source task of the pair
 * (so that its stash has a drainer) holds input partitions; the first worker whose source task starts does not keep
 * them all. And a newcomer's config without the placement the cluster needs is refused at creation, with the line to
 * add.
 */
class ClusterPlacementFaultTest {
    static final Duration SPREAD_WITHIN = Duration.ofSeconds(30);
    /** How long Connect's placement of the tasks must hold still before the partitions are judged. */
    static final Duration PLACEMENT_STILL = Duration.ofSeconds(3);

    @Test
    @Tag("fault-ci")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyWorkerThatDrainsGetsInputPartitionsAfterAColdAndARollingStart() {
        coldAndRollingStart("cluster-placement", Map.of());
    }

    /**
     * With Connect's eager protocol, which deals each connector's tasks round-robin over the workers at every
     * rebalance, every worker runs one sink and one source task of the pair, so the input is spread over all three
     * workers after the cold and after the rolling start (the incremental protocol balances task counts only, and
     * after a rolling start may leave one worker holding every partition). Every task is stopped and started again at
     * each rebalance there, also while it still starts: a task that Connect starts again while its previous instance
     * still stops keeps running (it takes its metrics over) instead of failing on them.
     */
    @Test
    @Tag("fault-full")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void withConnectsEagerProtocolEveryWorkerTakesAShareOfTheInputAfterAColdAndARollingStart() {
        List<Map<String, Integer>> spread = coldAndRollingStart("cluster-placement-eager",
            Map.of("connect.protocol", "eager"));
        int share = ClusterChurn.PARTITIONS / ClusterChurn.WORKERS;
        for (Map<String, Integer> partitions : spread) {
            assertEquals(ClusterChurn.WORKERS, partitions.size(), "a sink task on every worker: " + spread);
            assertTrue(partitions.values().stream().allMatch(held -> held == share), "an even share on every worker: "
                + spread);
        }
    }

    /** The input partitions by worker after the cold start and after the rolling start, once they are spread. */
    private static List<Map<String, Integer>> coldAndRollingStart(String name, Map<String, String> workerProperties) {
        FaultReport report = FaultReport.of(name);
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh(name))) {
            Pair pair = Pair.local().tasks(ClusterChurn.WORKERS, ClusterChurn.WORKERS)
                .both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}");
            stack.createTopics(pair, ClusterChurn.PARTITIONS);
            List<WorkerProcess> workers = new ArrayList<>();
            for (int i = 1; i <= ClusterChurn.WORKERS; i++) {
                // Connect gives a departed worker's tasks to the others after 5 s instead of 5 minutes.
                workers.add(stack.startWorker(WorkerSpec.distributed("worker-" + i).fastFailover()
                    .property("scheduled.rebalance.max.delay.ms", "5000").properties(workerProperties)
                    .stashDir(stack.root().resolve("stash-" + i))));
            }
            refusesTheMinimalConfigSayingWhatToAdd(stack, pair, report);

            long started = System.nanoTime();
            stack.connectors().start(pair);
            Map<String, Integer> afterColdStart = awaitSpread(stack, pair, report, "cold start", started);

            for (WorkerProcess worker : workers) {
                long stopping = System.nanoTime();
                boolean clean = worker.stop();
                double stopSeconds = (System.nanoTime() - stopping) / 1e9;
                worker.start();
                stack.connectors().awaitRunning(pair.sink().name(), ClusterChurn.WORKERS, Connectors.START);
                stack.connectors().awaitRunning(pair.source().name(), ClusterChurn.WORKERS, Connectors.START);
                report.line("%s restarted: %s in %.1f s", worker.name(),
                    clean ? "stopped cleanly" : "did not stop in time and was killed", stopSeconds);
            }
            return List.of(afterColdStart, awaitSpread(stack, pair, report, "rolling start", System.nanoTime()));
        }
    }

    /** The sink of config/local without the consumer override that places input partitions. */
    private static void refusesTheMinimalConfigSayingWhatToAdd(ProcessStack stack, Pair pair, FaultReport report) {
        try {
            List<String> problems = stack.workers().get(0).rest().validate(
                pair.sink().with("consumer.override.partition.assignment.strategy", null));
            report.line("a sink config without the placement override: %s", problems);
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("consumer.override.partition.assignment.strategy:")
                && p.contains("\"consumer.override.partition.assignment.strategy\": "
                    + "\"io.durastash.sink.placement.DrainerAssignor\"")), problems.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until Connect's placement of the pair's tasks has held still for {@link #PLACEMENT_STILL} and, in it, every
     * worker that runs a sink task and a source task (its stash has a drainer) holds input partitions and every worker
     * with a sink task only holds none (the group's members are named by Connect as
     * {@code connector-consumer-<sink>-<task>}, placed by the sink's task status). Returns how many each worker holds.
     */
    private static Map<String, Integer> awaitSpread(ProcessStack stack, Pair pair, FaultReport report, String after,
                                                    long since) {
        Map<String, Set<TopicPartition>> last = new TreeMap<>();
        Set<String> draining = new HashSet<>();
        List<Map<Integer, String>> placement = new ArrayList<>();
        long[] placedAt = {System.nanoTime()};
        try {
            Await.until("every worker with a drainer to hold input partitions after the " + after, SPREAD_WITHIN, () -> {
                last.clear();
                draining.clear();
                Map<Integer, String> sinkWorkers = taskWorkers(stack, pair.sink().name());
                Map<Integer, String> sourceWorkers = taskWorkers(stack, pair.source().name());
                if (!placement.equals(List.of(sinkWorkers, sourceWorkers))) {
                    placement.clear();
                    placement.addAll(List.of(sinkWorkers, sourceWorkers));
                    placedAt[0] = System.nanoTime();
                }
                draining.addAll(sourceWorkers.values());
                draining.retainAll(sinkWorkers.values());
                Map<String, Set<TopicPartition>> members = stack.kafka().assignments(pair.sink().sinkGroup());
                sinkWorkers.forEach((task, worker) -> last.computeIfAbsent(worker, w -> new HashSet<>()).addAll(
                    members.getOrDefault("connector-consumer-" + pair.sink().name() + "-" + task, Set.of())));
                boolean still = sinkWorkers.size() == ClusterChurn.WORKERS && sourceWorkers.size() == ClusterChurn.WORKERS
                    && System.nanoTime() - placedAt[0] >= PLACEMENT_STILL.toNanos();
                return still && !draining.isEmpty() && last.entrySet().stream()
                    .allMatch(held -> draining.contains(held.getKey()) != held.getValue().isEmpty());
            });
            return counts(last);
        } finally {
            report.line("after the %s (%.1f s): input partitions by worker %s; workers with a sink and a source task %s; "
                + "tasks by worker (sink, source) %s", after, (System.nanoTime() - since) / 1e9, counts(last), draining,
                placement);
        }
    }

    private static Map<Integer, String> taskWorkers(ProcessStack stack, String connector) {
        try {
            return stack.workers().get(0).rest().taskWorkers(connector);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Integer> counts(Map<String, Set<TopicPartition>> partitions) {
        Map<String, Integer> counts = new TreeMap<>();
        partitions.forEach((worker, held) -> counts.put(worker, held.size()));
        return counts;
    }
}
