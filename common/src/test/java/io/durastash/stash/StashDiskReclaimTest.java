package io.durastash.stash;

import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The bytes of the stash's WAL and SST files. */
    private long storedBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".sst"))
                .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
