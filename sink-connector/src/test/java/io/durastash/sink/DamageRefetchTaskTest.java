package io.durastash.sink;

import io.durastash.sink.SinkFixture.ReadBatch;
import io.durastash.sink.SinkFixture.Started;
import io.durastash.stash.testing.RawStash;
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

import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.positions;
import static io.durastash.sink.SinkFixture.records;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With input.commit=delivered, a record the stash loses to damage was never committed, so Kafka still has it: the
 * sink fetches it again from the input topic instead of writing it off.
 */
class DamageRefetchTaskTest {
    /** An offset as the sink lets Connect commit it, with its commit metadata. */
    private static OffsetAndMetadata committed(long offset) {
        return new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA);
    }

    private static final TopicPartition P0 = tp("orders", 0);

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

    private static List<SinkRecord> orders(long from, long to) {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            records.add(bytesRecord("orders", 0, offset, "k" + offset, "v" + offset));
        }
        return records;
    }

    @Test
    void aRecordLostToDamageIsFetchedAgainWithTheRecordsAfterItInOrderAndNothingIsCommittedPastItMeanwhile() {
        Started first = fixture.start(null, P0);
        first.task().put(orders(0, 4));
        first.task().put(orders(5, 9));
        first.task().stop();
        try (RawStash raw = new RawStash(fixture.stashPath())) {
            raw.flipRecordBit(1, 2); // bit rot in offset 2, stashed but never delivered
        }

        Started second = fixture.start(null, P0);
        second.task().put(orders(0, 11)); // the restart consumes from the committed offset, 0: 0..9 are redeliveries
        List<ReadBatch> drained = fixture.claimAll();
        assertEquals(List.of("orders-0@0", "orders-0@1"), positions(records(drained)),
            "the records before the damaged one; the ones after it are not delivered before it");
        fixture.acknowledge(drained);
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(P0, new OffsetAndMetadata(12));

        second.task().put(List.of());

        assertEquals(2L, second.context().offsets.get(P0), "the consumer is sent back to the damaged record");
        assertEquals(Map.of(P0, committed(2)), second.task().preCommit(consumed),
            "nothing committed past the lost record meanwhile");
        second.task().put(orders(2, 11));
        List<ReadBatch> again = fixture.claimAll();
        assertEquals(expected(2, 11), positions(records(again)), "stashed again from the damaged record on, in order");
        fixture.acknowledge(again);
        second.task().put(List.of());
        assertTrue(fixture.stash().ledger(SinkFixture.CONNECTOR).refetch(P0).isEmpty(), "done");
        assertEquals(Map.of(P0, committed(12)), second.task().preCommit(consumed));
    }

    @Test
    void aRecordLostToDamageFoundAfterTheConsumerPassedItAsARedeliveryIsFetchedAgain() {
        Started first = fixture.start(null, P0);
        first.task().put(orders(0, 4));
        first.task().put(orders(5, 9));
        first.task().stop();
        try (RawStash raw = new RawStash(fixture.stashPath())) {
            raw.flipRecordBit(1, 2);
        }

        Started second = fixture.start(null, P0);
        second.task().put(orders(0, 9)); // only redeliveries, all skipped; the drain finds the damage after them
        List<ReadBatch> drained = fixture.claimAll();
        assertEquals(List.of("orders-0@0", "orders-0@1"), positions(records(drained)));
        fixture.acknowledge(drained);

        second.task().put(List.of());

        assertEquals(2L, second.context().offsets.get(P0), "the consumer, past the damaged record, is sent back to it");
        second.task().put(orders(2, 9));
        assertEquals(expected(2, 9), positions(records(fixture.claimAll())), "stashed again from the damaged record on");
    }

    private static List<String> expected(long from, long to) {
        List<String> positions = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            positions.add("orders-0@" + offset);
        }
        return positions;
    }
}
