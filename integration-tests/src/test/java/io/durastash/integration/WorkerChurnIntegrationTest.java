package io.durastash.integration;

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
    static final ConnectClusterFixture CLUSTER = ConnectClusterFixture.builder("churn").workers(WORKERS).build();

    @TempDir
    Path stashDir;

    private Pipeline startPipeline(String name, NumberedRecords input) throws InterruptedException {
        CLUSTER.createTopic(input.topic(), input.partitions());
        CLUSTER.createTopic(Pipeline.out(input.topic()), input.partitions());
        Pipeline pipeline = new Pipeline(name, stashDir);
        CLUSTER.connect().configureConnector(pipeline.sinkName(), pipeline.sinkConfig(input.topic(), 3));
        CLUSTER.connect().configureConnector(pipeline.sourceName(), pipeline.sourceConfig(2));
        CLUSTER.awaitRunning(pipeline.sinkName(), 3, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 2, TIMEOUT);
        return pipeline;
    }

    @Test
    void workersLeavingAndJoiningMidStreamLoseNothing() throws Exception {
        NumberedRecords input = NumberedRecords.of("churn-workers", 6, 60_000);
        Pipeline pipeline = startPipeline("workers", input);
        BackgroundProducer producer = BackgroundProducer.start(input, CLUSTER);

        Thread.sleep(1_000);
        CLUSTER.connect().removeWorker();
        Thread.sleep(2_000);
        CLUSTER.connect().addWorker();
        Thread.sleep(1_000);
        CLUSTER.connect().removeWorker();
        CLUSTER.connect().addWorker();
        producer.awaitDone(TIMEOUT.toMillis());
        CLUSTER.awaitRunning(pipeline.sinkName(), 3, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 2, TIMEOUT);

        TopicReader.of(CLUSTER.kafka(), Pipeline.out(input.topic())).readInto(SequenceCheck.of(input), TIMEOUT)
            .assertAtLeastOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void theWholeConnectClusterStopsAndStartsOnTheSameStash() throws Exception {
        NumberedRecords input = NumberedRecords.of("churn-cluster", 3, 60_000);
        Pipeline pipeline = startPipeline("cluster", input);
        BackgroundProducer producer = BackgroundProducer.start(input, CLUSTER);

        Thread.sleep(1_500);
        List<WorkerHandle> workers = new ArrayList<>(CLUSTER.connect().workers());
        for (WorkerHandle worker : workers) {
            CLUSTER.connect().removeWorker(worker);
        }
        Thread.sleep(2_000); // records keep arriving in the input topic while no worker runs
        for (int i = 0; i < WORKERS; i++) {
            CLUSTER.connect().addWorker();
        }
        producer.awaitDone(TIMEOUT.toMillis());
        CLUSTER.awaitRunning(pipeline.sinkName(), 3, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 2, TIMEOUT);

        TopicReader.of(CLUSTER.kafka(), Pipeline.out(input.topic())).readInto(SequenceCheck.of(input), TIMEOUT)
            .assertAtLeastOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }
}
