package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deliberate offset reset and an input topic deleted and created again, on a cluster of two worker processes with a
 * stash each. Connect runs the sink's {@code alterOffsets} on one worker only, and a recreated topic starts again at
 * offset 0, below what every stash has stashed of it; worse, 0 is an offset each stash let Connect commit itself (while
 * the topic was empty), so by the offsets alone both look like a redelivery. Each stash must see for itself, from what
 * Kafka says (the committed offset deleted, the topic's new id), that its partitions went back, and stash those
 * records again. The sink is stopped while the topic is recreated, as an operator would: a topic deleted under a
 * running consumer keeps Connect retrying its commits for a minute, which is Kafka's, not the stash's. Pass: after the
 * reset every number arrives again, and every number written into the recreated topic arrives, first occurrences in
 * order.
 */
@Tag("fault-ci")
class ClusterResetFaultTest {
    static final int WORKERS = 2;
    static final int PARTITIONS = 6;
    static final long RECORDS = 6_000;
    static final Duration ARRIVAL = Duration.ofSeconds(90);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aResetAndARecreatedTopicReachTheStashOfEveryWorker() throws Exception {
        FaultReport report = FaultReport.of("cluster-reset");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("cluster-reset"))) {
            // Twice as many source tasks as workers: each worker runs at least one, so each stash drains.
            Pair pair = Pair.local().tasks(WORKERS, 2 * WORKERS)
                .both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}");
            stack.createTopics(pair, PARTITIONS);
            for (int i = 1; i <= WORKERS; i++) {
                stack.startWorker(WorkerSpec.distributed("worker-" + i).fastFailover()
                    .stashDir(stack.root().resolve("stash-" + i)));
            }
            Connectors connectors = stack.connectors();
            connectors.start(pair);
            KafkaCluster kafka = stack.kafka();
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            String sink = pair.sink().name();
            Map<Integer, String> sinkWorkers = connectors.rest().taskWorkers(sink);
            report.line("%d workers, one stash each; sink tasks on %s, source tasks on %s", WORKERS, sinkWorkers,
                connectors.rest().taskWorkers(pair.source().name()));
            assertEquals(WORKERS, sinkWorkers.values().stream().distinct().count(),
                "a sink task on each worker, so that the reset reaches a stash other than the one alterOffsets opens");

            // The empty partitions' offset 0 among the commits each stash made: a reset to 0 then lands on one.
            Await.until("the sink to commit offset 0 of every input partition", ARRIVAL,
                () -> kafka.committed(pair.sink().sinkGroup(), kafka.partitions(in)).size() == PARTITIONS);
            Produced first = RecordLoad.produce(kafka, in, NumberedRecords.of(in), RECORDS);
            arrived(report, "first run", TopicReader.of(stack.bootstrapServers(), out).check(first.expected(), ARRIVAL));
            Await.until("the sink to commit every input offset", ARRIVAL, () -> kafka.committedAll(pair.sink().sinkGroup(), in));

            Map<TopicPartition, Long> beforeReset = kafka.endOffsets(kafka.partitions(out));
            connectors.stop(sink);
            connectors.resetOffsets(sink);
            connectors.resume(sink);
            connectors.awaitState(sink, ConnectorStatus.RUNNING, Connectors.START);
            report.line("sink stopped, its offsets reset (DELETE /connectors/%s/offsets), resumed", sink);
            arrived(report, "after the reset", TopicReader.of(stack.bootstrapServers(), out).from(beforeReset)
                .check(first.expected(), ARRIVAL));

            Map<TopicPartition, Long> beforeRecreate = kafka.endOffsets(kafka.partitions(out));
            connectors.stop(sink);
            kafka.deleteTopic(in);
            kafka.ensureTopic(in, PARTITIONS);
            Produced recreated = RecordLoad.produce(kafka, in, NumberedRecords.of("recreated"), RECORDS);
            connectors.resume(sink);
            connectors.awaitState(sink, ConnectorStatus.RUNNING, Connectors.START);
            report.line("sink stopped, %s deleted and created again, %d records of a new series written from offset 0, "
                + "sink resumed", in, RECORDS);
            arrived(report, "from the recreated topic", TopicReader.of(stack.bootstrapServers(), out)
                .from(beforeRecreate).check(recreated.expected(), ARRIVAL));
            connectors.requireNotFailed(sink);
            connectors.requireNotFailed(pair.source().name());
            report.line("SUMMARY cluster-reset: %d workers, %d records stashed again after a reset and %d after the "
                + "topic was recreated, lost 0, %.0f s", WORKERS, RECORDS, RECORDS, report.seconds());
        }
    }

    /** Every expected number arrived, first occurrences in order. */
    private static void arrived(FaultReport report, String when, Verdict verdict) {
        report.line("%s:", when).verdict(verdict);
        assertTrue(verdict.complete() && verdict.outOfOrder() == 0, when + ": " + verdict);
    }
}
