package io.durastash.sink;

import io.durastash.connect.LoopMark;
import io.durastash.connect.StashGauges;
import io.durastash.connect.WorkerPluginMetrics;
import io.durastash.sink.SinkFixture.Started;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink task's metrics, read from Kafka's own plugin metrics as a worker would report them. */
class SinkMetricsTest {
    private static final TopicPartition P0 = tp("orders", 0);
    private static final TopicPartition P1 = tp("orders", 1);

    @TempDir
    Path dir;
    private SinkFixture fixture;
    private WorkerPluginMetrics worker;

    @BeforeEach
    void setUp() {
        worker = new WorkerPluginMetrics(SinkFixture.CONNECTOR, 0);
        fixture = new SinkFixture(dir).withPluginMetrics(worker.pluginMetrics());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
        worker.close();
    }

    @Test
    void putsAreCountedAndTheStashIsReported() throws Exception {
        Started sink = fixture.start(null, P0, P1);

        sink.task().put(List.of(bytesRecord("orders", 0, 0, "k", "a"), bytesRecord("orders", 0, 1, "k", "b"),
            bytesRecord("orders", 1, 0, "k", "c")));
        sink.task().put(List.of(bytesRecord("orders", 0, 1, "k", "b"), bytesRecord("orders", 0, 2, "k", "d")));

        assertEquals(4.0, worker.number("put-record-total"));
        assertTrue(worker.number("put-record-rate") > 0);
        assertEquals(2.0, worker.number("put-batch-total"), "one batch per poll (group.by=topic)");
        assertEquals(1.0, worker.number("put-skipped-record-total"), "the redelivered record");
        assertEquals(0.0, worker.number("backpressure-paused"));
        assertEquals(2.0, worker.number(StashGauges.PENDING_BATCHES));
        assertEquals(4.0, worker.number(StashGauges.PENDING_RECORDS));
        assertEquals(1.0, worker.number(StashGauges.PENDING_WITHOUT_DRAINER), "no source task drains it");
        assertEquals(fixture.stashPath().toAbsolutePath().normalize().toString(), worker.jmx(StashGauges.PATH));
        assertEquals(4.0, ((Number) worker.jmx("put-record-total")).doubleValue());

        sink.task().stop();
        assertTrue(worker.names().isEmpty(), "a stopped task leaves no metrics: " + worker.names());
    }

    @Test
    void aRecordThatLeftThisStashBeforeIsNotStashedAgainButCountedAndCommitted() {
        Started sink = fixture.start(null, P0);
        SinkRecord looped = bytesRecord("orders", 0, 1, "k", "b");
        new LoopMark(fixture.stash().id()).addTo(looped.headers());
        SinkRecord elsewhere = bytesRecord("orders", 0, 2, "k", "c");
        new LoopMark(UUID.randomUUID()).addTo(elsewhere.headers());

        sink.task().put(List.of(bytesRecord("orders", 0, 0, "k", "a"), looped, elsewhere));

        assertEquals(2.0, worker.number("put-record-total"), "a record that passed another stash is stashed");
        assertEquals(1.0, worker.number(SinkMetrics.LOOPED_RECORD + "-total"));
        assertEquals(2.0, worker.number(StashGauges.PENDING_RECORDS));
        assertEquals(Map.of(P0, 2L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets(),
            "the looped record counts as handled");
    }

    @Test
    void theGroupCommitsSyncsAreTimedAtTheNextPoll() {
        Started sink = fixture.start(null, P0);
        sink.task().put(List.of(bytesRecord("orders", 0, 0, "k", "a")));
        fixture.claimAll(); // the drainer's claim waits for the sync that covers the batch

        sink.task().put(List.of());

        assertFalse(Double.isNaN(worker.number("wal-sync-time-avg-ms")));
        assertTrue(worker.number("wal-sync-time-max-ms") >= worker.number("wal-sync-time-avg-ms"));
    }

    @Test
    void withoutTheGroupCommitTheSyncBeforeACommitIsTimed() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        fixture.with(StashSinkConfig.STASH_SYNC_CONFIG, "false");
        Started sink = fixture.start(null, P0);
        sink.task().put(List.of(bytesRecord("orders", 0, 0, "k", "a")));
        assertTrue(Double.isNaN(worker.number("wal-sync-time-avg-ms")), "nothing synced the append");

        sink.task().preCommit(Map.of(P0, new OffsetAndMetadata(1)));
        sink.task().put(List.of());

        assertFalse(Double.isNaN(worker.number("wal-sync-time-avg-ms")));
    }

    @Test
    void backpressureIsVisible() {
        fixture.with(StashSinkConfig.STASH_MAX_BYTES_CONFIG, String.valueOf(1024 * 1024));
        Started sink = fixture.start(null, P0, P1);
        List<SinkRecord> big = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            big.add(new SinkRecord("orders", 0, null, null, Schema.BYTES_SCHEMA, new byte[250 * 1024], i, 0L,
                TimestampType.CREATE_TIME));
        }
        sink.task().put(big);

        assertEquals(1.0, worker.number("backpressure-paused"));
        assertEquals(2.0, worker.number("backpressure-paused-partitions"));
        assertTrue(worker.number(StashGauges.LIVE_BYTES) > 1024 * 1024);
    }

    @Test
    void aRuntimeWithoutPluginMetricsRunsTheTaskWithoutThem() {
        SinkFixture old = new SinkFixture(dir.resolve("old"));
        try {
            Started sink = old.start(null, P0);
            sink.task().put(List.of(bytesRecord("orders", 0, 0, "k", "a")));
            assertEquals(1, old.claimAll().size());
        } finally {
            old.close();
        }
    }

    @Test
    void aRuntimeThatPredatesPluginMetricsRunsTheTaskWithoutThem() {
        FakeSinkTaskContext context = new FakeSinkTaskContext(fixture.props, null);
        context.pluginMetricsError = new NoSuchMethodError("SinkTaskContext.pluginMetrics()");
        StashSinkTask task = new StashSinkTask();
        task.initialize(context);
        task.start(new java.util.HashMap<>(fixture.props));
        try {
            context.assign(List.of(P0));
            task.open(List.of(P0));
            task.put(List.of(bytesRecord("orders", 0, 0, "k", "a")));
            assertTrue(worker.names().isEmpty());
            assertEquals(1, fixture.claimAll().size());
        } finally {
            task.stop();
        }
    }
}
