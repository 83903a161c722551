package io.durastash.stash;

import io.durastash.stash.internals.LoadedMarks;
import io.durastash.stash.internals.RecordReadAhead;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.BatchStatus;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.RecordEmitter;
import io.durastash.stash.model.StashPosition;
import io.durastash.stash.model.StashUnavailableException;
import io.durastash.stash.testing.ManualClock;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrainerTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();
    private final ManualClock clock = new ManualClock(1_000_000L);
    private Stash stash;

    @BeforeEach
    void open() {
        stash = Stash.open(dir, StashOptions.defaults().withClock(clock));
    }

    @AfterEach
    void close() {
        stash.close();
    }

    /** Records enough for a batch of them to take several reads of the stash (each record takes over 40 bytes). */
    private static final int LONGER_THAN_A_READ = 3 * RecordReadAhead.READ_AHEAD_BYTES / 40;

    private void longBatch(int count) {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, count);
        assertTrue(batch.byteSize() > 2L * RecordReadAhead.READ_AHEAD_BYTES, "the batch takes several reads");
    }

    private void reopen() {
        stash.close();
        stash = Stash.open(dir, StashOptions.defaults().withClock(clock));
    }

    private static List<Long> ids(List<BatchMetadata> batches) {
        return batches.stream().map(BatchMetadata::id).toList();
    }

    private List<BatchStatus> storedStatuses() {
        return stash.inspect().batches(0, 100).stream().map(b -> b.metadata().status()).toList();
    }

    @Test
    void aReadThatAnotherTaskReopenedTheStashUnderIsRetriedOnTheNewHandle() {
        int count = LONGER_THAN_A_READ;
        longBatch(count);
        TestDrainer drainer = TestDrainer.active(stash);
        List<Integer> before = new java.util.ArrayList<>();
        // While the drainer reads the batch, the sink's append finds the disk full and its next one reopens the stash.
        assertThrows(StashUnavailableException.class, () -> drainer.drainer().drain(count, (batch, record, last) -> {
            before.add(record.index()); // what it had read ahead before the reopen still goes out
            if (record.index() == 1) {
                IoFailures.noSpace(stash, "append 1 batches");
                records.appendBatch(stash, "t", 0, count, 1);
            }
        }));

        List<TestDrainer.Emitted> rest = drainer.drainAll();
        assertEquals(count + 1, before.size() + rest.size(), "the next call goes on on the new handle where it stopped");
        assertEquals(before.size(), rest.get(0).record().index(), "after the records handed out before the reopen");
    }

    @Test
    void aBatchHalfHandedOutWhenTheStashReopensIsDeletedOnlyOnceAllOfItIsAcknowledged() {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, 6);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> before = drainer.drain(3);
        // The sink's append finds the disk full; its next one reopens the stash in place.
        IoFailures.noSpace(stash, "append 1 batches");
        records.appendBatch(stash, "u", 1, 0, 1);

        List<TestDrainer.Emitted> after = drainer.drain(3);

        List<TestDrainer.Emitted> all = new java.util.ArrayList<>(before);
        all.addAll(after);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), all.stream().map(e -> e.record().index()).toList(),
            "each record handed out once, in order");
        for (TestDrainer.Emitted emitted : all.subList(0, all.size() - 1)) {
            drainer.drainer().acknowledged(emitted.record().batchId(), false);
        }
        drainer.drainer().deleteAcknowledged();
        assertEquals(List.of(batch.id()), stash.inspect().batches(0, 10).stream()
            .map(b -> b.metadata().id()).filter(id -> id == batch.id()).toList(), "its last record is not acknowledged");
        drainer.drainer().acknowledged(batch.id(), false);
        drainer.drainer().deleteAcknowledged();
        assertTrue(stash.inspect().batches(0, 10).stream().noneMatch(b -> b.metadata().id() == batch.id()));
    }

    @Test
    void aStopOnAReplacedHandleFreesTheDrainerRoleAndLosesNoUndeletedBatch() {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, 3);
        TestDrainer drainer = TestDrainer.active(stash);
        for (TestDrainer.Emitted emitted : drainer.drainAll()) {
            drainer.drainer().acknowledged(emitted.record().batchId(), false);
        }
        // The batch's deletion is due on stop, but the handle fails on I/O first and another call replaces it.
        IoFailures.ioError(stash, "delete 1 batches");
        stash.nextBatchId();

        drainer.drainer().stop();

        assertEquals(Drainer.State.STOPPED, drainer.drainer().state());
        assertFalse(stash.stats().drainerActive(), "the drainer role is free");
        List<TestDrainer.Emitted> again = TestDrainer.active(stash).drainAll();
        assertEquals(List.of(batch.id()), ids(TestDrainer.batches(again)), "the undeleted batch is delivered again");
    }

    @Test
    void drainsWholeBatchesInIdOrderAndDeletesThemOnceAcknowledged() {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 3);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 3, 2);
        TestDrainer drainer = new TestDrainer(stash.drainer("d", 1, 0));
        assertTrue(drainer.drainer().activate(() -> null));

        List<TestDrainer.Emitted> emitted = drainer.drain(3);

        assertEquals(List.of("value-0", "value-1", "value-2"), TestDrainer.values(emitted));
        assertTrue(emitted.get(2).lastOfBatch());
        BatchMetadata claimed = emitted.get(0).batch();
        assertEquals(first.id(), claimed.id());
        assertEquals(BatchStatus.LOADED, claimed.status());
        assertEquals(1, claimed.loadAttempts());
        assertEquals(1, stash.stats().loadedBatches());
        assertEquals(1, stash.stats().pendingBatches(), "claims take whole batches up to the claim size, at least one");

        drainer.acknowledge(emitted.subList(0, 2));
        assertEquals(1, stash.stats().loadedBatches(), "a batch goes only once all of it is acknowledged");
        drainer.acknowledge(emitted.subList(2, 3));
        assertEquals(0, stash.stats().loadedBatches());
        List<TestDrainer.Emitted> next = drainer.drainAll();
        assertEquals(List.of(second.id()), ids(TestDrainer.batches(next)));
        drainer.acknowledge(next);
        assertEquals(0, stash.stats().liveBatches());
        assertEquals(0, stash.stats().liveBytes());
        assertEquals(List.of(), drainer.drain(100));
    }

    @Test
    void aDrainStopsAtItsLimitAndContinuesTheOpenBatchNextTime() {
        records.appendBatch(stash, "t", 0, 0, 5);
        TestDrainer drainer = TestDrainer.active(stash);

        List<TestDrainer.Emitted> part = drainer.drain(3);
        List<TestDrainer.Emitted> rest = drainer.drain(3);

        assertEquals(List.of("value-0", "value-1", "value-2"), TestDrainer.values(part));
        assertFalse(part.get(2).lastOfBatch());
        assertEquals(List.of("value-3", "value-4"), TestDrainer.values(rest));
        assertTrue(rest.get(1).lastOfBatch());
    }

    @Test
    void aDrainStopsOnceTheEmitterIsFullYetHandsOutAtLeastOneRecord() {
        records.appendBatch(stash, "t", 0, 0, 5);
        Drainer drainer = TestDrainer.active(stash).drainer();
        List<BatchRecord> emitted = new ArrayList<>();
        RecordEmitter fullAfterTwo = new RecordEmitter() {
            @Override
            public void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
                emitted.add(record);
            }

            @Override
            public boolean full() {
                return emitted.size() >= 2;
            }
        };

        assertEquals(2, drainer.drain(1000, fullAfterTwo), "stops within the batch");
        assertEquals(1, drainer.drain(1000, fullAfterTwo), "one record, full or not");
        assertEquals(2, drainer.drain(1000, (batch, record, last) -> emitted.add(record)));
        assertEquals(List.of(0, 1, 2, 3, 4), emitted.stream().map(BatchRecord::index).toList());
        assertTrue(emitted.stream().allMatch(r -> r.storedBytes() > 0), "each record says what it takes in the stash");
    }

    @Test
    void holdTimeKeepsYoungBatchesAndAgeIsReported() throws InterruptedException {
        records.appendBatch(stash, "t", 0, 0, 1);
        TestDrainer drainer = new TestDrainer(stash.drainer("d", 10, 1000));
        assertTrue(drainer.drainer().activate(() -> null));
        clock.advance(400);
        assertEquals(400, stash.stats().oldestPendingAgeMs());
        assertEquals(List.of(), drainer.drain(10));
        assertFalse(drainer.drainer().awaitWork(1));
        clock.advance(600);
        assertTrue(drainer.drainer().awaitWork(1));
        assertEquals(1, drainer.drain(10).size());
        assertEquals(0, stash.stats().oldestPendingAgeMs());
    }

    @Test
    void oneDrainerAtATimeAndTheNextGetsWhatTheLastLeftUnacknowledged() throws InterruptedException {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 1);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 1, 1);
        BatchMetadata third = records.appendBatch(stash, "t", 0, 2, 1);
        TestDrainer a = new TestDrainer(stash.drainer("A", 1, 0));
        Drainer b = stash.drainer("B", 100, 0);
        assertTrue(a.drainer().activate(() -> null));
        assertFalse(b.activate(() -> null));
        assertEquals(Drainer.State.STANDBY, b.state());
        assertFalse(b.awaitWork(1), "the stash is taken");
        List<TestDrainer.Emitted> fromA = a.drain(2);
        a.acknowledge(fromA.subList(0, 1));

        a.drainer().stop();

        assertEquals(Drainer.State.STOPPED, a.drainer().state());
        assertTrue(b.awaitWork(1), "the stash is free");
        assertTrue(b.activate(() -> null));
        assertTrue(stash.stats().drainerActive());
        List<TestDrainer.Emitted> fromB = new TestDrainer(b).drainAll();
        assertEquals(List.of(second.id(), third.id()), ids(TestDrainer.batches(fromB)));
        a.acknowledge(fromA.subList(1, 2)); // a late acknowledgement of the stopped drainer deletes nothing
        assertEquals(2, stash.stats().loadedBatches());
        assertEquals(first.id() + 1, second.id());
    }

    @Test
    void aBatchHandedBackCountsItsEarlierLoad() {
        records.appendBatch(stash, "t", 0, 0, 2);
        TestDrainer a = TestDrainer.active(stash);
        assertEquals(1, a.drain(100).get(0).batch().loadAttempts());

        a.drainer().stop();

        assertEquals(2, TestDrainer.active(stash).drain(100).get(0).batch().loadAttempts());
    }

    @Test
    void aLoadedMarkReachesTheDiskOnceItIsDueAndNeverForADeletedBatch() {
        BatchMetadata slow = records.appendBatch(stash, "t", 0, 0, 2);
        records.appendBatch(stash, "t", 0, 2, 2);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> emitted = drainer.drainAll();
        drainer.drainer().deleteAcknowledged();
        assertEquals(List.of(BatchStatus.PENDING, BatchStatus.PENDING), storedStatuses(), "marks are deferred");

        drainer.acknowledge(emitted.subList(2, 4)); // acknowledged before its mark was due: it is never written
        clock.advance(LoadedMarks.MARK_DELAY_MS);
        drainer.drainer().deleteAcknowledged();

        List<io.durastash.stash.inspect.InspectedBatch> stored = stash.inspect().batches(0, 10);
        assertEquals(List.of(slow.id()), stored.stream().map(io.durastash.stash.inspect.InspectedBatch::id).toList(),
            "no metadata revived for a deleted batch");
        assertEquals(BatchStatus.LOADED, stored.get(0).metadata().status());
        assertEquals(1, stored.get(0).metadata().loadAttempts());
    }

    @Test
    void closingWritesTheMarksNotYetDue() {
        records.appendBatch(stash, "t", 0, 0, 2);
        TestDrainer.active(stash).drain(100);

        reopen();

        assertEquals(List.of(BatchStatus.LOADED), storedStatuses());
        List<TestDrainer.Emitted> again = TestDrainer.active(stash).drain(100);
        assertEquals(2, again.get(0).batch().loadAttempts(), "the claim before the restart counts");
        assertEquals(List.of("value-0", "value-1"), TestDrainer.values(again));
    }

    @Test
    void aBatchLongerThanTheReadAheadIsReadWholeAndInOrder() {
        int count = LONGER_THAN_A_READ + 5;
        longBatch(count);
        List<TestDrainer.Emitted> emitted = TestDrainer.active(stash).drain(count);
        assertEquals(IntStream.range(0, count).boxed().toList(), emitted.stream().map(e -> e.record().index()).toList());
    }

    @Test
    void resumesAfterTheCommittedPosition() {
        BatchMetadata inKafka = records.appendBatch(stash, "t", 0, 0, 2);
        BatchMetadata half = records.appendBatch(stash, "t", 0, 2, 3);
        records.appendBatch(stash, "t", 0, 5, 1);
        TestDrainer drainer = new TestDrainer(stash.drainer("d", 100, 0));
        assertTrue(drainer.drainer().activate(() -> new StashPosition(half.id(), 0)));

        List<TestDrainer.Emitted> emitted = drainer.drainAll();

        assertEquals(List.of("value-3", "value-4", "value-5"), TestDrainer.values(emitted));
        drainer.acknowledge(emitted);
        assertEquals(0, stash.stats().liveBatches(), "the batch already in Kafka is deleted without being emitted");
        assertTrue(stash.inspect().batch(inKafka.id()).isEmpty());
    }

    @Test
    void aCommittedPositionThatCannotBeReadLeavesTheStashFree() {
        Drainer refused = stash.drainer("refused", 100, 0);
        assertThrows(IllegalStateException.class, () -> refused.activate(() -> {
            throw new IllegalStateException("bad offset");
        }));
        assertFalse(stash.stats().drainerActive());
        assertTrue(stash.drainer("next", 100, 0).activate(() -> null));
    }

    @Test
    void requestingAStopEndsAWaitAtOnce() throws Exception {
        Drainer drainer = stash.drainer("d", 100, 0);
        assertTrue(drainer.activate(() -> null));
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return drainer.awaitWork(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!waited.isDone()) {
            drainer.requestStop();
            Thread.sleep(5);
        }
        assertFalse(waited.get());
        assertEquals(Drainer.State.STOPPING, drainer.state());
        assertEquals(0, drainer.drain(100, (batch, record, last) -> { }), "a stopping drainer hands out nothing");
        drainer.stop();
        assertEquals(Drainer.State.STOPPED, drainer.state());
    }

    @Test
    void aReaderClosedUnderItsDrainerFailsInsteadOfEndingTheBatch() {
        longBatch(LONGER_THAN_A_READ);
        TestDrainer drainer = TestDrainer.active(stash);
        List<TestDrainer.Emitted> first = drainer.drain(1);
        assertFalse(first.get(0).lastOfBatch());
        stash.close();
        // Had the closed reader read as the end of the batch, an exactly-once drain would commit half a batch.
        assertThrows(StashException.class, () -> drainer.drain(LONGER_THAN_A_READ));
    }
}
