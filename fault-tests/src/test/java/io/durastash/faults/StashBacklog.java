package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;

import java.time.Duration;

/**
 * Numbered records held in a worker's stash: the sink runs and the source is deployed PAUSED (it starts no task), so
 * every batch the sink writes stays on disk, to be damaged or copied before anything drains it. With
 * {@code input.commit=delivered} the sink commits nothing meanwhile, so the stash's own gauge says what it holds.
 * Then, with the source running, {@link #awaitDrained} waits until it holds nothing.
 */
final class StashBacklog {
    private StashBacklog() {
    }

    /**
     * Deploys {@code pair} on {@code worker} with the source PAUSED, produces {@code records} numbered records into its
     * input and waits until the stash holds every record the input topic has (from earlier runs too). Returns how many
     * records Kafka acknowledged.
     */
    static long hold(ProcessStack stack, WorkerProcess worker, Pair pair, long records) {
        worker.connectors().start(pair.sink());
        worker.connectors().startPaused(pair.source());
        String in = pair.inputTopic();
        long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), records).acknowledged();
        long inInput = stack.kafka().written(in);
        String sink = WorkerMetrics.pluginMetrics(pair.sink().name());
        try (WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
            Await.until("the stash to hold all " + inInput + " input records (stash-pending-records)",
                Duration.ofSeconds(120), () -> metrics.sum(sink, "stash-pending-records"), held -> held == inInput);
        }
        return produced;
    }

    /** Waits until the stash that {@code source} drains holds no batch, pending or handed out, as its gauges say. */
    static void awaitDrained(WorkerMetrics metrics, String source) {
        String gauges = WorkerMetrics.pluginMetrics(source);
        Await.until("the stash to hold no batch (stash-pending-batches + stash-loaded-batches)", Duration.ofSeconds(60),
            () -> metrics.sum(gauges, "stash-pending-batches") + metrics.sum(gauges, "stash-loaded-batches"),
            batches -> batches == 0);
    }
}
