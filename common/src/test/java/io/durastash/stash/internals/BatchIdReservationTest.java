package io.durastash.stash.internals;

import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.ManualClock;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two appends at once at the end of the batch id reservation: every id handed out lies below a reservation synced
 * before it was used, so that a power loss with {@code stash.sync=false} never lets one id name two batches.
 */
class BatchIdReservationTest {
    private static final long RESERVED_END = 10;

    @TempDir
    Path dir;

    /** Holds the first append between its id check and its allocation until the second append got that far too. */
    private static final class HeldQueue extends DrainQueue {
        final CountDownLatch secondAtAllocation = new CountDownLatch(1);
        final CountDownLatch firstAtAllocation = new CountDownLatch(1);

        HeldQueue(ManualClock clock) {
            super(clock);
        }

        @Override
        long reserve(List<NewBatch> batches, long[] byteSizes, long now) {
            if (Thread.currentThread().getName().equals("first")) {
                firstAtAllocation.countDown();
                try {
                    // The second append gets here first only when nothing orders the check with the allocation.
                    secondAtAllocation.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                secondAtAllocation.countDown();
            }
            return super.reserve(batches, byteSizes, now);
        }
    }

    @Test
    void twoAppendsAtTheReservationsEndTakeNoIdBeyondASyncedReservation() throws Exception {
        ManualClock clock = new ManualClock(1_000L);
        HeldQueue queue = new HeldQueue(clock);
        StashDb db = StashDb.open(dir, StashOptions.defaults());
        try {
            BatchLog log = new BatchLog(db, queue, new UndeliveredOffsets(), clock, null, DrainedRanges.load(db));
            try (StashWrite write = db.newWrite()) {
                write.put(Family.DEFAULT, StashKeys.IDS_RESERVED, StashKeys.longValue(RESERVED_END));
                db.write("reserve the test's ids", write, true);
            }
            queue.startIdsAt(RESERVED_END - 1);
            log.reservedUpTo(RESERVED_END);

            AtomicLong firstId = new AtomicLong();
            AtomicLong secondId = new AtomicLong();
            Thread first = new Thread(() -> firstId.set(appendOne(log)), "first");
            Thread second = new Thread(() -> secondId.set(appendOne(log)), "second");
            first.start();
            assertTrue(queue.firstAtAllocation.await(10, TimeUnit.SECONDS));
            second.start();
            first.join(10_000);
            second.join(10_000);

            byte[] reserved = db.get("read the reservation", Family.DEFAULT, StashKeys.IDS_RESERVED);
            assertNotNull(reserved);
            long maxId = Math.max(firstId.get(), secondId.get());
            assertTrue(maxId < StashKeys.longValue(reserved), "batch id " + maxId + " was handed out beyond the synced"
                + " reservation, which ends at " + StashKeys.longValue(reserved));
        } finally {
            db.close(() -> { });
        }
    }

    private static long appendOne(BatchLog log) {
        NewBatch batch = new NewBatch("g", List.of(new EncodedRecord(new TopicPartition("t", 0), 0, new byte[] {1})));
        return log.append(List.of(batch), BatchLog.Alongside.NOTHING, false, false).get(0).id();
    }
}
