package io.durastash.sink;

import io.durastash.connect.StashInput;
import io.durastash.connect.StashInputs;
import io.durastash.sink.SinkFixture.ReadBatch;
import io.durastash.sink.SinkFixture.Started;
import io.durastash.sink.placement.PartitionOwnership;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.positions;
import static io.durastash.sink.SinkFixture.records;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A sink task whose partitions move: what it commits before a revocation, what its stash keeps of a partition that went
 * to another worker, and where it takes one up that came back.
 */
class PartitionMoveTaskTest {
    private static final TopicPartition P0 = tp("orders", 0);
    private static final TopicPartition P1 = tp("orders", 1);

    @TempDir
    Path dir;
    private SinkFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new SinkFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static List<SinkRecord> orders(int partition, long from, long to) {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            records.add(bytesRecord("orders", partition, offset, "k" + offset, "v" + offset));
        }
        return records;
    }

    private static OffsetAndMetadata committed(long offset) {
        return new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA);
    }

    /** Tells the sink side what a source task handed to Kafka, as StashSourceTask does. */
    private StashInput input() {
        return StashInputs.jvm().of(fixture.stashPath()).orElseThrow();
    }

    private void emitted(List<ReadBatch> batches) {
        for (StashRecord record : records(batches)) {
            input().emitted(tp(record.topic(), record.partition()), record.offset());
        }
    }

    private void acknowledged(List<ReadBatch> batches) {
        for (StashRecord record : records(batches)) {
            input().acknowledged(tp(record.topic(), record.partition()), record.offset());
        }
        fixture.acknowledge(batches);
    }

    @Test
    void anOffsetCommitWaitsForTheRecordsInFlightSoThatItCoversThem() throws Exception {
        Started sink = fixture.start(null, P0);
        sink.task().put(orders(0, 0, 2));
        List<ReadBatch> inFlight = fixture.claimAll();
        emitted(inFlight);
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(P0, new OffsetAndMetadata(3));

        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit =
            CompletableFuture.supplyAsync(() -> sink.task().preCommit(consumed));
        Thread.sleep(200);
        assertFalse(commit.isDone(), "0..2 are in flight");
        acknowledged(inFlight);

        assertEquals(Map.of(P0, committed(3)), commit.get(10, TimeUnit.SECONDS),
            "everything delivered is covered: the next owner consumes none of it again");
    }

    @Test
    void anOffsetCommitWhoseRecordsStayInFlightStaysBelowThem() {
        Started sink = fixture.start(null, P0);
        sink.task().put(orders(0, 0, 2));
        List<ReadBatch> inFlight = fixture.claimAll();
        emitted(inFlight);
        input().acknowledged(P0, 0);

        assertEquals(Map.of(P0, committed(1)), sink.task().preCommit(Map.of(P0, new OffsetAndMetadata(3))),
            "after " + StashSinkTask.SETTLE_TIMEOUT_MS + " ms, 1 and 2 are still in flight");
    }

    @Test
    void aPartitionThatWentToAnotherWorkerIsNotDeliveredFromHere() {
        Started sink = fixture.start(null, P0, P1);
        sink.task().put(orders(0, 0, 2));
        sink.task().put(orders(1, 0, 2));
        sink.task().close(List.of(P1)); // and no assignment says it comes back here

        assertEquals(List.of("orders-0@0", "orders-0@1", "orders-0@2"), positions(records(fixture.claimAll())),
            "orders-1's owner consumes 0..2 again and delivers them");
        assertEquals(Map.of(P0, 2L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets(),
            "orders-1's run ended");
    }

    @Test
    void aPartitionBackFromAnotherWorkerThatConsumedItFurtherStartsANewRun() {
        Started first = fixture.start(null, P0);
        first.task().put(orders(0, 0, 4));
        first.task().stop();

        fixture.committed.put(P0, committed(3)); // another worker delivered up to 2 meanwhile (and stashed 0..4 too)
        Started second = fixture.start(null, P0);
        second.task().put(orders(0, 3, 6));
        assertEquals(List.of("orders-0@3", "orders-0@4", "orders-0@5", "orders-0@6"),
            positions(records(fixture.claimAll())), "each once, from the committed offset on");
    }

    @Test
    void aPartitionBackWhereItsRunStoodContinuesIt() {
        Started first = fixture.start(null, P0);
        first.task().put(orders(0, 0, 4));
        first.task().stop();

        fixture.committed.put(P0, committed(2)); // this stash's own commit: 0 and 1 were delivered
        Started second = fixture.start(null, P0);
        second.task().put(orders(0, 2, 6));
        assertEquals(List.of("orders-0@2", "orders-0@3", "orders-0@4", "orders-0@5", "orders-0@6"),
            positions(records(fixture.claimAll())), "2..4 from the stash, not stashed twice; 0 and 1 not again");
    }

    @Test
    void inTransactionalModeTheTaskCommitsNothingItself() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "transactional");
        Started sink = fixture.start(null, P0);
        sink.task().put(orders(0, 0, 2));
        assertEquals(Map.of(), sink.task().preCommit(Map.of(P0, new OffsetAndMetadata(3))));
        PartitionOwnership ownership = fixture.group().ownership();
        assertEquals(true, ownership.transactional());
    }
}
