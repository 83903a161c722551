package io.durastash.connect;

import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrainerWatchTest {
    @TempDir
    Path dir;

    @Test
    void warnsAfterTheThresholdThenEveryRepeatUntilADrainerComes() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            DrainerWatch watch = new DrainerWatch(stash.path(), 1_000, 10_000);
            assertFalse(watch.check(stash.stats(), 0), "an empty stash needs no drainer");
            new TestRecords().appendBatch(stash, "t", 0, 0, 1);

            assertFalse(watch.check(stash.stats(), 100));
            assertFalse(watch.check(stash.stats(), 1_099));
            assertTrue(watch.check(stash.stats(), 1_100), "undrained for the threshold");
            assertFalse(watch.check(stash.stats(), 5_000));
            assertTrue(watch.check(stash.stats(), 11_100), "repeated");

            Drainer drainer = stash.drainer("d", 100, 0);
            drainer.activate(() -> null);
            assertFalse(watch.check(stash.stats(), 12_000));
            drainer.stop();
            assertFalse(watch.check(stash.stats(), 12_500), "the clock starts again");
            assertTrue(watch.check(stash.stats(), 13_500));
        }
    }

    @Test
    void stashGaugesReportTheStashAndWhetherItIsDrained() throws Exception {
        try (Stash stash = Stash.open(dir, StashOptions.defaults());
             WorkerPluginMetrics worker = new WorkerPluginMetrics("gauges", 0)) {
            PluginMetricsGroup group = PluginMetricsGroup.of(worker.pluginMetrics());
            StashGauges.register(group, stash);
            assertEquals(0.0, worker.number(StashGauges.PENDING_WITHOUT_DRAINER));
            new TestRecords().appendBatch(stash, "t", 0, 0, 3);

            assertEquals(1.0, worker.number(StashGauges.PENDING_BATCHES));
            assertEquals(3.0, worker.number(StashGauges.PENDING_RECORDS));
            assertTrue(worker.number(StashGauges.PENDING_BYTES) > 0);
            assertEquals(worker.number(StashGauges.PENDING_BYTES), worker.number(StashGauges.LIVE_BYTES));
            assertEquals(0.0, worker.number(StashGauges.DRAINER_ACTIVE));
            assertEquals(1.0, worker.number(StashGauges.PENDING_WITHOUT_DRAINER));
            assertEquals(0.0, worker.number(StashGauges.QUARANTINED_ENTRIES));
            assertTrue(worker.number(StashGauges.OLDEST_PENDING_AGE_MS) >= 0);
            assertEquals(stash.path().toString(), worker.value(StashGauges.PATH));
            assertEquals(stash.id().toString(), worker.jmx(StashGauges.ID));

            TestDrainer.active(stash).drain(10);
            assertEquals(1.0, worker.number(StashGauges.DRAINER_ACTIVE));
            assertEquals(0.0, worker.number(StashGauges.PENDING_WITHOUT_DRAINER));
            assertEquals(0.0, worker.number(StashGauges.PENDING_BATCHES));
            assertEquals(1.0, worker.number(StashGauges.LOADED_BATCHES));
            assertEquals(3.0, worker.number(StashGauges.LOADED_RECORDS));
            group.close();
        }
    }
}
