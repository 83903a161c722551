package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes damaged on disk while no worker runs: the entry is quarantined with a reason, the rest flows. */
class StashCorruptionTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    @Test
    void aDamagedRecordIsQuarantinedAndTheRecordsOfItsPartitionAfterItWaitToBeStashedAgain() throws Exception {
        long batchId;
        try (Stash stash = openStash()) {
            batchId = records.appendBatch(stash, "t", 0, 0, 3).id();
            records.appendBatch(stash, "t", 0, 3, 2);
            records.appendBatch(stash, "t", 1, 100, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(batchId, 1);
        }

        try (Stash stash = openStash()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(List.of("value-0", "value-100", "value-101"), TestDrainer.values(emitted),
                "the records before the damaged one, and those of other partitions; t-0 from offset 1 on is fetched "
                + "again, so that it stays in order");
            assertEquals(List.of(new OffsetRange("t", 0, 1, 2)), stash.ledger(TestRecords.SINK).refetch(new TopicPartition("t", 0)),
                "the batch's offsets from the damaged record on");
            assertEquals(List.of(0), emitted.stream().filter(e -> e.record().batchId() == batchId)
                .map(e -> e.record().index()).toList());
            assertEquals(1, stash.stats().quarantinedEntries());
            QuarantinedEntry entry = stash.quarantine().list().get(0);
            assertEquals(Family.DATA.columnFamily(), entry.family());
            assertEquals(batchId, entry.batchId());
            assertEquals(1, entry.index());
            assertTrue(entry.reason().contains("checksum"), entry.reason());
            drainer.acknowledge(emitted);
            assertEquals(0, stash.stats().liveBatches());
        }
        try (Stash stash = openStash()) {
            assertEquals(1, stash.stats().quarantinedEntries(), "quarantine survives restarts");
        }
    }

    /**
     * A batch whose metadata is lost and whose first records are damaged: no entry knows those records' offsets, so the
     * batch rebuilt from the rest reaches back to just after the batch before it, and its partition is fetched again
     * from there. Taking the first offset that could be read, as before, lost the records below it.
     */
    @Test
    void aBatchRebuiltWithoutItsFirstRecordsReachesBackToTheBatchBeforeIt() throws Exception {
        long batchId;
        try (Stash stash = openStash()) {
            records.appendBatch(stash, "t", 0, 0, 5);
            batchId = records.appendBatch(stash, "t", 0, 5, 5).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.delete(Family.META, StashKeys.batch(batchId));
            raw.flipRecordBit(batchId, 0);
            raw.flipRecordBit(batchId, 1);
        }

        try (Stash stash = openStash()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(List.of("value-0", "value-1", "value-2", "value-3", "value-4"), TestDrainer.values(emitted),
                "the batch before, whole; the damaged batch's partition is fetched again from its first record");
            assertEquals(List.of(new OffsetRange("t", 0, 5, 9)), stash.ledger(TestRecords.SINK).refetch(new TopicPartition("t", 0)),
                "from just after the batch before, not from offset 7, the first that could be read");
            drainer.acknowledge(emitted);
        }
    }

    @Test
    void aPartitionStashedAgainAfterDamageFlowsInOrderFromTheNewBatchesAndSoAfterARestart() throws Exception {
        TopicPartition t0 = new TopicPartition("t", 0);
        long batchId;
        try (Stash stash = openStash()) {
            batchId = records.appendBatch(stash, "t", 0, 0, 3).id();
            records.appendBatch(stash, "t", 0, 3, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(batchId, 1);
        }
        try (Stash stash = openStash()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> before = drainer.drainAll();
            assertEquals(List.of("value-0"), TestDrainer.values(before));
            drainer.acknowledge(before);

            SinkLedger ledger = stash.ledger(TestRecords.SINK);
            assertEquals(OptionalLong.of(1), ledger.restash(t0), "stashed again from the damaged record");
            assertEquals(OptionalLong.empty(), ledger.restash(t0), "once");
            assertEquals(Map.of(t0, 0L), ledger.stashedOffsets(), "its redeliveries are stashed again");
            records.appendBatch(stash, "t", 0, 1, 4);
            assertEquals(List.of("value-1", "value-2", "value-3", "value-4"), TestDrainer.values(drainer.drainAll()));
        }
        try (Stash stash = openStash()) {
            assertEquals(List.of("value-1", "value-2", "value-3", "value-4"),
                TestDrainer.values(TestDrainer.active(stash).drainAll()), "after a restart: the mark is kept");
        }
    }

    @Test
    void aDamagedRecordLeavesItsBlockSoThatReadingTheBatchAgainSetsNothingAsideTwice() throws Exception {
        long batchId;
        try (Stash stash = openStash()) {
            batchId = records.appendBatch(stash, "t", 0, 0, 3).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(batchId, 1);
        }
        try (Stash stash = openStash()) {
            assertEquals(List.of("value-0"), TestDrainer.values(TestDrainer.active(stash).drainAll()));
        }

        try (Stash stash = openStash()) {
            TestDrainer drainer = TestDrainer.active(stash);
            assertEquals(List.of("value-0"), TestDrainer.values(drainer.drainAll()), "delivered again, unacknowledged");
            assertEquals(1, stash.stats().quarantinedEntries(), "one entry for the one damaged record");
            assertEquals(0, stash.inspect().verify(10).damageCount(), "the block holds only intact records now");
        }
    }

    @Test
    void aBlockThatCannotBeFramedPastARecordDeliversWhatComesBeforeAndSetsAsideTheRest() throws Exception {
        long batchId;
        try (Stash stash = openStash()) {
            batchId = records.appendBatch(stash, "t", 0, 0, 10).id();
            records.appendBatch(stash, "t", 0, 10, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.breakBlockAt(batchId, 6);
        }

        try (Stash stash = openStash()) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();

            assertEquals(List.of("value-0", "value-1", "value-2", "value-3", "value-4", "value-5"),
                TestDrainer.values(emitted), "up to the damage; the partition is stashed again from there");
            QuarantinedEntry entry = stash.quarantine().list().get(0);
            assertEquals(6, entry.index());
            assertEquals(4, entry.records(), "records 6 to 9");
            assertTrue(entry.reason().contains("block damaged at record 6"), entry.reason());
            assertEquals(List.of(new OffsetRange("t", 0, 6, 9)), stash.ledger(TestRecords.SINK).refetch(new TopicPartition("t", 0)),
                "the batch's offsets from the damage on, to fetch again");
            assertEquals(0, stash.inspect().verify(10).damageCount(), "the block was cut off where the damage began");
            drainer.acknowledge(emitted);
            assertEquals(0, stash.stats().liveBatches());
        }
    }

    @Test
    void aBatchWithDamagedMetadataIsRebuiltInPlaceFromItsRecords() throws Exception {
        long damaged;
        try (Stash stash = openStash()) {
            records.appendBatch(stash, "t", 0, 0, 2);
            damaged = records.appendBatch(stash, "t", 0, 2, 2).id();
            records.appendBatch(stash, "t", 0, 4, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.spoilMetadataChecksum(damaged);
        }

        try (Stash stash = openStash()) {
            assertEquals(3, stash.stats().pendingBatches(), "the damaged batch is rebuilt, not set aside");
            assertEquals(1, stash.stats().quarantinedEntries(), "the damaged metadata entry, for the record");
            List<TestDrainer.Emitted> emitted = TestDrainer.active(stash).drainAll();
            assertEquals(List.of("value-0", "value-1", "value-2", "value-3", "value-4", "value-5"),
                TestDrainer.values(emitted), "every record, in order: the batch is where it stood");
            BatchMetadata rebuilt = TestDrainer.batches(emitted).get(1);
            assertEquals(damaged, rebuilt.id());
            assertEquals("t", rebuilt.group(), "the group still reads from the damaged entry");
            assertEquals(List.of(new OffsetRange("t", 0, 2, 3)), rebuilt.offsets(), "rebuilt from the records");
            QuarantinedEntry entry = stash.quarantine().list().get(0);
            assertEquals(Family.META.columnFamily(), entry.family());
            assertTrue(entry.reason().contains("checksum"), entry.reason());
            assertEquals(rebuilt.offsets(), entry.offsets());
        }
    }

    @Test
    void metadataThatNoLongerParsesIsRebuiltToo() throws Exception {
        long damaged;
        try (Stash stash = openStash()) {
            damaged = records.appendBatch(stash, "t", 0, 0, 1).id();
            records.appendBatch(stash, "t", 0, 1, 1);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.put(Family.META, StashKeys.batch(damaged), "{not json".getBytes());
        }
        try (Stash stash = openStash()) {
            assertEquals(2, stash.stats().pendingBatches());
            assertTrue(stash.quarantine().list().get(0).reason().contains("parse"), stash.quarantine().list().get(0).reason());
            assertEquals(List.of("value-0", "value-1"), TestDrainer.values(TestDrainer.active(stash).drainAll()));
        }
    }

    private Stash openStash() {
        return Stash.open(dir, StashOptions.defaults());
    }
}
