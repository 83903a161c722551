package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.PerfContext;
import org.rocksdb.PerfLevel;
import org.rocksdb.RocksDB;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long run of append / claim / read / acknowledge leaves tombstones behind every batch. Neither the
 * bounded iterators nor the memtable's range tombstones may make a claim and read cost more as the run
 * goes on: the work, counted by RocksDB's own perf counters (user key comparisons, not timings, which
 * are noisy here), must stay flat from the first window to the last.
 */
class StashChurnTest {
    private static final int BATCHES = 12_000;
    private static final int WINDOW = 1_000;

    @TempDir
    Path dir;

    @Test
    void claimCostStaysFlatAndTheStashEndsEmpty() throws Exception {
        TestRecords records = new TestRecords();
        List<Long> comparisonsPerWindow = new ArrayList<>();
        // RocksDB's perf context and level are per thread: any handle reads the counts of the stash's calls.
        try (Stash stash = Stash.open(dir.resolve("stash"), StashOptions.defaults());
             RocksDB db = RocksDB.open(dir.resolve("perf").toString())) {
            db.setPerfLevel(PerfLevel.ENABLE_COUNT);
            PerfContext perf = db.getPerfContext();
            long windowComparisons = 0;
            TestDrainer drainer = new TestDrainer(stash.drainer("churn", 5, 0));
            drainer.drainer().activate(() -> null);
            // A small backlog keeps live batches on both sides of the tombstones, as in a real drain.
            for (int i = 0; i < 10; i++) {
                records.appendBatch(stash, "t", 0, i * 5L, 5);
            }
            for (int i = 10; i < BATCHES; i++) {
                records.appendBatch(stash, "t", 0, i * 5L, 5);
                perf.reset();
                List<TestDrainer.Emitted> read = drainer.drain(5);
                windowComparisons += perf.getUserKeyComparisonCount();
                assertEquals(5, read.size());
                drainer.acknowledge(read);
                if ((i + 1) % WINDOW == 0) {
                    comparisonsPerWindow.add(windowComparisons);
                    windowComparisons = 0;
                }
            }
            drainer.acknowledge(drainer.drainAll());
            db.setPerfLevel(PerfLevel.DISABLE);
            StashStats stats = stash.stats();
            assertEquals(0, stats.liveBatches());
            assertEquals(0, stats.liveRecords());
            assertEquals(0, stats.liveBytes());
            stash.ledger("sink").reclaimDisk(); // drained records may wait for it (DrainedRanges)
        }
        System.out.println("user key comparisons per " + WINDOW + " claims and reads: " + comparisonsPerWindow);
        long first = comparisonsPerWindow.get(0);
        long last = comparisonsPerWindow.get(comparisonsPerWindow.size() - 1);
        // With range tombstones piling up in the memtable this grew ~20x from the first window to the last.
        assertTrue(last <= 2 * first, "claim and read cost must stay flat: " + comparisonsPerWindow);
        try (RawStash raw = new RawStash(dir.resolve("stash"))) {
            assertEquals(0, raw.count(Family.META));
            assertEquals(0, raw.countRecords());
        }
    }
}
