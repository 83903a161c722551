package io.durastash.stash;

import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several appenders and one claimer: every record arrives exactly once, each appender's in its order, batches whole. */
class StashConcurrencyTest {
    private static final int APPENDERS = 4;
    private static final int BATCHES_PER_APPENDER = 300;
    private static final int RECORDS_PER_BATCH = 7;

    @TempDir
    Path dir;

    @Test
    void concurrentAppendersAndOneClaimerLoseAndDuplicateNothing() throws Exception {
        try (StashRegistry.Lease lease = new StashRegistry().acquire(dir, StashOptions.defaults())) {
            Stash stash = lease.stash();
            ExecutorService pool = Executors.newFixedThreadPool(APPENDERS);
            List<Future<?>> appenders = new ArrayList<>();
            for (int a = 0; a < APPENDERS; a++) {
                int appender = a;
                appenders.add(pool.submit(() -> {
                    TestRecords records = new TestRecords();
                    String topic = "topic-" + appender;
                    for (int b = 0; b < BATCHES_PER_APPENDER; b++) {
                        List<EncodedRecord> batch = new ArrayList<>();
                        long first = (long) b * RECORDS_PER_BATCH;
                        for (long offset = first; offset < first + RECORDS_PER_BATCH; offset++) {
                            batch.add(records.encode(TestRecords.bytesRecord(topic, 0, offset, topic + ":" + offset)));
                        }
                        stash.ledger("sink").append(List.of(new NewBatch(topic, batch)), Map.of(new TopicPartition(topic, 0), first + RECORDS_PER_BATCH - 1), b % 2 == 0);
                    }
                    return null;
                }));
            }
            AtomicBoolean appendersDone = new AtomicBoolean();
            Map<String, Long> nextOffset = new HashMap<>();
            int total = APPENDERS * BATCHES_PER_APPENDER * RECORDS_PER_BATCH;
            int seen = 0;
            TestDrainer drainer = TestDrainer.active(stash);
            Map<Long, Integer> perBatch = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen < total && System.nanoTime() < deadline) {
                if (!appendersDone.get() && appenders.stream().allMatch(Future::isDone)) {
                    appendersDone.set(true);
                }
                List<TestDrainer.Emitted> emitted = drainer.drain(50);
                if (emitted.isEmpty()) {
                    drainer.drainer().awaitWork(10);
                    continue;
                }
                for (TestDrainer.Emitted e : emitted) {
                    StashRecord record = e.record().record();
                    long expected = nextOffset.getOrDefault(record.topic(), 0L);
                    assertEquals(expected, record.offset(), "order within " + record.topic());
                    nextOffset.put(record.topic(), expected + 1);
                    perBatch.merge(e.batch().id(), 1, Integer::sum);
                    if (e.lastOfBatch()) {
                        assertEquals(e.batch().recordCount(), perBatch.get(e.batch().id()), "a batch is whole");
                    }
                }
                seen += emitted.size();
                drainer.acknowledge(emitted);
            }
            for (Future<?> f : appenders) {
                f.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(total, seen);
            for (int a = 0; a < APPENDERS; a++) {
                assertEquals((long) BATCHES_PER_APPENDER * RECORDS_PER_BATCH, nextOffset.get("topic-" + a));
            }
            assertEquals(0, stash.stats().liveBatches());
            assertTrue(drainer.drain(10).isEmpty());
        }
    }
}
