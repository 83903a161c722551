package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import io.durastash.stash.quarantine.QuarantinedEntry;
import io.durastash.stash.quarantine.RequeueOutcome;
import io.durastash.stash.internals.StashJson;

import io.durastash.stash.codec.RecordCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
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

    /** Appends three batches of two records and damages the metadata of the middle one; returns its id. */
    private long stashWithDamagedMetadata() throws Exception {
        long damaged;
        try (Stash stash = open()) {
            records.appendBatch(stash, "t", 0, 0, 2);
            damaged = records.appendBatch(stash, "t", 0, 2, 2).id();
            records.appendBatch(stash, "t", 0, 4, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            // Damaged so that the JSON still parses and fails its checksum only.
            raw.editMetadata(damaged, json -> json.replaceAll("\"recordCount\":2", "\"recordCount\":3"));
        }
        return damaged;
    }

    @Test
    void aBatchWithDamagedMetadataIsRebuiltFromItsIntactRecordsAtTheEnd() throws Exception {
        long damaged = stashWithDamagedMetadata();
        try (Stash stash = open()) {
            assertEquals(3, stash.stats().quarantinedEntries(), "quarantined on open: metadata and two records");
            long nextBefore = stash.nextBatchId();

            List<RequeueOutcome> outcomes = stash.quarantine().requeue(List.of(), false);

            assertEquals(1, outcomes.size());
            RequeueOutcome outcome = outcomes.get(0);
            assertEquals(damaged, outcome.originalBatchId());
            assertEquals(2, outcome.restored());
            assertEquals(0, outcome.stillDamaged());
            assertTrue(outcome.metadataEntryRemoved());
            BatchMetadata rebuilt = outcome.newBatch();
            assertEquals(nextBefore, rebuilt.id(), "a new id, after every batch");
            assertEquals("t", rebuilt.group(), "the group still reads from the damaged metadata");
            assertEquals(2, rebuilt.recordCount());
            assertEquals(0, stash.stats().quarantinedEntries());
            assertEquals(3, stash.stats().pendingBatches());
            assertEquals(6, stash.stats().pendingRecords());

            List<String> values = TestDrainer.values(TestDrainer.active(stash).drainAll());
            assertEquals(List.of("value-0", "value-1", "value-4", "value-5", "value-2", "value-3"), values,
                "the restored records come last, in their own order");
        }
        try (Stash stash = open()) {
            assertEquals(3, stash.stats().pendingBatches(), "the requeue is durable");
            assertEquals(0, stash.stats().quarantinedEntries());
            assertTrue(stash.inspect().verify(10).clean());
        }
    }

    @Test
    void aRecordThatStillFailsStaysInQuarantineUntilItPassesAgain() throws Exception {
        long batchId;
        byte[] intact;
        try (Stash stash = open()) {
            batchId = records.appendBatch(stash, "t", 0, 0, 3).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            intact = raw.get(Family.DATA, StashKeys.record(batchId, 1));
            raw.flipBit(Family.DATA, StashKeys.record(batchId, 1));
        }
        try (Stash stash = open()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(List.of("value-0", "value-2"), TestDrainer.values(emitted));
            drainer.acknowledge(emitted);
            assertEquals(1, stash.stats().quarantinedEntries());

            RequeueOutcome outcome = stash.quarantine().requeue(List.of(batchId), false).get(0);
            assertEquals(0, outcome.restored());
            assertEquals(1, outcome.stillDamaged());
            assertNull(outcome.newBatch());
            assertEquals(1, stash.stats().quarantinedEntries());
            assertEquals(0, stash.stats().pendingBatches());
        }
        // An operator repairs the entry (here: puts the intact bytes back into it).
        try (RawStash raw = new RawStash(dir)) {
            byte[] key = new byte[13];
            key[0] = 'd';
            System.arraycopy(StashKeys.record(batchId, 1), 0, key, 1, 12);
            QuarantinedEntry damaged = StashJson.read(raw.get(Family.QUARANTINE, key), QuarantinedEntry.class);
            raw.put(Family.QUARANTINE, key, StashJson.write(new QuarantinedEntry(damaged.family(), damaged.batchId(),
                damaged.index(), damaged.reason(), damaged.quarantinedAt(), intact)));
        }
        try (Stash stash = open()) {
            RequeueOutcome outcome = stash.quarantine().requeue(List.of(batchId), false).get(0);
            assertEquals(1, outcome.restored());
            assertFalse(outcome.metadataEntryRemoved(), "there was none");
            assertTrue(outcome.newBatch().id() > batchId);
            assertEquals(0, stash.stats().quarantinedEntries());
            List<TestDrainer.Emitted> emitted = TestDrainer.active(stash).drainAll();
            BatchMetadata restored = emitted.get(0).batch();
            assertEquals(List.of("value-1"), TestDrainer.values(emitted));
            assertEquals("t", restored.offsets().get(0).topic());
            assertEquals(1L, restored.offsets().get(0).first());
        }
    }

    @Test
    void aDryRunReportsWithoutChangingAnything() throws Exception {
        long damaged = stashWithDamagedMetadata();
        try (Stash stash = open()) {
            long next = stash.nextBatchId();
            RequeueOutcome outcome = stash.quarantine().requeue(List.of(damaged), true).get(0);
            assertEquals(2, outcome.restored());
            assertNull(outcome.newBatch());
            assertEquals(3, stash.stats().quarantinedEntries());
            assertEquals(2, stash.stats().pendingBatches());
            assertEquals(next, stash.nextBatchId());

            assertEquals(3, stash.quarantine().purge(List.of(), true).size());
            assertEquals(3, stash.stats().quarantinedEntries());
        }
    }

    @Test
    void requeueingAnotherBatchLeavesTheOthersAlone() throws Exception {
        long damaged = stashWithDamagedMetadata();
        try (Stash stash = open()) {
            assertTrue(stash.quarantine().requeue(List.of(damaged + 100), false).isEmpty());
            assertEquals(3, stash.quarantine().list(List.of(damaged)).size());
            assertTrue(stash.quarantine().list(List.of(damaged + 1)).isEmpty());
        }
    }

    @Test
    void purgeDeletesTheEntriesOfTheNamedBatchesForGood() throws Exception {
        long damaged = stashWithDamagedMetadata();
        long second;
        try (Stash stash = open()) {
            second = records.appendBatch(stash, "t", 0, 6, 2).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            byte[] key = new byte[13];
            key[0] = 'd';
            System.arraycopy(StashKeys.record(second, 0), 0, key, 1, 12);
            raw.put(Family.QUARANTINE, key, StashJson.write(new QuarantinedEntry(Family.DATA.columnFamily(), second, 0, "test", 1L, new byte[] {1})));
        }
        try (Stash stash = open()) {
            assertEquals(4, stash.stats().quarantinedEntries());
            List<QuarantinedEntry> purged = stash.quarantine().purge(List.of(damaged), false);
            assertEquals(3, purged.size());
            assertTrue(purged.stream().allMatch(e -> e.batchId() == damaged));
            assertEquals(1, stash.stats().quarantinedEntries());
            assertEquals(1, stash.quarantine().purge(List.of(), false).size());
            assertEquals(0, stash.stats().quarantinedEntries());
        }
        try (Stash stash = open()) {
            assertEquals(0, stash.stats().quarantinedEntries(), "purged for good");
            assertTrue(stash.quarantine().list().isEmpty());
        }
    }
}
