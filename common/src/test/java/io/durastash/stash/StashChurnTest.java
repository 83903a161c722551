package io.durastash.stash;

import io.durastash.stash.codec.RecordCodec;
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
        RecordCodec codec = new RecordCodec();
        List<Long> comparisonsPerWindow = new ArrayList<>();
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            RocksDB db = stash.database();
            db.setPerfLevel(PerfLevel.ENABLE_COUNT);
            PerfContext perf = db.getPerfContext();
            long windowComparisons = 0;
            // A small backlog keeps live batches on both sides of the tombstones, as in a real drain.
            for (int i = 0; i < 10; i++) {
                records.appendBatch(stash, "t", 0, i * 5L, 5);
            }
            for (int i = 10; i < BATCHES; i++) {
                records.appendBatch(stash, "t", 0, i * 5L, 5);
                perf.reset();
                List<BatchMetadata> claimed = stash.claim(5, 0);
                int read = 0;
                try (BatchReader reader = stash.read(claimed.get(0), 0, codec)) {
                    while (reader.hasNext()) {
                        reader.next();
                        read++;
                    }
                }
                windowComparisons += perf.getUserKeyComparisonCount();
                assertEquals(5, read);
                stash.acknowledge(List.of(claimed.get(0).id()));
                if ((i + 1) % WINDOW == 0) {
                    comparisonsPerWindow.add(windowComparisons);
                    windowComparisons = 0;
                }
            }
            for (List<BatchMetadata> rest = stash.claim(100, 0); !rest.isEmpty(); rest = stash.claim(100, 0)) {
                stash.acknowledge(rest.stream().map(BatchMetadata::id).toList());
            }
            db.setPerfLevel(PerfLevel.DISABLE);
            StashStats stats = stash.stats();
            assertEquals(0, stats.liveBatches());
            assertEquals(0, stats.liveRecords());
            assertEquals(0, stats.liveBytes());
        }
        System.out.println("user key comparisons per " + WINDOW + " claims and reads: " + comparisonsPerWindow);
        long first = comparisonsPerWindow.get(0);
        long last = comparisonsPerWindow.get(comparisonsPerWindow.size() - 1);
        // With range tombstones piling up in the memtable this grew ~20x from the first window to the last.
        assertTrue(last <= 2 * first, "claim and read cost must stay flat: " + comparisonsPerWindow);
        try (RawStash raw = new RawStash(dir)) {
            assertEquals(0, raw.count(Stash.META));
            assertEquals(0, raw.count(Stash.DATA));
        }
    }
}
