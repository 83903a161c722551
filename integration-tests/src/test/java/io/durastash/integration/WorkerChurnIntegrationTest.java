package io.durastash.integration;

import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Distributed Connect with several workers in this JVM (so they share one stash, as tasks of one worker
 * process would): workers leave and join mid-stream, and the whole Connect cluster stops and starts again
 * on the same stash directory. Nothing may be lost, and per-partition order must hold.
 */
@Tag("integration")
class WorkerChurnIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final int WORKERS = 3;

    @RegisterExtension
    static final EmbeddedStack CLUSTER = EmbeddedStack.builder("churn").workers(WORKERS).build();

    @TempDir
    Path stashDir;

    /** The pair (3 sink tasks, 2 source tasks) running on {@code topic}, and a load of 60,000 records into it. */
    private RecordLoad startPipelineAndLoad(String name, String topic, int partitions) {
        CLUSTER.createTopic(topic, partitions);
        CLUSTER.createTopic(Pipeline.out(topic), partitions);
        CLUSTER.connectors().start(Pipeline.of(name, stashDir, topic).with(pair -> pair.tasks(3, 2)).pair());
        return RecordLoad.into(CLUSTER.kafka(), topic, NumberedRecords.of(topic)).count(60_000).start();
    }

    /** Once the workers settled: every number arrived, in order, and the stash drained. */
    private void assertEverythingArrived(String name, String topic, Produced produced) {
        Pipeline pipeline = Pipeline.of(name, stashDir, topic);
        CLUSTER.connectors().awaitRunning(pipeline.sinkName(), 3, TIMEOUT);
        CLUSTER.connectors().awaitRunning(pipeline.sourceName(), 2, TIMEOUT);
        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out(topic)).check(produced.expected(), TIMEOUT)
            .requireAtLeastOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void workersLeavingAndJoiningMidStreamLoseNothing() throws Exception {
        RecordLoad load = startPipelineAndLoad("workers", "churn-workers", 6);

        Thread.sleep(1_000);
        CLUSTER.connect().removeWorker();
        Thread.sleep(2_000);
        CLUSTER.connect().addWorker();
        Thread.sleep(1_000);
        CLUSTER.connect().removeWorker();
        CLUSTER.connect().addWorker();

        assertEverythingArrived("workers", "churn-workers", load.await(TIMEOUT));
    }

    @Test
    void theWholeConnectClusterStopsAndStartsOnTheSameStash() throws Exception {
        RecordLoad load = startPipelineAndLoad("cluster", "churn-cluster", 3);

        Thread.sleep(1_500);
        List<WorkerHandle> workers = new ArrayList<>(CLUSTER.connect().workers());
        for (WorkerHandle worker : workers) {
            CLUSTER.connect().removeWorker(worker);
        }
        Thread.sleep(2_000); // records keep arriving in the input topic while no worker runs
        for (int i = 0; i < WORKERS; i++) {
            CLUSTER.connect().addWorker();
        }

        assertEverythingArrived("cluster", "churn-cluster", load.await(TIMEOUT));
    }
}
