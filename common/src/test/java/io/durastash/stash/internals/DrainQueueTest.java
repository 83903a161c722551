package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.testing.ManualClock;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrainQueueTest {
    private final ManualClock clock = new ManualClock(1_000L);
    private final DrainQueue queue = new DrainQueue(clock);

    /** Queues {@code sizes.length} written batches of those record counts; returns their metadata. */
    private List<BatchMetadata> written(int... sizes) {
        return written(false, sizes);
    }

    /** Queues written batches that, when {@code awaitSync}, wait for a WAL sync. */
    private List<BatchMetadata> written(boolean awaitSync, int... sizes) {
        List<NewBatch> batches = new ArrayList<>();
        for (int size : sizes) {
            batches.add(new NewBatch("g", java.util.Collections.nCopies(size,
                new EncodedRecord(new TopicPartition("t", 0), 0, new byte[0]))));
        }
        long first = queue.reserve(batches, new long[sizes.length], clock.millis());
        List<BatchMetadata> metadata = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            metadata.add(BatchMetadata.pending(first + i, "g", sizes[i], 0, clock.millis(), List.of()));
        }
        queue.settle(first, sizes.length, true, awaitSync);
        return metadata;
    }

    @Test
    void aClaimTakesWholeBatchesUpToTheRecordLimitAndAtLeastOne() {
        List<BatchMetadata> batches = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batches.addAll(written(10));
        }
        assertEquals(3, queue.claimable(25, 0).size());
        assertEquals(List.of(batches.get(0).id()), queue.claimable(5, 0), "at least one, even when larger than the limit");
    }

    @Test
    void aClaimThatFailsBeforeItTakesItsBatchesLeavesTheQueueAsItWas() {
        List<BatchMetadata> batches = written(1, 1, 1);
        List<Long> ids = queue.claimable(2, 0);
        // ...the metadata read fails here: nothing was taken
        assertEquals(ids, queue.claimable(2, 0));
        queue.claimed(ids, batches.subList(0, 2));
        assertEquals(List.of(batches.get(2).id()), queue.claimable(10, 0));
        assertEquals(2, queue.stats(0, 0).loadedBatches());
    }

    @Test
    void aBatchBeingWrittenIsNeverPassed() {
        written(1);
        long writing = queue.reserve(List.of(new NewBatch("g", List.of())), new long[1], clock.millis());
        written(1);
        assertEquals(1, queue.claimable(10, 0).size(), "the claim stops before the batch being written");
        queue.settle(writing, 1, false, false);
        assertEquals(2, queue.claimable(10, 0).size(), "an abandoned write is passed over");
    }

    @Test
    void aBatchThatAwaitsASyncIsClaimableOnlyOnceASyncThatBeganAfterItsWriteEnded() {
        List<BatchMetadata> first = written(true, 1, 1);
        assertEquals(List.of(), queue.claimable(10, 0), "not synced yet");
        assertEquals(2, queue.beginSync());
        List<BatchMetadata> during = written(true, 1);
        assertEquals(List.of(), queue.claimable(10, 0), "a sync in progress delivers nothing yet");
        queue.endSync(true);

        assertEquals(List.of(first.get(0).id(), first.get(1).id()), queue.claimable(10, 0),
            "the batch written while the sync ran waits for the next one");
        assertEquals(1, queue.beginSync());
        queue.endSync(true);
        assertEquals(List.of(first.get(0).id(), first.get(1).id(), during.get(0).id()), queue.claimable(10, 0));
        assertEquals(0, queue.beginSync(), "nothing waits any more");
        queue.endSync(true);
    }

    @Test
    void aFailedSyncLeavesItsBatchesWaitingForTheNext() {
        List<BatchMetadata> batch = written(true, 1);
        queue.beginSync();
        queue.endSync(false);
        assertEquals(List.of(), queue.claimable(10, 0));
        assertEquals(1, queue.beginSync(), "the next sync covers it again");
        queue.endSync(true);
        assertEquals(List.of(batch.get(0).id()), queue.claimable(10, 0));
    }

    @Test
    void aBatchThatAwaitsASyncIsLoadableForTheDrainerToSync() throws Exception {
        written(true, 1);
        assertTrue(queue.awaitsSyncAtHead());
        assertTrue(queue.awaitLoadable(0, 0), "the drainer is woken to sync it (WalSync#syncWaiting)");
        queue.beginSync();
        queue.endSync(true);
        assertFalse(queue.awaitsSyncAtHead());
    }

    @Test
    void theDrainerHandsBackWhatIsNotAcknowledgedInIdOrder() {
        List<BatchMetadata> batches = written(1, 1, 1);
        Object drainer = new Object();
        assertTrue(queue.takeRole(drainer));
        List<Long> ids = queue.claimable(10, 0);
        queue.claimed(ids, batches);
        List<Long> deleted = queue.claimedAmong(List.of(batches.get(1).id(), 999L));
        assertEquals(List.of(batches.get(1).id()), deleted, "only what was claimed");
        queue.acknowledged(deleted);

        assertEquals(List.of(batches.get(0), batches.get(2)), queue.handBack(drainer));

        assertEquals(List.of(batches.get(0).id(), batches.get(2).id()), queue.claimable(10, 0));
        assertEquals(List.of(), queue.handBack(drainer), "only the drainer hands back, once");
    }
}
