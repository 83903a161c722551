package io.durastash.stash;

import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
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
     * A sink that pauses at its limit flushes its last records ({@link SinkLedger#flush}): the drain's deletions then
     * reach a file of their own, and the reclaim compacts only what was drained. The files that hold the backlog are
     * not rewritten; flushed together with the sink's last records, the deletions would span the whole stash, and the
     * reclaim would rewrite every file of the backlog, for a moment doubling the stash on disk.
     */
    @Test
    void aReclaimAfterThePausesFlushLeavesTheBacklogsFilesAlone() throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            append(stash, 0);
            stash.ledger("sink").flush();
            Set<Path> drainedFiles = sstFiles();
            append(stash, BATCHES);
            stash.ledger("sink").flush();
            Set<Path> backlogFiles = sstFiles();
            backlogFiles.removeAll(drainedFiles);
            long backlogBytes = bytes(backlogFiles);
            records.appendBatch(stash, "t", 0, 2L * BATCHES * RECORDS, RECORDS); // the sink's last poll before the pause
            stash.ledger("sink").flush(); // the pause

            TestDrainer drainer = TestDrainer.active(stash);
            drainer.acknowledge(drainer.drain(BATCHES * RECORDS));
            stash.ledger("sink").reclaimDisk();

            backlogFiles.retainAll(sstFiles());
            System.out.println("backlog files: " + backlogBytes + " bytes, " + bytes(backlogFiles) + " not rewritten");
            assertTrue(bytes(backlogFiles) > backlogBytes * 9 / 10, "the reclaim rewrote the backlog's files: "
                + bytes(backlogFiles) + " of " + backlogBytes + " bytes are in the files it had before");
            assertEquals((BATCHES + 1) * RECORDS, drainer.drainAll().size(), "the backlog is intact");
        }
    }

    /** A stash whose first batches are in SST files (its reopen replays the WAL into them) and the next in the WAL. */
    private Stash withBatchesInFilesAndWal() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            append(stash, 0);
        }
        Stash stash = Stash.open(dir, StashOptions.defaults());
        append(stash, BATCHES);
        return stash;
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
