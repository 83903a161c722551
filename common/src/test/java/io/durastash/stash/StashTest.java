package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.Recovery;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchStatus;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.stash.testing.ManualClock;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();
    private final ManualClock clock = new ManualClock(1_000_000L);
    private Stash stash;

    private StashOptions options() {
        return StashOptions.defaults().withClock(clock);
    }

    @BeforeEach
    void open() {
        stash = Stash.open(dir, options());
    }

    @AfterEach
    void close() {
        stash.close();
    }

    private void reopen() {
        stash.close();
        stash = Stash.open(dir, options());
    }

    @Test
    void oneSyncCoversEveryAppendThatWaitsForOne() {
        records.appendBatch(stash, "t", 0, 0, 3);
        records.appendBatch(stash, "t", 0, 3, 3);
        records.appendBatch(stash, "u", 0, 0, 3);
        long before = stash.ledger("sink").walSyncs().syncs();

        List<TestDrainer.Emitted> drained = TestDrainer.active(stash).drainAll();

        assertEquals(9, drained.size());
        assertEquals(before + 1, stash.ledger("sink").walSyncs().syncs(), "the group commit: one sync for the three appends");
    }

    @Test
    void oneAppendStoresOneBatchPerGroupWithOffsets() {
        NewBatch a = new NewBatch("a", List.of(records.encode(TestRecords.bytesRecord("a", 0, 10, "a10")),
            records.encode(TestRecords.bytesRecord("a", 1, 20, "a20"))));
        NewBatch empty = new NewBatch("empty", List.of());
        NewBatch b = new NewBatch("b", List.of(records.encode(TestRecords.bytesRecord("b", 0, 5, "b5"))));
        Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("a", 0), 10L, new TopicPartition("a", 1), 20L,
            new TopicPartition("b", 0), 5L);

        List<BatchMetadata> batches = stash.ledger("sink").append(List.of(a, empty, b), offsets, true);

        assertEquals(2, batches.size());
        BatchMetadata first = batches.get(0);
        assertEquals("a", first.group());
        assertEquals(BatchStatus.PENDING, first.status());
        assertEquals(2, first.recordCount());
        assertEquals(List.of(new OffsetRange("a", 0, 10, 10), new OffsetRange("a", 1, 20, 20)), first.offsets());
        assertEquals(first.id() + 1, batches.get(1).id());
        assertEquals(offsets, new HashMap<>(stash.ledger("sink").stashedOffsets()));
        assertTrue(stash.ledger("other-sink").stashedOffsets().isEmpty());
        StashStats stats = stash.stats();
        assertEquals(2, stats.pendingBatches());
        assertEquals(3, stats.pendingRecords());
        assertEquals(first.byteSize() + batches.get(1).byteSize(), stats.pendingBytes());
    }

    @Test
    void anEmptyAppendWritesNothing() {
        assertEquals(List.of(), stash.ledger("sink").append(List.of(new NewBatch("a", List.of())), Map.of(), true));
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void reopenAfterACrashDeliversEverythingAgainInOrder() {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 2);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 2, 2);
        BatchMetadata third = records.appendBatch(stash, "t", 0, 4, 2);
        TestDrainer claimsThree = new TestDrainer(stash.drainer("d", 3, 0));
        claimsThree.drainer().activate(() -> null);
        claimsThree.drain(3); // first and second claimed, never acknowledged
        UUID id = stash.id();

        reopen();

        assertEquals(id, stash.id());
        assertEquals(3, stash.stats().pendingBatches());
        List<TestDrainer.Emitted> again = TestDrainer.active(stash).drainAll();
        List<BatchMetadata> batches = TestDrainer.batches(again);
        assertEquals(List.of(first.id(), second.id(), third.id()), batches.stream().map(BatchMetadata::id).toList());
        assertEquals(2, batches.get(0).loadAttempts());
        assertEquals(1, batches.get(2).loadAttempts());
        assertEquals(List.of("value-0", "value-1", "value-2", "value-3", "value-4", "value-5"), TestDrainer.values(again));
        assertEquals(third.id() + 1, records.appendBatch(stash, "t", 0, 6, 1).id());
    }

    @Test
    void batchIdsAreNeverReusedAfterTheNewestBatchIsAcknowledged() {
        records.appendBatch(stash, "t", 0, 0, 1);
        BatchMetadata newest = records.appendBatch(stash, "t", 0, 1, 1);
        TestDrainer drainer = TestDrainer.active(stash);
        drainer.acknowledge(drainer.drainAll());
        assertEquals(0, stash.stats().liveBatches());

        reopen();

        assertTrue(records.appendBatch(stash, "t", 0, 2, 1).id() > newest.id());
    }

    @Test
    void theFirstUndeliveredOffsetFollowsDeliveriesAndSurvivesARestart() {
        TopicPartition t0 = new TopicPartition("t", 0);
        records.appendBatch(stash, "t", 0, 0, 5);
        records.appendBatch(stash, "t", 0, 5, 5);
        assertEquals(java.util.OptionalLong.of(0), stash.ledger("sink").firstUndelivered(t0, 0, 0));
        TestDrainer drainer = new TestDrainer(stash.drainer("d", 1, 0));
        drainer.drainer().activate(() -> null);
        drainer.acknowledge(drainer.drain(5));
        assertEquals(java.util.OptionalLong.of(5), stash.ledger("sink").firstUndelivered(t0, 0, 0));
        drainer.drainer().stop();

        reopen();

        assertEquals(java.util.OptionalLong.of(5), stash.ledger("sink").firstUndelivered(t0, 0, 0), "rebuilt from the metadata on open");
        assertEquals(java.util.OptionalLong.empty(), stash.ledger("sink").firstUndelivered(new TopicPartition("t", 1), 0, 0));
        TestDrainer again = TestDrainer.active(stash);
        again.acknowledge(again.drainAll());
        assertEquals(java.util.OptionalLong.empty(), stash.ledger("sink").firstUndelivered(t0, 0, 0));
    }

    @Test
    void aNewRunForgetsTheStashedOffsetAndStartsWithTheNextBatch() {
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        stash.ledger("sink").append(List.of(), Map.of(p0, 10L, p1, 20L), true);
        records.appendBatch(stash, "t", 1, 21, 3);
        long next = stash.nextBatchId();
        SinkLedger ledger = stash.ledger("sink");

        assertEquals(next, ledger.startRuns(List.of(p1)));

        assertEquals(Map.of(p0, 10L), ledger.stashedOffsets());
        assertEquals(Map.of(p1, next), ledger.runStarts());
        assertEquals(java.util.OptionalLong.empty(), ledger.firstUndelivered(p1, 0, next),
            "the batch of the earlier run does not count");
        assertEquals(java.util.OptionalLong.of(21), ledger.firstUndelivered(p1, 0, 0));
        reopen();
        assertEquals(Map.of(p1, next), stash.ledger("sink").runStarts(), "kept on disk");
    }

    @Test
    void aClosedStashRefusesWorkButToleratesLateAcknowledgements() {
        records.appendBatch(stash, "t", 0, 0, 1);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> emitted = drainer.drain(1);
        stash.close();
        drainer.acknowledge(emitted);
        StashException e = assertThrows(StashException.class, () -> records.appendBatch(stash, "t", 0, 1, 1));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        stash = Stash.open(dir, options());
        assertEquals(1, stash.stats().pendingBatches(), "the unacknowledged batch is still there");
    }

    @Test
    void aStashFromANewerFormatIsRefused() {
        stash.close();
        try (RawStash raw = new RawStash(dir)) {
            raw.put(Family.DEFAULT, StashKeys.FORMAT_VERSION, StashKeys.longValue(Recovery.FORMAT_VERSION + 1));
        }
        StashException e = assertThrows(StashException.class, () -> Stash.open(dir, options()));
        assertTrue(e.getMessage().contains("format version"), e.getMessage());
        stash = Stash.open(dir.resolve("fresh"), options());
        assertNotEquals(dir, stash.path());
    }
}
