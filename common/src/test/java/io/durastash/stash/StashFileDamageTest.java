package io.durastash.stash;

import io.durastash.stash.inspect.VerifyReport;
import io.durastash.stash.internals.Family;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes rotting in RocksDB's own files, below the records' checksums: a block of {@code data} or of {@code meta} whose
 * block checksum fails. The stash opens, everything readable is delivered in order, the damage is set aside with the
 * input offsets it held, and nothing fails again and again.
 */
class StashFileDamageTest {
    private static final int BATCHES = 200;
    private static final int RECORDS = 10;

    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    /** Fills the stash, flushes it to SST files and damages the middle of {@code family}'s file. */
    private Path damagedStash(Family family) throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            for (int b = 0; b < BATCHES; b++) {
                records.appendBatch(stash, "t", 0, (long) b * RECORDS, RECORDS);
            }
        }
        Path file;
        try (RawStash raw = new RawStash(dir)) {
            raw.flush();
            List<Path> files = raw.sstFiles(family);
            assertEquals(1, files.size(), "one file to damage: " + files);
            file = files.get(0);
        }
        RawStash.damage(file, Files.size(file) / 3, 8);
        return file;
    }

    private static List<Long> offsets(List<TestDrainer.Emitted> emitted) {
        return emitted.stream().map(e -> e.record().record().offset()).toList();
    }

    @Test
    void aDamagedDataBlockCostsOnlyTheRecordsInIt() throws Exception {
        Path file = damagedStash(Family.DATA);

        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            VerifyReport report = stash.inspect().verify(10);
            assertFalse(report.clean());
            assertTrue(report.damages().get(0).detail().contains(file.getFileName().toString()),
                "verify names the damaged file: " + report.damages());

            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            drainer.acknowledge(emitted);

            List<Long> offsets = offsets(emitted);
            long firstLost = stash.ledger(TestRecords.SINK).refetch(new TopicPartition("t", 0)).get(0).first();
            assertEquals(LongStream.range(0, firstLost).boxed().toList(), offsets,
                "every record before the damage, in order; the partition is fetched again from there");
            List<QuarantinedEntry> setAside = stash.quarantine().list();
            int setAsideRecords = setAside.stream().mapToInt(e -> Math.max(1, e.records())).sum();
            assertFalse(setAside.isEmpty(), "the damage is set aside, with what it held");
            assertTrue(setAside.stream().allMatch(e -> !e.offsets().isEmpty()), "each with its input offsets: " + setAside);
            assertEquals(BATCHES * RECORDS, emitted.size() + setAsideRecords + drainer.drainer().supersededRecords(),
                "every record delivered, set aside, or left to be fetched again");
            assertTrue(setAsideRecords < BATCHES * RECORDS / 10, "only what the damaged block held: " + setAsideRecords);
            assertEquals(0, stash.stats().liveBatches(), "nothing left to fail again");
        }
    }

    @Test
    void aDamagedDataFileThatOutlivesItsBatchesStillOpens() throws Exception {
        damagedStash(Family.DATA);
        long next;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drainAll());
            next = stash.nextBatchId();
        }

        // The damaged file stays until compaction drops it, under the deletions of every batch it held.
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(0, stash.stats().liveBatches());
            assertEquals(next, records.appendBatch(stash, "t", 0, BATCHES * RECORDS, 1).id(), "ids continue");
        }
    }

    @Test
    void aDamagedMetadataBlockStillOpensAndDeliversEveryRecord() throws Exception {
        damagedStash(Family.META);

        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(BATCHES, stash.stats().pendingBatches(), "every batch found: the damaged ones rebuilt");
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(BATCHES * RECORDS, emitted.size());
            List<Long> offsets = offsets(emitted);
            assertEquals(offsets.stream().sorted().toList(), offsets, "in order");
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals(Family.META.columnFamily())),
                "the damaged metadata entries are recorded");
            drainer.acknowledge(emitted);
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(0, stash.stats().liveBatches(), "and they do not come back");
        }
    }
    /**
     * The records of drained batches may wait in {@code data} for the next reclaim ({@code DrainedRanges}): a stash whose
     * metadata is damaged, which finds its batches from their records, does not take those for batches to deliver.
     */
    @Test
    void drainedBatchesWhoseRecordsWaitAreNotFoundFromThemWhenTheMetadataIsDamaged() throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            for (int b = 0; b < BATCHES; b++) {
                records.appendBatch(stash, "t", 0, (long) b * RECORDS, RECORDS);
            }
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) { // its records in files: the reopen flushed them
            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(BATCHES / 2 * RECORDS));
        }
        Path file;
        try (RawStash raw = new RawStash(dir)) {
            raw.flush();
            file = raw.sstFiles(Family.META).stream().max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                .orElseThrow();
        }
        // Inside the metadata of a batch not drained (not across a block's structure, which RocksDB, reading without its
        // checksums, would trust).
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"id\":" + BATCHES * 3 / 4 + ",");
        assertTrue(at > 0, "the metadata of batch " + BATCHES * 3 / 4 + " is in " + file);
        RawStash.damage(file, at, 8);

        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals(Family.META.columnFamily())),
                "the damaged metadata entries are recorded");
            List<Long> offsets = offsets(TestDrainer.active(stash).drainAll());
            assertEquals(LongStream.range(BATCHES / 2 * RECORDS, BATCHES * RECORDS).boxed().toList(), offsets,
                "the batches not drained, each once, and none of those drained");
        }
    }
}
