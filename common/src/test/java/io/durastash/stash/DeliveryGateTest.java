package io.durastash.stash;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.ManualClock;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What leaves a stash when a gate decides record by record: superseded records stay, waiting ones hold the stream. */
class DeliveryGateTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();
    private final ManualClock clock = new ManualClock(1_000_000L);
    private Stash stash;
    /** The verdict per partition; a partition not named is delivered. */
    private final Map<TopicPartition, DeliveryGate.Verdict> verdicts = new HashMap<>();
    /** Offsets below which a partition's records are superseded. */
    private final Map<TopicPartition, Long> floors = new HashMap<>();

    @BeforeEach
    void open() {
        stash = Stash.open(dir, StashOptions.defaults().withClock(clock));
        stash.ledger("sink").gate((partition, batchId, offset) -> offset < floors.getOrDefault(partition, -1L)
            ? DeliveryGate.Verdict.SUPERSEDED : verdicts.getOrDefault(partition, DeliveryGate.Verdict.DELIVER));
    }

    @AfterEach
    void close() {
        stash.close();
    }

    /** One batch holding {@code count} records of t-0 and then {@code count} of t-1, from offset {@code from}. */
    private BatchMetadata mixedBatch(long from, int count) {
        List<EncodedRecord> mixed = new ArrayList<>(records.batch("t", 0, from, count).records());
        mixed.addAll(records.batch("t", 1, from, count).records());
        Map<TopicPartition, Long> offsets = Map.of(T0, from + count - 1, T1, from + count - 1);
        return stash.ledger(TestRecords.SINK).append(List.of(new NewBatch("t", mixed)), offsets, false).get(0);
    }

    private static List<String> positions(List<TestDrainer.Emitted> emitted) {
        return emitted.stream().map(e -> e.record().record().partition() + "@" + e.record().record().offset()).toList();
    }

    @Test
    void supersededRecordsStayAndTheirBatchGoesOnceTheRestIsAcknowledged() {
        mixedBatch(0, 3);
        verdicts.put(T1, DeliveryGate.Verdict.SUPERSEDED);
        TestDrainer drainer = TestDrainer.active(stash);

        List<TestDrainer.Emitted> emitted = drainer.drainAll();

        assertEquals(List.of("0@0", "0@1", "0@2"), positions(emitted));
        assertEquals(3, drainer.drainer().supersededRecords());
        drainer.acknowledge(emitted);
        assertEquals(0, stash.stats().liveBatches(), "deleted: its records are delivered, or consumed again elsewhere");
    }

    @Test
    void aBatchWholeSupersededIsHandledWithoutEmittingAnything() {
        mixedBatch(0, 2);
        mixedBatch(2, 2);
        floors.put(T0, 2L);
        floors.put(T1, 10L);
        TestDrainer drainer = TestDrainer.active(stash);

        List<TestDrainer.Emitted> emitted = drainer.drainAll();

        assertEquals(List.of("0@2", "0@3"), positions(emitted));
        drainer.acknowledge(emitted);
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void aPartitionThatMustWaitHoldsItsBatchAndEverythingAfterIt() {
        mixedBatch(0, 2);
        records.appendBatch(stash, "t", 0, 2, 2);
        verdicts.put(T1, DeliveryGate.Verdict.WAIT);
        TestDrainer drainer = TestDrainer.active(stash);

        assertEquals(List.of(), drainer.drainAll(), "the first batch has a record of t-1");

        verdicts.remove(T1);
        assertEquals(List.of("0@0", "0@1", "1@0", "1@1", "0@2", "0@3"), positions(drainer.drainAll()),
            "in stash order once decided");
    }

    @Test
    void aRecordThatMustWaitMidBatchStopsTheStreamThereAndItResumesThere() {
        mixedBatch(0, 2);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> first = drainer.drain(1);
        assertEquals(List.of("0@0"), positions(first));

        verdicts.put(T0, DeliveryGate.Verdict.WAIT); // a task settles t-0's offsets while the batch is open
        assertEquals(List.of(), drainer.drainAll());
        verdicts.remove(T0);

        List<TestDrainer.Emitted> rest = drainer.drainAll();
        assertEquals(List.of("0@1", "1@0", "1@1"), positions(rest));
        assertTrue(rest.get(rest.size() - 1).lastOfBatch());
        drainer.acknowledge(first);
        drainer.acknowledge(rest);
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void aRewindHandsOutAgainWhatWasNotAcknowledgedAndNothingOfTheFailedAttemptCounts() {
        records.appendBatch(stash, "t", 0, 0, 2);
        records.appendBatch(stash, "t", 0, 2, 2);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> attempt = drainer.drainAll();
        drainer.drainer().acknowledged(attempt.get(0).record().batchId(), false); // one ack of the aborted attempt

        drainer.drainer().rewind();
        floors.put(T0, 2L); // the transaction that aborted took the first batch; the gate says what is left

        List<TestDrainer.Emitted> again = drainer.drainAll();
        assertEquals(List.of("0@2", "0@3"), positions(again));
        drainer.acknowledge(again);
        assertEquals(0, stash.stats().liveBatches());
        assertTrue(drainer.drainer().draining(), "it keeps the role");
    }

    @Test
    void anUnclaimedStashOfADeliveredModeSinkWaitsForATaskThenSupersedesAndEndsTheRuns() {
        records.appendBatch(stash, "t", 0, 0, 2);
        stash.ledger(TestRecords.SINK).noteMode("delivered");
        stash.ledger("sink").gate(null);
        TestDrainer drainer = TestDrainer.active(stash);

        assertEquals(List.of(), drainer.drainAll(), "a sink task may claim it");
        clock.advance(UnclaimedGate.GRACE_MS);
        assertEquals(List.of(), drainer.drainAll());
        assertEquals(2, drainer.drainer().supersededRecords(), "its partitions' owners consume the records again");
        assertTrue(stash.ledger(TestRecords.SINK).runStarts().containsKey(T0), "a later assignment starts a new run");
        assertTrue(stash.ledger(TestRecords.SINK).stashedOffsets().isEmpty());
    }

    @Test
    void anUnclaimedStashThatMayHoldTheOnlyCopyDeliversEverything() {
        records.appendBatch(stash, "t", 0, 0, 2);
        stash.ledger(TestRecords.SINK).noteMode("stashed");
        stash.ledger("sink").gate(null);
        assertEquals(2, TestDrainer.active(stash).drainAll().size());
    }
}
