package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.quarantine.RequeueOutcome;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requeueing and purging quarantined entries: only what passes again comes back, as a whole new batch at the end. */
class StashQuarantineTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private Stash open() {
        return Stash.open(dir, StashOptions.defaults());
    }

    private static byte[] quarantineKey(long batchId, int index) {
        byte[] key = new byte[13];
        key[0] = 'd';
        System.arraycopy(StashKeys.record(batchId, index), 0, key, 1, 12);
        return key;
    }

    /**
     * Batch 2 of three has records 0 and 1 damaged on disk; a drain quarantines them and delivers the rest. Returns
     * the intact bytes of the two records, which a test may put back into their quarantine entries as a repair.
     */
    private byte[][] stashWithTwoQuarantinedRecords() {
        try (Stash stash = open()) {
            records.appendBatch(stash, "t", 0, 0, 2);
            records.appendBatch(stash, "t", 0, 2, 2);
            records.appendBatch(stash, "t", 1, 4, 2); // another partition: not stashed again after the damage
        }
        byte[][] intact = new byte[2][];
        try (RawStash raw = new RawStash(dir)) {
            for (int i = 0; i < 2; i++) {
                intact[i] = raw.recordBytes(2, i);
                raw.flipRecordBit(2, i);
            }
        }
        try (Stash stash = open()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(List.of("value-0", "value-1", "value-4", "value-5"), TestDrainer.values(emitted));
            drainer.acknowledge(emitted);
            assertEquals(2, stash.stats().quarantinedEntries());
        }
        return intact;
    }

    /** What an operator does to repair a quarantined record: puts intact bytes back into its entry. */
    private void repair(long batchId, int index, byte[] intact) {
        try (RawStash raw = new RawStash(dir)) {
            byte[] key = quarantineKey(batchId, index);
            QuarantinedEntry damaged = StashJson.read(raw.get(Family.QUARANTINE, key), QuarantinedEntry.class);
            raw.put(Family.QUARANTINE, key, StashJson.write(new QuarantinedEntry(damaged.family(), damaged.batchId(),
                damaged.index(), damaged.reason(), damaged.quarantinedAt(), intact, 1, damaged.offsets(), damaged.group())));
        }
    }

    @Test
    void repairedRecordsComeBackAsOneNewBatchAtTheEndInTheirOrder() {
        byte[][] intact = stashWithTwoQuarantinedRecords();
        repair(2, 0, intact[0]);
        repair(2, 1, intact[1]);
        try (Stash stash = open()) {
            long nextBefore = stash.nextBatchId();

            List<RequeueOutcome> outcomes = stash.quarantine().requeue(List.of(), false);

            assertEquals(1, outcomes.size());
            RequeueOutcome outcome = outcomes.get(0);
            assertEquals(2, outcome.originalBatchId());
            assertEquals(2, outcome.restored());
            assertEquals(0, outcome.stillDamaged());
            BatchMetadata rebuilt = outcome.newBatch();
            assertEquals(nextBefore, rebuilt.id(), "a new id, after every batch");
            assertEquals("t", rebuilt.group(), "the group of the batch they came from");
            assertEquals(0, stash.stats().quarantinedEntries());
            assertEquals(List.of("value-2", "value-3"), TestDrainer.values(TestDrainer.active(stash).drainAll()));
        }
        try (Stash stash = open()) {
            assertEquals(1, stash.stats().pendingBatches(), "the requeue is durable");
            assertTrue(stash.inspect().verify(10).clean());
        }
    }

    @Test
    void aRecordThatStillFailsStaysInQuarantineUntilItPassesAgain() {
        byte[][] intact = stashWithTwoQuarantinedRecords();
        try (Stash stash = open()) {
            RequeueOutcome outcome = stash.quarantine().requeue(List.of(2L), false).get(0);
            assertEquals(0, outcome.restored());
            assertEquals(2, outcome.stillDamaged());
            assertNull(outcome.newBatch());
            assertEquals(2, stash.stats().quarantinedEntries());
            assertEquals(0, stash.stats().pendingBatches());
        }
        repair(2, 1, intact[1]);
        try (Stash stash = open()) {
            RequeueOutcome outcome = stash.quarantine().requeue(List.of(2L), false).get(0);
            assertEquals(1, outcome.restored());
            assertEquals(1, outcome.stillDamaged());
            assertFalse(outcome.metadataEntryRemoved(), "there was none");
            assertEquals(1, stash.stats().quarantinedEntries());
            List<TestDrainer.Emitted> emitted = TestDrainer.active(stash).drainAll();
            assertEquals(List.of("value-3"), TestDrainer.values(emitted));
            assertEquals(3L, emitted.get(0).batch().offsets().get(0).first());
        }
    }

    @Test
    void aDryRunReportsWithoutChangingAnything() {
        byte[][] intact = stashWithTwoQuarantinedRecords();
        repair(2, 0, intact[0]);
        try (Stash stash = open()) {
            long next = stash.nextBatchId();
            RequeueOutcome outcome = stash.quarantine().requeue(List.of(2L), true).get(0);
            assertEquals(1, outcome.restored());
            assertNull(outcome.newBatch());
            assertEquals(2, stash.stats().quarantinedEntries());
            assertEquals(next, stash.nextBatchId());

            assertEquals(2, stash.quarantine().purge(List.of(), true).size());
            assertEquals(2, stash.stats().quarantinedEntries());
        }
    }

    @Test
    void requeueingAnotherBatchLeavesTheOthersAlone() {
        stashWithTwoQuarantinedRecords();
        try (Stash stash = open()) {
            assertTrue(stash.quarantine().requeue(List.of(100L), false).isEmpty());
            assertEquals(2, stash.quarantine().list(List.of(2L)).size());
            assertTrue(stash.quarantine().list(List.of(3L)).isEmpty());
        }
    }

    @Test
    void purgeDeletesTheEntriesOfTheNamedBatchesForGood() {
        stashWithTwoQuarantinedRecords();
        try (RawStash raw = new RawStash(dir)) {
            raw.put(Family.QUARANTINE, quarantineKey(3, 0), StashJson.write(
                new QuarantinedEntry(Family.DATA.columnFamily(), 3, 0, "test", 1L, new byte[] {1})));
        }
        try (Stash stash = open()) {
            assertEquals(3, stash.stats().quarantinedEntries());
            List<QuarantinedEntry> purged = stash.quarantine().purge(List.of(2L), false);
            assertEquals(2, purged.size());
            assertTrue(purged.stream().allMatch(e -> e.batchId() == 2));
            assertEquals(1, stash.stats().quarantinedEntries());
            assertEquals(1, stash.quarantine().purge(List.of(), false).size());
            assertEquals(0, stash.stats().quarantinedEntries());
        }
    }
}
