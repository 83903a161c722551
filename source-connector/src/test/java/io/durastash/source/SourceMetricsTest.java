package io.durastash.source;

import io.durastash.connect.StashGauges;
import io.durastash.connect.WorkerPluginMetrics;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source task's metrics, read from Kafka's own plugin metrics as a worker would report them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SourceMetricsTest {
    @TempDir
    Path dir;
    private TestStash stash;
    private WorkerPluginMetrics drainerMetrics;
    private WorkerPluginMetrics standbyMetrics;

    @BeforeEach
    void setUp() {
        stash = new TestStash(dir);
        drainerMetrics = new WorkerPluginMetrics("drain", 0);
        standbyMetrics = new WorkerPluginMetrics("drain", 1);
    }

    @AfterEach
    void tearDown() {
        stash.close();
        drainerMetrics.close();
        standbyMetrics.close();
    }

    private StashSourceTask start(WorkerPluginMetrics metrics) {
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        context.pluginMetrics = metrics.pluginMetrics();
        StashSourceTask task = new StashSourceTask();
        task.initialize(context);
        task.start(context.configs);
        return task;
    }

    @Test
    void emitsAcknowledgementsDeletionsAndDropsAreCounted() throws Exception {
        stash.append("in", 0, 0, 3);
        stash.append("in", 0, 3, 2);
        StashSourceTask task = start(drainerMetrics);
        StashSourceTask standby = start(standbyMetrics);
        try {
            assertEquals(1.0, drainerMetrics.number(StashGauges.PENDING_WITHOUT_DRAINER), "no poll yet");
            List<SourceRecord> records = task.poll();
            assertEquals(5, records.size());
            assertEquals(5.0, drainerMetrics.number("emit-record-total"));
            assertTrue(drainerMetrics.number("emit-record-rate") > 0);
            assertEquals(1.0, drainerMetrics.number("drainer"));
            assertEquals(2.0, drainerMetrics.number(StashGauges.LOADED_BATCHES));
            assertEquals(0.0, drainerMetrics.number(StashGauges.PENDING_WITHOUT_DRAINER));
            standby.poll();
            assertEquals(0.0, standbyMetrics.number("drainer"));
            assertEquals(1.0, standbyMetrics.number(StashGauges.DRAINER_ACTIVE), "stash gauges on every task");

            for (int i = 0; i < records.size(); i++) {
                SourceRecord record = records.get(i);
                task.commitRecord(record, i == 1 ? null : new RecordMetadata(new TopicPartition(record.topic(), 0), 0, 0, 0, 0, 0));
            }
            task.commit();

            assertEquals(4.0, drainerMetrics.number("ack-record-total"));
            assertEquals(1.0, drainerMetrics.number("dropped-record-total"));
            assertEquals(2.0, drainerMetrics.number("ack-batch-total"));
            assertTrue(drainerMetrics.number("ack-batch-rate") > 0);
            assertEquals(0.0, drainerMetrics.number(StashGauges.LOADED_BATCHES));
            assertEquals(0.0, ((Number) drainerMetrics.jmx(StashGauges.PENDING_RECORDS)).doubleValue());
        } finally {
            task.stop();
            standby.stop();
        }
        assertTrue(drainerMetrics.names().isEmpty(), "a stopped task leaves no metrics: " + drainerMetrics.names());
        assertTrue(standbyMetrics.names().isEmpty());
    }
}
