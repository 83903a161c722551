package io.durastash.stash;

import io.durastash.stash.inspect.InspectedBatch;
import io.durastash.stash.inspect.InspectedRecord;
import io.durastash.stash.inspect.RecordScan;
import io.durastash.stash.inspect.VerifyReport;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchStatus;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestRecords;

import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the stash tool reads: listing, scanning and verifying change nothing, even on damaged entries. */
class StashInspectionTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private Stash inspect() {
        return Stash.open(dir, StashOptions.defaults().withQuarantineOnOpen(false));
    }

    @Test
    void batchesArePagedInIdOrderFromAnId() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            for (int i = 0; i < 5; i++) {
                records.appendBatch(stash, "t", 0, i * 2L, 2);
            }
            List<InspectedBatch> first = stash.inspect().batches(0, 2);
            assertEquals(List.of(1L, 2L), first.stream().map(InspectedBatch::id).toList());
            List<InspectedBatch> next = stash.inspect().batches(first.get(1).id() + 1, 10);
            assertEquals(List.of(3L, 4L, 5L), next.stream().map(InspectedBatch::id).toList());
            assertEquals(2, next.get(0).metadata().recordCount());
            assertEquals(BatchStatus.PENDING, next.get(0).metadata().status());
            assertTrue(stash.inspect().batch(3).isPresent());
            assertTrue(stash.inspect().batch(99).isEmpty());
        }
    }

    @Test
    void openingForInspectionLeavesDamagedMetadataWhereItIs() throws Exception {
        long damaged;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 2);
            damaged = records.appendBatch(stash, "t", 0, 2, 2).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipBit(Family.META, StashKeys.batch(damaged));
        }
        try (Stash stash = inspect()) {
            assertEquals(0, stash.stats().quarantinedEntries());
            assertEquals(1, stash.stats().pendingBatches(), "the damaged batch is not queued");
            List<InspectedBatch> batches = stash.inspect().batches(0, 10);
            assertEquals(2, batches.size());
            assertTrue(batches.get(1).damaged());
            assertTrue(batches.get(1).damage().startsWith("metadata"), batches.get(1).damage());
            assertNull(batches.get(1).metadata());
            assertEquals(damaged + 1, stash.nextBatchId(), "ids stay past the damaged batch");
        }
        try (RawStash raw = new RawStash(dir)) {
            assertEquals(2, raw.count(Family.META));
            assertEquals(4, raw.countRecords());
            assertEquals(0, raw.count(Family.QUARANTINE));
        }
    }

    @Test
    void scanningReturnsDamagedRecordsWithTheReasonAndLeavesThem() throws Exception {
        long batchId;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            batchId = records.appendBatch(stash, "t", 0, 0, 3).id();
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(batchId, 1);
        }
        try (Stash stash = inspect()) {
            List<InspectedRecord> scanned = new ArrayList<>();
            try (RecordScan scan = stash.inspect().scan(batchId, 0, new RecordCodec())) {
                scan.forEachRemaining(scanned::add);
            }
            assertEquals(3, scanned.size());
            assertFalse(scanned.get(0).damaged());
            assertEquals(0L, scanned.get(0).record().offset());
            assertTrue(scanned.get(1).damaged());
            assertTrue(scanned.get(1).damage().contains("checksum"), scanned.get(1).damage());
            assertEquals(2L, scanned.get(2).record().offset());
            try (RecordScan scan = stash.inspect().scan(batchId, 2, new RecordCodec())) {
                assertEquals(2, scan.next().index());
                assertFalse(scan.hasNext());
            }
            assertEquals(0, stash.stats().quarantinedEntries());
        }
        try (RawStash raw = new RawStash(dir)) {
            assertEquals(3, raw.countRecords());
        }
    }

    @Test
    void verifyPassesAnIntactStash() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 3);
            records.appendBatch(stash, "t", 1, 0, 2);
            VerifyReport report = stash.inspect().verify(10);
            assertTrue(report.clean(), report.damages().toString());
            assertEquals(2, report.batches());
            assertEquals(5, report.records());
            assertTrue(report.recordBytes() > 0);
        }
    }

    @Test
    void verifyFindsEveryKindOfDamageWithoutChangingAnything() throws Exception {
        long badRecord;
        long badMeta;
        long orphan;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            badRecord = records.appendBatch(stash, "t", 0, 0, 3).id();
            badMeta = records.appendBatch(stash, "t", 0, 3, 2).id();
            orphan = records.appendBatch(stash, "t", 0, 5, 2).id();
            records.appendBatch(stash, "t", 0, 7, 2);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(badRecord, 2);
            raw.flipBit(Family.META, StashKeys.batch(badMeta));
            raw.delete(Family.META, StashKeys.batch(orphan));
            raw.put(Family.QUARANTINE, new byte[] {'d', 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1}, "{broken".getBytes(StandardCharsets.UTF_8));
        }
        try (Stash stash = inspect()) {
            VerifyReport report = stash.inspect().verify(100);
            assertFalse(report.clean());
            List<String> found = report.damages().stream().map(d -> d.kind() + "@" + d.batchId() + "/" + d.index()).toList();
            assertEquals(List.of("RECORD@" + badRecord + "/2", "METADATA@" + badMeta + "/-1", "ORPHAN_RECORDS@" + orphan + "/-1",
                "QUARANTINE_ENTRY@9/1"), found);
            assertEquals(4, report.damageCount());
            assertEquals(1, report.quarantineEntries());
            assertEquals(3, report.batches(), "the metadata entries present");
            assertEquals(9, report.records(), "every record entry, orphans included");

            VerifyReport capped = stash.inspect().verify(1);
            assertEquals(1, capped.damages().size());
            assertEquals(4, capped.damageCount());
        }
        try (RawStash raw = new RawStash(dir)) {
            assertEquals(9, raw.countRecords(), "verify changes nothing");
            assertEquals(3, raw.count(Family.META));
        }
    }

    @Test
    void allStashedOffsetsAreListedPerSink() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            stash.ledger("sink-a").append(List.of(), Map.of(new TopicPartition("t", 0), 41L, new TopicPartition("t", 1), 7L), true);
            stash.ledger("sink-b").append(List.of(), Map.of(new TopicPartition("u.v", 3), 99L), true);
            Map<String, Map<TopicPartition, Long>> all = stash.inspect().stashedOffsets();
            assertEquals(List.of("sink-a", "sink-b"), new ArrayList<>(all.keySet()));
            assertEquals(Map.of(new TopicPartition("t", 0), 41L, new TopicPartition("t", 1), 7L), all.get("sink-a"));
            assertEquals(Map.of(new TopicPartition("u.v", 3), 99L), all.get("sink-b"));
        }
    }
}
