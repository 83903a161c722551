package io.durastash.stash;

import io.durastash.stash.codec.RecordCodec;
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
        try (StashLease lease = new StashRegistry().acquire(dir, StashOptions.defaults())) {
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
                        Map<String, List<EncodedRecord>> groups = new LinkedHashMap<>();
                        groups.put(topic, batch);
                        stash.append("sink", groups, Map.of(new TopicPartition(topic, 0), first + RECORDS_PER_BATCH - 1), b % 2 == 0);
                    }
                    return null;
                }));
            }
            AtomicBoolean appendersDone = new AtomicBoolean();
            Map<String, Long> nextOffset = new HashMap<>();
            int total = APPENDERS * BATCHES_PER_APPENDER * RECORDS_PER_BATCH;
            int seen = 0;
            RecordCodec codec = new RecordCodec();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen < total && System.nanoTime() < deadline) {
                if (!appendersDone.get() && appenders.stream().allMatch(Future::isDone)) {
                    appendersDone.set(true);
                }
                List<BatchMetadata> claimed = stash.claim(50, 0);
                if (claimed.isEmpty()) {
                    stash.awaitLoadable(10, 0);
                    continue;
                }
                List<Long> acked = new ArrayList<>();
                for (BatchMetadata batch : claimed) {
                    int inBatch = 0;
                    try (BatchReader reader = stash.read(batch, 0, codec)) {
                        while (reader.hasNext()) {
                            StashRecord record = reader.next().record();
                            long expected = nextOffset.getOrDefault(record.topic(), 0L);
                            assertEquals(expected, record.offset(), "order within " + record.topic());
                            nextOffset.put(record.topic(), expected + 1);
                            inBatch++;
                        }
                    }
                    assertEquals(batch.recordCount(), inBatch, "a claimed batch is whole");
                    seen += inBatch;
                    acked.add(batch.id());
                }
                stash.acknowledge(acked);
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
            assertTrue(stash.claim(10, 0).isEmpty());
        }
    }
}
