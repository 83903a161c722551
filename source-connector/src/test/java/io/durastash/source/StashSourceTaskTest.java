package io.durastash.source;

import io.durastash.connect.LoopMark;
import io.durastash.stash.testing.TestDrainer;

import io.durastash.connect.StashConnectorConfig;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StashSourceTaskTest {
    @TempDir
    Path dir;

    private TestStash stash;
    private final List<StashSourceTask> tasks = new ArrayList<>();

    @BeforeEach
    void openStash() {
        stash = new TestStash(dir);
    }

    @AfterEach
    void stopAll() {
        tasks.forEach(StashSourceTask::stop);
        stash.close();
        assertEquals(0, StashRegistry.jvm().holders(stash.path), "every lease is released");
    }

    private StashSourceTask start(FakeSourceTaskContext context) {
        StashSourceTask task = new StashSourceTask();
        task.initialize(context);
        task.start(context.configs);
        tasks.add(task);
        return task;
    }

    private StashSourceTask start(String... overrides) {
        return start(new FakeSourceTaskContext(stash.taskProps(overrides), false));
    }

    private static long batch(SourceRecord record) {
        return ((Number) record.sourceOffset().get("batch")).longValue();
    }

    private static int index(SourceRecord record) {
        return ((Number) record.sourceOffset().get("index")).intValue();
    }

    private static String position(SourceRecord record) {
        return batch(record) + ":" + index(record);
    }

    private static List<String> positions(List<SourceRecord> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(position(r)));
        return out;
    }

    private static RecordMetadata metadata(SourceRecord record) {
        return new RecordMetadata(new TopicPartition(record.topic(), record.kafkaPartition() == null ? 0 : record.kafkaPartition()),
            0L, 0, 0L, 0, 0);
    }

    private static void acknowledge(StashSourceTask task, List<SourceRecord> records) {
        for (SourceRecord record : records) {
            task.commitRecord(record, metadata(record));
        }
    }

    private static List<SourceRecord> poll(StashSourceTask task) throws InterruptedException {
        List<SourceRecord> records = task.poll();
        return records == null ? List.of() : records;
    }

    /** Polls until {@code count} records came back, failing if a poll returns more than {@code max}. */
    private static List<SourceRecord> pollRecords(StashSourceTask task, int count, int max) throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (all.size() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + all.size() + " of " + count + " records arrived");
            List<SourceRecord> records = poll(task);
            assertTrue(records.size() <= max, "a poll returned " + records.size() + " records, more than " + max);
            all.addAll(records);
        }
        return all;
    }

    private static List<String> expected(long batchId, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(batchId + ":" + i);
        }
        return out;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> part : parts) {
            out.addAll(part);
        }
        return out;
    }

    @Test
    void emitsRecordsInBatchAndRecordOrderWithAtMostPollMaxRecordsPerPoll() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 100, 5);
        BatchMetadata b2 = stash.append("in", 1, 200, 3);
        BatchMetadata b3 = stash.append("in", 0, 105, 4);
        StashSourceTask task = start(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "4");

        List<List<SourceRecord>> polls = new ArrayList<>();
        int total = 0;
        while (total < 12) {
            List<SourceRecord> records = poll(task);
            assertFalse(records.isEmpty(), "the stash holds loadable batches");
            assertTrue(records.size() <= 4, "at most poll.max.records per poll");
            polls.add(records);
            total += records.size();
        }
        assertEquals(List.of(4, 4, 4), polls.stream().map(List::size).toList(), "polls are filled across batch boundaries");
        List<SourceRecord> all = polls.stream().flatMap(List::stream).toList();
        assertEquals(concat(expected(b1.id(), 0, 5), expected(b2.id(), 0, 3), expected(b3.id(), 0, 4)), positions(all));

        SourceRecord first = all.get(0);
        assertEquals(Map.of("stash", stash.stash().id().toString()), first.sourcePartition());
        assertEquals(Map.of("batch", b1.id(), "index", 0), first.sourceOffset());
        assertEquals("in", first.topic());
        assertEquals(0, first.kafkaPartition());
        assertEquals(Schema.STRING_SCHEMA, first.keySchema());
        assertEquals("in-0-100", first.key());
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, first.valueSchema());
        assertArrayEquals(TestStash.value(100), (byte[]) first.value());
        assertEquals(1_000_100L, first.timestamp());
        assertEquals("in/0/100", first.headers().lastWithName("origin").value());
        assertEquals(2, first.headers().size(), "the loop mark, and no provenance headers unless enabled");
        assertTrue(new LoopMark(stash.stash().id()).marks(first.headers()), "the loop mark names this stash");
        assertEquals("in-1-200", all.get(5).key());
        assertNull(task.poll(), "an empty stash yields null");
    }

    @Test
    void aPollStopsAtPollMaxBytesWithinABatchAndHandsOutAtLeastOneRecord() throws Exception {
        BatchMetadata batch = stash.append("in", 0, 0, 4);
        StashSourceTask task = start(StashSourceConfig.POLL_MAX_BYTES_CONFIG, "1");

        List<SourceRecord> all = new ArrayList<>();
        for (int poll = 0; poll < 4; poll++) {
            List<SourceRecord> records = poll(task);
            assertEquals(1, records.size(), "one record of any size per poll past poll.max.bytes");
            all.addAll(records);
        }
        assertEquals(expected(batch.id(), 0, 4), positions(all));
        assertNull(task.poll());
    }

    @Test
    void emitsABatchLargerThanAPollAcrossPollsAndDeletesItOnlyAfterTheLastPoll() throws Exception {
        BatchMetadata big = stash.append("in", 0, 0, 10);
        StashSourceTask task = start(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "3");

        List<SourceRecord> first = poll(task);
        assertEquals(expected(big.id(), 0, 3), positions(first));
        acknowledge(task, first);
        task.commit();
        assertEquals(1, stash.stats().loadedBatches(), "a batch read only in part is not deleted, even when all of it so far is acknowledged");

        List<SourceRecord> rest = pollRecords(task, 7, 3);
        assertEquals(expected(big.id(), 3, 10), positions(rest));
        acknowledge(task, rest);
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void writesToTheTopicTheTemplateNames() throws Exception {
        stash.append("orders", 0, 0, 1);
        stash.append("payments", 0, 0, 1);
        StashSourceTask mirror = start(StashSourceConfig.TOPIC_CONFIG, "${topic}.buffered");
        assertEquals(List.of("orders.buffered", "payments.buffered"), poll(mirror).stream().map(SourceRecord::topic).toList());
        mirror.stop();

        StashSourceTask fixed = start(StashSourceConfig.TOPIC_CONFIG, "all-in-one");
        assertEquals(List.of("all-in-one", "all-in-one"), poll(fixed).stream().map(SourceRecord::topic).toList());
    }

    @Test
    void keepsTheInputPartitionOrLeavesItToTheProducer() throws Exception {
        stash.append("in", 7, 0, 1);
        stash.append("in", 3, 0, 1);
        StashSourceTask keep = start();
        assertEquals(List.of(7, 3), poll(keep).stream().map(SourceRecord::kafkaPartition).toList());
        keep.stop();

        StashSourceTask producerChooses = start(StashSourceConfig.PRESERVE_PARTITION_CONFIG, "false");
        List<SourceRecord> records = poll(producerChooses);
        assertEquals(2, records.size());
        records.forEach(r -> assertNull(r.kafkaPartition()));
    }

    @Test
    void addsProvenanceHeadersThatRebuildBatchBoundaries() throws Exception {
        BatchMetadata b = stash.append("in", 2, 40, 3);
        StashSourceTask task = start(StashSourceConfig.PROVENANCE_HEADERS_CONFIG, "true",
            StashSourceConfig.PROVENANCE_HEADER_PREFIX_CONFIG, "ds.");
        List<SourceRecord> records = poll(task);
        assertEquals(3, records.size());
        SourceRecord second = records.get(1);
        assertEquals(Long.toString(b.id()), header(second, "ds.batch.id"));
        assertEquals("1", header(second, "ds.batch.index"));
        assertEquals("3", header(second, "ds.batch.size"));
        assertEquals("in", header(second, "ds.input.topic"));
        assertEquals("2", header(second, "ds.input.partition"));
        assertEquals("41", header(second, "ds.input.offset"));
        assertEquals("in/2/41", second.headers().lastWithName("origin").value(), "stashed headers are kept");
        assertEquals(Schema.BYTES_SCHEMA, second.headers().lastWithName("ds.batch.id").schema());
    }

    private static String header(SourceRecord record, String key) {
        int count = 0;
        for (Header h : record.headers()) {
            count += h.key().equals(key) ? 1 : 0;
        }
        assertEquals(1, count, "one header " + key);
        return new String((byte[]) record.headers().lastWithName(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void deletesABatchAcknowledgedOutOfOrderAcrossPartitionsOnlyWhenComplete() throws Exception {
        List<StashRecord> mixed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            mixed.add(TestStash.record("in", i % 2, i));
        }
        stash.append(mixed);
        stash.append("in", 1, 10, 2);
        StashSourceTask task = start();
        List<SourceRecord> records = poll(task);
        assertEquals(8, records.size());
        assertEquals(List.of(0, 1, 0, 1, 0, 1, 1, 1), records.stream().map(SourceRecord::kafkaPartition).toList());

        // Partition 1 is acknowledged before partition 0, the second batch before the first, newest first.
        List<SourceRecord> order = new ArrayList<>(records);
        Collections.reverse(order);
        order.sort((a, b) -> Integer.compare(b.kafkaPartition(), a.kafkaPartition()));
        SourceRecord lastOfFirstBatch = order.remove(order.size() - 1);
        assertEquals(1L, batch(lastOfFirstBatch));

        ExecutorService producers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> acks = new ArrayList<>();
            for (SourceRecord record : order) {
                acks.add(producers.submit(() -> task.commitRecord(record, metadata(record))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        } finally {
            producers.shutdown();
        }
        task.commit();
        assertEquals(1, stash.stats().loadedBatches(), "the complete second batch is deleted, the first is not");
        assertEquals(6, stash.stats().loadedRecords());

        task.commitRecord(lastOfFirstBatch, metadata(lastOfFirstBatch));
        assertEquals(1, stash.stats().loadedBatches(), "deleted in batches, on poll/commit/stop, not per record");
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
        assertEquals(0, stash.stats().liveBytes());
    }

    @Test
    void deletesCompletedBatchesOnPollAndOnStop() throws Exception {
        stash.append("in", 0, 0, 2);
        stash.append("in", 0, 2, 2);
        StashSourceTask task = start(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "2");
        List<SourceRecord> first = poll(task);
        acknowledge(task, first);
        Thread.sleep(StashSourceTask.ACKNOWLEDGE_INTERVAL_MS);
        List<SourceRecord> second = poll(task);
        assertEquals(1, stash.stats().loadedBatches(), "the poll deleted the first batch");
        acknowledge(task, second);
        task.stop();
        assertEquals(0, stash.stats().liveBatches(), "stop deleted the second batch");
    }

    @Test
    void aTaskStoppedBeforeKafkaAcknowledgedLeavesItsBatchesToTheNextTask() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 0, 3, 2);
        StashSourceTask crashed = start();
        List<SourceRecord> emitted = poll(crashed);
        assertEquals(concat(expected(b1.id(), 0, 3), expected(b2.id(), 0, 2)), positions(emitted));
        acknowledge(crashed, emitted.subList(0, 4)); // the last record of b2 never made it
        crashed.stop();
        assertEquals(1, stash.stats().pendingBatches(), "the unacknowledged batch is pending again");

        StashSourceTask next = start();
        assertEquals(expected(b2.id(), 0, 2), positions(poll(next)), "emitted again, from its start");
    }

    @Test
    void batchesLoadedWhenTheStashWentDownAreDeliveredAgainWhenItReopens() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 0, 3, 2);
        BatchMetadata b3 = stash.append("in", 0, 5, 1);
        StashSourceTask task = start();
        List<SourceRecord> emitted = poll(task);
        assertEquals(6, emitted.size());
        acknowledge(task, emitted.subList(0, 3)); // b1 only
        task.commit();
        task.stop();
        stash.close(); // last holder: the stash closes as it would at a crash, its LOADED marks on disk

        Stash reopened = Stash.open(stash.path, StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES));
        try {
            assertEquals(2, reopened.stats().pendingBatches(), "b2 and b3 were loaded, never acknowledged");
            List<BatchMetadata> again = TestDrainer.batches(TestDrainer.active(reopened).drainAll());
            assertEquals(List.of(b2.id(), b3.id()), again.stream().map(BatchMetadata::id).toList());
            again.forEach(b -> assertEquals(2, b.loadAttempts(), "claimed once before the restart"));
        } finally {
            reopened.close();
        }

        stash = new TestStash(dir);
        StashSourceTask restarted = start();
        assertEquals(concat(expected(b2.id(), 0, 2), expected(b3.id(), 0, 1)), positions(poll(restarted)));
    }

    @Test
    void resumesFromACommittedOffsetInTheMiddleOfABatch() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 0, 3, 5);
        BatchMetadata b3 = stash.append("in", 0, 8, 2);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        context.offsets.committed.put(Map.of("stash", stash.stash().id().toString()), Map.of("batch", b2.id(), "index", 1L));
        StashSourceTask task = start(context);

        List<SourceRecord> records = pollRecords(task, 5, 2000);
        assertEquals(concat(expected(b2.id(), 2, 5), expected(b3.id(), 0, 2)), positions(records),
            "exactly the rest: b1 and b2's first two records are already in Kafka");
        task.commit();
        assertEquals(2, stash.stats().loadedBatches(), "b1 is deleted without being emitted");
        acknowledge(task, records);
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void aBatchCommittedToItsLastRecordIsDeletedWithoutEmitting() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 0, 3, 2);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        context.offsets.committed.put(Map.of("stash", stash.stash().id().toString()), Map.of("batch", b1.id(), "index", 2));
        StashSourceTask task = start(context);
        assertEquals(expected(b2.id(), 0, 2), positions(poll(task)));
        task.commit();
        assertEquals(1, stash.stats().loadedBatches());
    }

    @Test
    void anOffsetOfAnotherStashIsIgnored() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 2);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        context.offsets.committed.put(Map.of("stash", "0c5e7f0e-7a43-4b9e-9d6f-2f1f8c0f8a11"), Map.of("batch", 99L, "index", 0L));
        StashSourceTask task = start(context);
        assertEquals(expected(b1.id(), 0, 2), positions(poll(task)));
    }

    @Test
    void aMalformedCommittedOffsetFailsThePollWithAClearMessage() {
        stash.append("in", 0, 0, 2);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        context.offsets.committed.put(Map.of("stash", stash.stash().id().toString()), Map.of("batch", "seven", "index", 0L));
        StashSourceTask task = start(context);
        ConnectException e = assertThrows(ConnectException.class, task::poll);
        assertTrue(e.getMessage().contains("'batch' must be an integer"), e.getMessage());
        assertTrue(e.getMessage().contains("/offsets"), e.getMessage());
    }

    @Test
    void twoTasksOnOneStashNeverEmitABatchTwiceAndTheStandbyTakesOver() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 2);
        StashSourceTask a = start();
        StashSourceTask b = start();
        List<SourceRecord> fromA = poll(a);
        assertEquals(expected(b1.id(), 0, 2), positions(fromA));
        assertTrue(a.isDrainer());
        assertNull(b.poll(), "the standby emits nothing");
        assertFalse(b.isDrainer());
        acknowledge(a, fromA);

        BatchMetadata b2 = stash.append("in", 0, 2, 2);
        assertNull(b.poll(), "the standby emits nothing while the drainer runs");
        List<SourceRecord> more = poll(a);
        assertEquals(expected(b2.id(), 0, 2), positions(more));
        a.commit();

        BatchMetadata b3 = stash.append("in", 0, 4, 2);
        a.stop(); // b2 was never acknowledged
        List<SourceRecord> fromB = pollRecords(b, 4, 2000);
        assertTrue(b.isDrainer(), "the standby took over");
        assertEquals(concat(expected(b2.id(), 0, 2), expected(b3.id(), 0, 2)), positions(fromB),
            "the standby delivers what the drainer left unacknowledged, never b1");
    }

    @Test
    void twoTasksPollingConcurrentlyDeliverEveryRecordExactlyOnce() throws Exception {
        int batches = 40;
        // Polls of 7 records end inside batches of 5: the standby resumes mid-batch from the committed offset.
        FakeSourceTaskContext.FakeOffsetStorageReader offsets = new FakeSourceTaskContext.FakeOffsetStorageReader();
        StashSourceTask a = start(new FakeSourceTaskContext(stash.taskProps(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "7"), false, offsets));
        StashSourceTask b = start(new FakeSourceTaskContext(stash.taskProps(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "7"), false, offsets));
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicBoolean stopA = new AtomicBoolean();
        AtomicBoolean stopB = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // Like Connect, each task's thread polls, gets acknowledgements, and finally calls stop() itself.
            Future<?> runA = threads.submit(() -> runUntil(a, stopA, delivered, offsets));
            Future<?> runB = threads.submit(() -> runUntil(b, stopB, delivered, offsets));
            for (int i = 0; i < batches; i++) {
                stash.append("in", i % 3, i * 5L, 5);
                if (i == batches / 2) {
                    stopA.set(true);
                    runA.get();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (delivered.size() < batches * 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            stopB.set(true);
            runB.get();
        } finally {
            threads.shutdownNow();
        }
        assertEquals(batches * 5, delivered.size(), "no record lost, none twice");
        assertEquals(batches * 5, new HashSet<>(delivered).size(), "no record twice");
        assertEquals(0, stash.stats().liveBatches());
    }

    private static Void runUntil(StashSourceTask task, AtomicBoolean stop, List<String> delivered,
                                 FakeSourceTaskContext.FakeOffsetStorageReader offsets) throws InterruptedException {
        while (!stop.get()) {
            List<SourceRecord> records = poll(task);
            records.forEach(r -> delivered.add(position(r)));
            acknowledge(task, records);
            if (!records.isEmpty()) {
                offsets.commit(records.get(records.size() - 1));
            }
            task.commit();
        }
        task.stop();
        return null;
    }

    @Test
    void nullMetadataCountsAsHandledAndIsCounted() throws Exception {
        stash.append("in", 0, 0, 3);
        stash.append("in", 0, 3, 2);
        StashSourceTask task = start();
        List<SourceRecord> records = poll(task);
        task.commitRecord(records.get(0), metadata(records.get(0)));
        task.commitRecord(records.get(1), null);
        task.commitRecord(records.get(2), null);
        task.commitRecord(records.get(3), null);
        task.commit();
        assertEquals(3, task.droppedRecords());
        assertEquals(1, stash.stats().loadedBatches(), "the first batch is handled and deleted");
        task.commitRecord(records.get(4), metadata(records.get(4)));
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
        assertEquals(3, task.droppedRecords());
    }

    @Test
    void aRecordThisTaskDidNotWriteIsIgnoredOnAcknowledgement() throws Exception {
        stash.append("in", 0, 0, 1);
        StashSourceTask task = start();
        List<SourceRecord> records = poll(task);
        task.commitRecord(new SourceRecord(Map.of(), Map.of("other", 1), "t", null, null), null);
        task.commitRecord(new SourceRecord(Map.of(), Map.of("batch", 999L, "index", 0), "t", null, null), null);
        acknowledge(task, records);
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void commitsOneTransactionPerStashBatchAndEndsEveryPollWithOne() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 1, 0, 2);
        BatchMetadata b3 = stash.append("in", 0, 3, 4);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "4"), true);
        StashSourceTask task = start(context);
        List<SourceRecord> first = poll(task);
        List<SourceRecord> second = poll(task);

        assertEquals(List.of(b1.id() + ":2", b2.id() + ":1", b3.id() + ":3"), positions(context.transactions.commitAfter),
            "after the last record of each batch, even when a batch ends mid-poll");
        // b2 does not fit in the first poll's 4 records: the poll finishes it rather than leave its transaction open
        // until the next poll (a pause of the connector in between would let it time out and fence the task).
        assertEquals(5, first.size());
        assertEquals(4, second.size());
        assertSame(first.get(4), context.transactions.commitAfter.get(1), "the first poll ends with a commit");
        assertSame(second.get(3), context.transactions.commitAfter.get(2), "so does the second");
        assertEquals(0, context.transactions.commitNow);
    }

    @Test
    void withConnectsTransactionsAPollPastPollMaxBytesStillEndsWhereABatchEnds() throws Exception {
        BatchMetadata b1 = stash.append("in", 0, 0, 3);
        BatchMetadata b2 = stash.append("in", 0, 3, 2);
        FakeSourceTaskContext context = new FakeSourceTaskContext(
            stash.taskProps(StashSourceConfig.POLL_MAX_BYTES_CONFIG, "1"), true);
        StashSourceTask task = start(context);

        assertEquals(expected(b1.id(), 0, 3), positions(poll(task)), "the first record fills the poll; its batch ends it");
        assertEquals(expected(b2.id(), 0, 2), positions(poll(task)));
        assertEquals(List.of(b1.id() + ":2", b2.id() + ":1"), positions(context.transactions.commitAfter));
    }

    @Test
    void noTransactionsAreRequestedWithoutATransactionContext() throws Exception {
        stash.append("in", 0, 0, 3);
        FakeSourceTaskContext context = new FakeSourceTaskContext(stash.taskProps(), false);
        StashSourceTask task = start(context);
        assertEquals(3, poll(task).size());
        assertNull(context.transactionContext());
    }

    @Test
    void pollOnAnEmptyStashWaitsThenReturnsNull() throws Exception {
        StashSourceTask task = start(StashSourceConfig.POLL_WAIT_MS_CONFIG, "300");
        long started = System.nanoTime();
        assertNull(task.poll());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= 250, "waited " + tookMs + " ms instead of about poll.wait.ms");
    }

    @Test
    void aWaitingPollReturnsAsSoonAsABatchArrives() throws Exception {
        StashSourceTask task = start(StashSourceConfig.POLL_WAIT_MS_CONFIG, "5000");
        CompletableFuture<List<SourceRecord>> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return task.poll();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        long appended = System.nanoTime();
        stash.append("in", 0, 0, 2);
        List<SourceRecord> records = polled.get(5, TimeUnit.SECONDS);
        assertNotNull(records);
        assertEquals(2, records.size());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended) < 2000);
    }

    @Test
    void aBatchIsDrainedOnceItIsLoadHoldMsOld() throws Exception {
        StashSourceTask task = start(StashSourceConfig.LOAD_HOLD_MS_CONFIG, "300", StashSourceConfig.POLL_WAIT_MS_CONFIG, "2000");
        long appended = System.nanoTime();
        stash.append("in", 0, 0, 2);
        List<SourceRecord> records = poll(task);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended);
        assertEquals(2, records.size(), "drained in the same poll, once old enough");
        assertTrue(tookMs >= 250, "held for " + tookMs + " ms");
    }

    @Test
    void aWaitingPollReturnsPromptlyAfterStop() throws Exception {
        StashSourceTask task = start(StashSourceConfig.POLL_WAIT_MS_CONFIG, "5000");
        assertPollReturnsPromptlyOnStop(task);
    }

    @Test
    void aWaitingStandbyReturnsPromptlyAfterStop() throws Exception {
        stash.append("in", 0, 0, 1);
        StashSourceTask drainer = start();
        assertEquals(1, poll(drainer).size());
        StashSourceTask standby = start(StashSourceConfig.POLL_WAIT_MS_CONFIG, "5000");
        assertPollReturnsPromptlyOnStop(standby);
    }

    private static void assertPollReturnsPromptlyOnStop(StashSourceTask task) throws Exception {
        CompletableFuture<List<SourceRecord>> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return task.poll();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(polled.isDone(), "the poll waits");
        long stopped = System.nanoTime();
        task.stop();
        assertNull(polled.get(5, TimeUnit.SECONDS));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertTrue(tookMs < 2000, "returned " + tookMs + " ms after stop(), not after poll.wait.ms");
        assertNull(task.poll(), "a stopped task polls nothing");
    }

    @Test
    void stopIsIdempotentAndReleasesTheStash() throws Exception {
        stash.append("in", 0, 0, 1);
        StashSourceTask task = start();
        assertEquals(1, poll(task).size());
        assertEquals(2, StashRegistry.jvm().holders(stash.path));
        task.stop();
        task.stop();
        assertEquals(1, StashRegistry.jvm().holders(stash.path));
        assertFalse(stash.stats().drainerActive());
        assertEquals(1, stash.stats().pendingBatches());
    }

    @Test
    void stopWithoutStartDoesNothing() {
        new StashSourceTask().stop();
    }

    @Test
    void anUnusableStashDirectoryFailsStartWithItsPath() throws Exception {
        Path file = Files.createFile(dir.resolve("not-a-directory"));
        StashSourceTask task = new StashSourceTask();
        task.initialize(new FakeSourceTaskContext(Map.of(), false));
        ConnectException e = assertThrows(ConnectException.class, () -> task.start(Map.of(
            StashConnectorConfig.CONNECTOR_NAME_CONFIG, TestStash.SOURCE_NAME, StashConnectorConfig.STASH_DIR_CONFIG, file.toString())));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(0, StashRegistry.jvm().holders(file.resolve("default")));
    }

    @Test
    void aSourceOfAnotherNameIsRefusedOnAStashThatHasASourceAndDrainsNothing() throws Exception {
        stash.append("in", 0, 100, 5);
        StashSourceTask owner = start();
        owner.stop();
        StashSourceTask thief = new StashSourceTask();
        thief.initialize(new FakeSourceTaskContext(Map.of(), false));
        ConnectException e = assertThrows(ConnectException.class,
            () -> thief.start(stash.taskProps(StashConnectorConfig.CONNECTOR_NAME_CONFIG, "thief")));
        assertTrue(e.getMessage().contains("belongs to the pair sink '(none yet)' and source '" + TestStash.SOURCE_NAME
            + "', not to the source connector 'thief'"), e.getMessage());
        assertEquals(5, stash.stats().liveRecords(), "nothing drained");
        assertEquals(1, StashRegistry.jvm().holders(stash.stash().path()), "the thief released the stash it opened");
    }

    @Test
    void withoutTheLoopHeaderRecordsLeaveAsStashed() throws Exception {
        stash.append("in", 0, 100, 1);
        StashSourceTask task = start(StashSourceConfig.LOOP_HEADER_CONFIG, "false");
        List<SourceRecord> records = poll(task);
        assertEquals(1, records.get(0).headers().size(), records.get(0).headers().toString());
    }

    @Test
    void reportsItsVersion() {
        assertEquals(io.durastash.stash.Version.get(), new StashSourceTask().version());
    }

    @Test
    void deliversEveryRecordOfManyBatchesInOrder() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            ids.add(stash.append("in", 0, i * 10L, 10).id());
        }
        StashSourceTask task = start(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "64");
        List<SourceRecord> records = pollRecords(task, 300, 64);
        for (int i = 0; i < records.size(); i++) {
            assertEquals("in-0-" + i, records.get(i).key(), "input order kept");
        }
        acknowledge(task, records);
        task.commit();
        assertEquals(0, stash.stats().liveBatches());
        assertEquals(30, ids.size());
    }
}
