package io.durastash.stash;

import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting drained batches frees no disk by itself: their records stay in the WAL until the memtable is flushed, and
 * in SST files until a compaction drops them. A sink paused for a low filesystem needs that space back to resume.
 */
class StashDiskReclaimTest {
    private static final int BATCHES = 20;
    private static final int RECORDS = 1_000;

    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    @Test
    void aDrainedStashGivesBackTheSpaceOfItsWalAndFiles() throws Exception {
        try (Stash stash = withBatchesInFilesAndWal()) {
            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drainAll());
            assertEquals(0, stash.stats().liveBatches());
            long held = storedBytes();

            stash.ledger("sink").reclaimDisk();

            long after = storedBytes();
            System.out.println("stash files: " + held + " bytes drained, " + after + " after reclaimDisk");
            assertTrue(after < held / 10, "the drained stash still takes " + after + " of " + held + " bytes");
            records.appendBatch(stash, "t", 0, 2L * BATCHES * RECORDS, 1);
            assertEquals(1, drainer.drainAll().size(), "and it takes new batches");
        }
    }

    @Test
    void aStashWithABacklogGivesBackTheSpaceOfWhatItDrainedAndKeepsTheRest() throws Exception {
        try (Stash stash = withBatchesInFilesAndWal()) {
            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(BATCHES * RECORDS * 3 / 2)); // 30 of the 40 batches
            long held = storedBytes();

            assertFalse(stash.ledger("sink").reclaimDrained(Long.MAX_VALUE), "not before that many bytes were drained");
            assertTrue(stash.ledger("sink").reclaimDrained(1));

            long after = storedBytes();
            System.out.println("stash files: " + held + " bytes with 10 of 40 batches left, " + after + " after reclaim");
            assertTrue(after < held / 4, "a quarter of the batches left still take " + after + " of " + held + " bytes");
            assertEquals(BATCHES * RECORDS / 2, drainer.drainAll().size(), "the backlog is intact");
        }
    }

    /**
     * RocksDB's compaction of a key range takes every file that overlaps it: a reclaim compacts only the drained
     * batches' files. A batch's deletion ends at the last key that batch could have, and the reclaim compacts through
     * the newest drained batch's last key; with either boundary on the next batch's first key, RocksDB would take the
     * file that begins with it, which in a backlog is the rest of the stash.
     */
    @Test
    void aReclaimLeavesTheBacklogsFilesAlone() throws Exception {
        Set<Path> backlogFiles = backlogInFiles();
        long backlogBytes = bytes(backlogFiles);
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 2L * BATCHES * RECORDS, RECORDS); // in the memtable

            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(BATCHES * RECORDS));
            stash.ledger("sink").reclaimDisk();

            assertNotRewritten(backlogFiles, backlogBytes);
            assertEquals((BATCHES + 1) * RECORDS, drainer.drainAll().size(), "the backlog is intact");
        }
    }

    /**
     * Once the sink writes again while the stash drains, its new records share the memtable with whatever the drain
     * writes: the records of batches already in files are deleted at the reclaim, in a memtable of their own
     * ({@code DrainedRanges}), so that no flushed file spans the backlog and the reclaim rewrites none of its files.
     */
    @Test
    void aReclaimWhileTheSinkWritesAgainLeavesTheBacklogsFilesAlone() throws Exception {
        Set<Path> backlogFiles = backlogInFiles();
        long backlogBytes = bytes(backlogFiles);
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            TestDrainer drainer = TestDrainer.active(stash);
            for (int b = 0; b < BATCHES; b++) { // the sink writes as the drain deletes
                drainer.acknowledge(drainer.drain(RECORDS));
                records.appendBatch(stash, "t", 1, (long) b * RECORDS, RECORDS);
            }
            stash.ledger("sink").reclaimDisk();

            assertNotRewritten(backlogFiles, backlogBytes);
            assertEquals(2 * BATCHES * RECORDS, drainer.drainAll().size(), "the backlog and the new batches are intact");
        }
    }

    /** Flushes RocksDB starts by itself, when the memtables fill up, count as much as the stash's own. */
    @Test
    void aBacklogThatRocksDbFlushedByItselfIsNotRewrittenEither() throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES))) {
            for (long b = 0; RawStash.recordSstFilesOfOpenStash(dir).size() < 3; b++) {
                assertTrue(b < 10 * BATCHES, "RocksDB flushes the memtables as they fill up");
                records.appendBatch(stash, "t", 0, b * RECORDS, RECORDS);
            }
            List<Path> flushed = RawStash.recordSstFilesOfOpenStash(dir); // in order: the first holds the batches the drain takes
            Set<Path> backlogFiles = new HashSet<>(flushed.subList(1, flushed.size()));
            long backlogBytes = bytes(backlogFiles);

            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(RECORDS)); // the first batch
            records.appendBatch(stash, "t", 1, 0, RECORDS);
            stash.ledger("sink").reclaimDisk();

            assertNotRewritten(backlogFiles, backlogBytes);
        }
    }

    /**
     * The records of drained batches that wait for the reclaim are not batches to deliver when the stash opens again,
     * nor damage to report; the reclaim then deletes them.
     */
    @Test
    void drainedRecordsThatWaitForTheReclaimAreNotDeliveredAgain() throws Exception {
        inFiles(0);
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(BATCHES * RECORDS / 2));
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(BATCHES / 2, stash.stats().liveBatches(), "only what was not drained");
            assertEquals(0, stash.inspect().verify(10).damageCount(), "the waiting records are no orphans");
            long held = storedBytes();

            stash.ledger("sink").reclaimDisk();

            long after = storedBytes();
            System.out.println("stash files: " + held + " bytes with half drained, " + after + " after reclaim");
            assertTrue(after < held * 3 / 4, "the drained half still takes " + after + " of " + held + " bytes");
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(BATCHES / 2 * RECORDS, TestDrainer.active(stash).drainAll().size());
        }
    }

    /** A stash whose first batches are in SST files (its reopen replays the WAL into them) and the next in the WAL. */
    private Stash withBatchesInFilesAndWal() {
        inFiles(0);
        Stash stash = Stash.open(dir, StashOptions.defaults());
        append(stash, BATCHES);
        return stash;
    }

    /** Appends {@link #BATCHES} batches from {@code fromBatch} and puts them in SST files: the reopen replays the WAL. */
    private void inFiles(int fromBatch) {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            append(stash, fromBatch);
        }
        Stash.open(dir, StashOptions.defaults()).close();
    }

    /** Batches to drain in files, then a backlog in files of its own; returns the backlog's files. */
    private Set<Path> backlogInFiles() throws IOException {
        inFiles(0);
        Set<Path> drainedFiles = sstFiles();
        inFiles(BATCHES);
        Set<Path> backlogFiles = sstFiles();
        backlogFiles.removeAll(drainedFiles);
        return backlogFiles;
    }

    private void assertNotRewritten(Set<Path> backlogFiles, long backlogBytes) throws IOException {
        backlogFiles.retainAll(sstFiles());
        System.out.println("backlog files: " + backlogBytes + " bytes, " + bytes(backlogFiles) + " not rewritten");
        assertTrue(bytes(backlogFiles) > backlogBytes * 9 / 10, "the reclaim rewrote the backlog's files: "
            + bytes(backlogFiles) + " of " + backlogBytes + " bytes are in the files it had before");
    }

    private void append(Stash stash, int fromBatch) {
        for (int b = fromBatch; b < fromBatch + BATCHES; b++) {
            records.appendBatch(stash, "t", 0, (long) b * RECORDS, RECORDS);
        }
    }

    private Set<Path> sstFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".sst")).collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static long bytes(Set<Path> files) {
        return files.stream().mapToLong(f -> f.toFile().length()).sum();
    }

    /** The bytes of the stash's WAL and SST files. */
    private long storedBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".sst"))
                .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
