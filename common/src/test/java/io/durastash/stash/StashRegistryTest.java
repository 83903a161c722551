package io.durastash.stash;

import io.durastash.stash.model.LeftBehindStash;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashRegistryTest {
    @TempDir
    Path dir;
    private final StashRegistry registry = new StashRegistry();

    @Test
    void twoHoldersOfOneDirectoryShareOneHandle() {
        StashRegistry.Lease sink = registry.acquire(dir.resolve("pair"), StashOptions.defaults());
        StashRegistry.Lease source = registry.acquire(dir.resolve("other/../pair"), StashOptions.defaults());
        assertSame(sink.stash(), source.stash());
        assertEquals(2, registry.holders(dir.resolve("pair")));

        new TestRecords().appendBatch(sink.stash(), "t", 0, 0, 1);
        assertEquals(1, TestDrainer.active(source.stash()).drainAll().size());

        sink.close();
        sink.close(); // releasing twice releases once
        assertEquals(1, registry.holders(dir.resolve("pair")));
        assertTrue(!source.stash().isClosed());
        Stash shared = source.stash();
        source.close();
        assertTrue(shared.isClosed(), "the last release closes the stash");
        assertEquals(0, registry.holders(dir.resolve("pair")));
        assertThrows(IllegalStateException.class, source::stash);

        try (StashRegistry.Lease again = registry.acquire(dir.resolve("pair"), StashOptions.defaults())) {
            assertNotSame(shared, again.stash());
            assertEquals(1, again.stash().stats().pendingBatches(), "the loaded, unacknowledged batch is back");
        }
    }

    @Test
    void aStashLetGoWhileItHoldsRecordsIsReportedAfterAMinuteUntilATaskTakesItUpAgain() throws Exception {
        io.durastash.stash.testing.ManualClock clock = new io.durastash.stash.testing.ManualClock(1_000_000);
        StashRegistry registry = new StashRegistry(clock);
        Path pair = dir.resolve("left");
        try (StashRegistry.Lease sink = registry.acquire(pair, StashOptions.defaults())) {
            new TestRecords().appendBatch(sink.stash(), "t", 0, 0, 3);
        }
        try (StashRegistry.Lease empty = registry.acquire(dir.resolve("empty"), StashOptions.defaults())) {
            empty.stash().stats();
        }
        assertEquals(1, registry.leftBehind().size(), "an empty stash is not left behind");
        LeftBehindStash left = registry.leftBehind().get(0);
        assertEquals(3, left.records());
        javax.management.ObjectName name = new javax.management.ObjectName(
            "io.durastash:type=stranded-stash,path=" + javax.management.ObjectName.quote(left.path().toString()));
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();

        registry.reportStranded();
        assertTrue(!server.isRegistered(name), "not within the minute a task may take to come back");
        clock.advance(StrandedStashes.REPORT_AFTER_MS);
        registry.reportStranded();
        assertEquals(3L, server.getAttribute(name, "Records"));
        assertEquals(StrandedStashes.REPORT_AFTER_MS, server.getAttribute(name, "StrandedMs"));

        registry.acquire(pair, StashOptions.defaults()).close();
        assertEquals(1, registry.leftBehind().size(), "let go again, still holding its records");
        try (StashRegistry.Lease source = registry.acquire(pair, StashOptions.defaults())) {
            TestDrainer drainer = TestDrainer.active(source.stash());
            drainer.acknowledge(drainer.drainAll());
            drainer.drainer().stop();
            assertEquals(List.of(), registry.leftBehind(), "taken up again");
            registry.reportStranded();
            assertTrue(!server.isRegistered(name));
        }
        assertEquals(List.of(), registry.leftBehind(), "drained before it was let go");
    }

    @Test
    void differentDirectoriesGetDifferentStashes() {
        try (StashRegistry.Lease a = registry.acquire(dir.resolve("a"), StashOptions.defaults());
             StashRegistry.Lease b = registry.acquire(dir.resolve("b"), StashOptions.defaults())) {
            assertNotSame(a.stash(), b.stash());
            assertTrue(!a.stash().id().equals(b.stash().id()));
        }
    }

    @Test
    void concurrentAcquireAndReleaseFromManyThreadsIsSafe() throws Exception {
        int threads = 8;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int r = 0; r < rounds; r++) {
                    try (StashRegistry.Lease lease = registry.acquire(dir.resolve("shared"), StashOptions.defaults())) {
                        lease.stash().stats();
                        if (r % 10 == 0) {
                            new TestRecords().appendBatch(lease.stash(), "t" + thread, 0, r, 1);
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(0, registry.holders(dir.resolve("shared")));
        try (StashRegistry.Lease lease = registry.acquire(dir.resolve("shared"), StashOptions.defaults())) {
            assertEquals(threads * (rounds / 10), lease.stash().stats().pendingBatches());
        }
    }

    @Test
    void aHandleThatFailedOnIoIsReopenedInPlaceForEveryHolder() {
        try (StashRegistry.Lease sink = registry.acquire(dir.resolve("full"), StashOptions.defaults());
             StashRegistry.Lease source = registry.acquire(dir.resolve("full"), StashOptions.defaults())) {
            Stash stash = sink.stash();
            TestRecords records = new TestRecords();
            records.appendBatch(stash, "t", 0, 0, 3);
            records.appendBatch(stash, "t", 0, 3, 1);
            TestDrainer drainer = new TestDrainer(source.stash().drainer("source", 1, 0));
            drainer.drainer().activate(() -> null);
            List<TestDrainer.Emitted> inFlight = drainer.drain(3);
            StashException full = IoFailures.noSpace(stash, "append 1 batches");
            assertTrue(full.getMessage().contains("filesystem is full") && full.getMessage().contains("retry"), full.getMessage());

            records.appendBatch(stash, "t", 0, 4, 1); // the next use opens a new handle, in place

            assertSame(stash, source.stash(), "the holders keep their stash");
            assertEquals(3, stash.stats().pendingBatches(), "everything written before is there, the claimed batch too");
            drainer.acknowledge(inFlight); // the records in flight stay in flight: their acknowledgements count
            assertEquals(2, stash.stats().pendingBatches(), "the acknowledged batch is deleted on the new handle");
            assertEquals(List.of("value-3", "value-4"), TestDrainer.values(drainer.drainAll()),
                "the drainer drains on from where it was: nothing twice");
            assertEquals(2, registry.holders(dir.resolve("full")));
        }
    }
}
