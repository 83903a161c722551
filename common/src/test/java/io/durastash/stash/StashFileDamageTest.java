package io.durastash.stash;

import io.durastash.stash.inspect.VerifyReport;
import io.durastash.stash.internals.Family;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes rotting in RocksDB's own files, below the records' checksums: a block of {@code data} or of {@code meta} whose
 * block checksum fails. The stash opens, everything readable is delivered in order, the damage is set aside with the
 * input offsets it held, and nothing fails again and again.
 */
class StashFileDamageTest {
    private static final int BATCHES = 200;
    private static final int RECORDS = 10;
    /** What 8 damaged bytes can cost at most: two of {@code data}'s 16 KiB blocks, each about 31 of these batches. */
    private static final int TWO_BLOCKS_OF_RECORDS = 2 * 32 * RECORDS;
    /** How many places of a file's blocks a sweep damages, evenly spread. */
    private static final int SWEEP_PLACES = 120;

    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    /** Fills the stash, flushes it to SST files and damages the middle of {@code family}'s file. */
    private Path damagedStash(Family family) throws Exception {
        Path file = stashInFiles(dir, family);
        RawStash.damage(file, Files.size(file) / 3, 8);
        return file;
    }

    /** Fills a stash at {@code at}, which writes it to SST files when it opens again; returns {@code family}'s one file. */
    private Path stashInFiles(Path at, Family family) throws Exception {
        try (Stash stash = Stash.open(at, StashOptions.defaults())) {
            for (int b = 0; b < BATCHES; b++) {
                records.appendBatch(stash, "t", 0, (long) b * RECORDS, RECORDS);
            }
        }
        Stash.open(at, StashOptions.defaults()).close();
        List<Path> files = RawStash.sstFiles(at, family);
        assertEquals(1, files.size(), "one file to damage: " + files);
        return files.get(0);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Files.copy(path, to.resolve(from.relativize(path).toString()));
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
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
            assertTrue(setAsideRecords <= TWO_BLOCKS_OF_RECORDS, "only what the damaged block held: " + setAsideRecords);
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
     * Damage anywhere in a metadata file's blocks, their structure included, costs no record and never crashes the
     * process: a block whose checksum fails is stepped over, never parsed. Eight bytes at
     * {@value #SWEEP_PLACES} places spread over the file's data blocks, each on a fresh copy of the same stash.
     */
    @Test
    void damageAnywhereInTheMetadataBlocksCostsNoRecord() throws Exception {
        sweep(Family.META, (stash, at) -> {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            assertEquals(LongStream.range(0, BATCHES * RECORDS).boxed().toList(), offsets(emitted),
                "every record once and in order with 8 bytes damaged at " + at);
            drainer.acknowledge(emitted);
        });
    }

    /** The same sweep over a records file: what the damaged block held is set aside, everything else delivered. */
    @Test
    void damageAnywhereInTheRecordBlocksCostsOnlyWhatTheBlockHeld() throws Exception {
        sweep(Family.DATA, (stash, at) -> {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            drainer.acknowledge(emitted);
            List<Long> offsets = offsets(emitted);
            assertEquals(offsets.stream().distinct().sorted().toList(), offsets, "once and in order, damage at " + at);
            int setAside = stash.quarantine().list().stream().mapToInt(e -> Math.max(1, e.records())).sum();
            assertEquals(BATCHES * RECORDS, emitted.size() + setAside + drainer.drainer().supersededRecords(),
                "every record delivered, set aside, or left to be fetched again, damage at " + at);
            assertTrue(setAside <= TWO_BLOCKS_OF_RECORDS, "only what the damaged blocks held: " + setAside + ", at " + at);
            assertEquals(0, stash.stats().liveBatches(), "nothing left to fail again, damage at " + at);
        });
    }

    private interface DamagedStashCheck {
        void check(Stash stash, long damagedAt) throws Exception;
    }

    /** Damages 8 bytes at {@value #SWEEP_PLACES} places of {@code family}'s data blocks, each on a fresh copy. */
    private void sweep(Family family, DamagedStashCheck check) throws Exception {
        Path template = dir.resolve("template");
        Path file = stashInFiles(template, family);
        long blocks = RawStash.dataBlockBytes(file);
        long step = Math.max(1, (blocks - 8) / SWEEP_PLACES);
        int swept = 0;
        for (long at = 0; at + 8 <= blocks; at += step) {
            Path copy = dir.resolve("at-" + at);
            copyTree(template, copy);
            RawStash.damage(copy.resolve(template.relativize(file)), at, 8);
            try (Stash stash = Stash.open(copy, StashOptions.defaults())) {
                check.check(stash, at);
            }
            deleteTree(copy);
            swept++;
        }
        assertTrue(swept >= SWEEP_PLACES, "swept " + swept + " places in " + blocks + " bytes of blocks");
    }

    /**
     * Damage past the data blocks, where RocksDB keeps a file's index and footer, fails the open, which the stash cannot
     * step over: the error names the file and the fix, the directory is left as it was, and it is not taken for
     * damage in the write-ahead log.
     */
    @Test
    void aDamagedFileIndexFailsTheOpenNamingTheFileAndTheFix() throws Exception {
        Path file = stashInFiles(dir, Family.META);
        RawStash.damage(file, Files.size(file) - 80, 8);
        byte[] damaged = Files.readAllBytes(file);

        StashException failure = assertThrows(StashException.class, () -> Stash.open(dir, StashOptions.defaults()));
        assertTrue(failure.getMessage().contains(file.getFileName().toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains("mv " + dir + " " + dir + ".damaged"), failure.getMessage());
        assertTrue(java.util.Arrays.equals(damaged, Files.readAllBytes(file)), "the file is left as it was");
        assertFalse(failure.getMessage().contains("write-ahead log"), "not taken for damage in the WAL: " + failure);
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
