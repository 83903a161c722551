package io.durastash.stash;

import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();
    private final AtomicLong now = new AtomicLong(1_000_000L);
    private Stash stash;

    private StashOptions options() {
        return StashOptions.defaults().withClock(new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public long millis() {
                return now.get();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        });
    }

    @BeforeEach
    void open() {
        stash = Stash.open(dir, options());
    }

    @AfterEach
    void close() {
        stash.close();
    }

    private Stash reopen() {
        stash.close();
        stash = Stash.open(dir, options());
        return stash;
    }

    @Test
    void oneAppendStoresOneBatchPerGroupWithOffsets() {
        Map<String, List<EncodedRecord>> groups = new LinkedHashMap<>();
        groups.put("a", List.of(records.encode(TestRecords.bytesRecord("a", 0, 10, "a10")),
            records.encode(TestRecords.bytesRecord("a", 1, 20, "a20"))));
        groups.put("empty", List.of());
        groups.put("b", List.of(records.encode(TestRecords.bytesRecord("b", 0, 5, "b5"))));
        Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("a", 0), 10L, new TopicPartition("a", 1), 20L,
            new TopicPartition("b", 0), 5L);

        List<BatchMetadata> batches = stash.append("sink", groups, offsets, true);

        assertEquals(2, batches.size());
        BatchMetadata a = batches.get(0);
        assertEquals("a", a.group());
        assertEquals(BatchStatus.PENDING, a.status());
        assertEquals(2, a.recordCount());
        assertEquals(List.of(new OffsetRange("a", 0, 10, 10), new OffsetRange("a", 1, 20, 20)), a.offsets());
        assertEquals(a.id() + 1, batches.get(1).id());
        assertEquals(offsets, new HashMap<>(stash.stashedOffsets("sink")));
        assertTrue(stash.stashedOffsets("other-sink").isEmpty());
        StashStats stats = stash.stats();
        assertEquals(2, stats.pendingBatches());
        assertEquals(3, stats.pendingRecords());
        assertEquals(a.byteSize() + batches.get(1).byteSize(), stats.pendingBytes());
    }

    @Test
    void anEmptyAppendWritesNothing() {
        assertEquals(List.of(), stash.append("sink", Map.of("a", List.of()), Map.of(), true));
        assertEquals(0, stash.stats().liveBatches());
    }

    @Test
    void claimReadAcknowledgeDrainsInIdOrder() {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 3);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 3, 2);

        List<BatchMetadata> claimed = stash.claim(1, 0);

        assertEquals(List.of(first.id()), claimed.stream().map(BatchMetadata::id).toList());
        assertEquals(BatchStatus.LOADED, claimed.get(0).status());
        assertEquals(1, claimed.get(0).loadAttempts());
        assertEquals(List.of("value-0", "value-1", "value-2"), TestRecords.values(stash, claimed.get(0)));
        assertEquals(1, stash.stats().loadedBatches());
        assertEquals(1, stash.stats().pendingBatches());

        stash.acknowledge(List.of(first.id()));
        assertEquals(0, stash.stats().loadedBatches());
        List<BatchMetadata> next = stash.claim(100, 0);
        assertEquals(List.of(second.id()), next.stream().map(BatchMetadata::id).toList());
        stash.acknowledge(List.of(second.id(), second.id(), 999L));
        assertEquals(0, stash.stats().liveBatches());
        assertEquals(0, stash.stats().liveBytes());
        assertEquals(List.of(), stash.claim(100, 0));
    }

    @Test
    void claimTakesWholeBatchesUpToTheRecordLimit() {
        for (int i = 0; i < 5; i++) {
            records.appendBatch(stash, "t", 0, i * 10L, 10);
        }
        assertEquals(3, stash.claim(25, 0).size());
        assertEquals(1, stash.claim(5, 0).size(), "at least one batch, even when it is larger than the limit");
        assertEquals(1, stash.claim(100, 0).size());
    }

    @Test
    void readingFromAnIndexSkipsTheRecordsBefore() {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, 5);
        List<Integer> indexes = new ArrayList<>();
        try (BatchReader reader = stash.read(batch, 3, new RecordCodec())) {
            reader.forEachRemaining(e -> indexes.add(e.index()));
        }
        assertEquals(List.of(3, 4), indexes);
    }

    @Test
    void holdTimeKeepsYoungBatchesAndAgeIsReported() throws InterruptedException {
        records.appendBatch(stash, "t", 0, 0, 1);
        now.addAndGet(400);
        assertEquals(400, stash.stats().oldestPendingAgeMs());
        assertEquals(List.of(), stash.claim(10, 1000));
        assertFalse(stash.awaitLoadable(1, 1000));
        now.addAndGet(600);
        assertTrue(stash.awaitLoadable(1, 1000));
        assertEquals(1, stash.claim(10, 1000).size());
        assertEquals(0, stash.stats().oldestPendingAgeMs());
    }

    @Test
    void reopenAfterACrashDeliversEverythingAgainInOrder() {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 2);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 2, 2);
        BatchMetadata third = records.appendBatch(stash, "t", 0, 4, 2);
        assertEquals(2, stash.claim(3, 0).size()); // first and second LOADED, never acknowledged
        java.util.UUID id = stash.id();

        reopen();

        assertEquals(id, stash.id());
        assertEquals(3, stash.stats().pendingBatches());
        List<BatchMetadata> again = stash.claim(100, 0);
        assertEquals(List.of(first.id(), second.id(), third.id()), again.stream().map(BatchMetadata::id).toList());
        assertEquals(2, again.get(0).loadAttempts());
        assertEquals(1, again.get(2).loadAttempts());
        assertEquals(List.of("value-4", "value-5"), TestRecords.values(stash, again.get(2)));
        BatchMetadata fourth = records.appendBatch(stash, "t", 0, 6, 1);
        assertEquals(third.id() + 1, fourth.id());
    }

    @Test
    void batchIdsAreNeverReusedAfterTheNewestBatchIsAcknowledged() {
        records.appendBatch(stash, "t", 0, 0, 1);
        BatchMetadata newest = records.appendBatch(stash, "t", 0, 1, 1);
        stash.acknowledge(stash.claim(100, 0).stream().map(BatchMetadata::id).toList());
        assertEquals(0, stash.stats().liveBatches());

        reopen();

        assertTrue(records.appendBatch(stash, "t", 0, 2, 1).id() > newest.id());
    }

    @Test
    void releasingTheDrainerHandsUnacknowledgedBatchesBack() {
        BatchMetadata first = records.appendBatch(stash, "t", 0, 0, 1);
        BatchMetadata second = records.appendBatch(stash, "t", 0, 1, 1);
        records.appendBatch(stash, "t", 0, 2, 1);
        Object drainerA = "A";
        Object drainerB = "B";
        assertTrue(stash.tryBecomeDrainer(drainerA));
        assertFalse(stash.tryBecomeDrainer(drainerB));
        assertEquals(2, stash.claim(2, 0).size());
        stash.acknowledge(List.of(first.id()));

        stash.releaseDrainer(drainerA);

        assertTrue(stash.tryBecomeDrainer(drainerB));
        assertTrue(stash.stats().drainerActive());
        List<BatchMetadata> again = stash.claim(100, 0);
        assertEquals(second.id(), again.get(0).id());
        assertEquals(2, again.size());
        stash.acknowledge(List.of(first.id())); // a late acknowledgement of the old drainer changes nothing
        assertEquals(2, stash.stats().loadedBatches());
    }

    @Test
    void aLoadedMarkReachesTheDiskOnceItIsDueAndNeverForADeletedBatch() {
        BatchMetadata slow = records.appendBatch(stash, "t", 0, 0, 2);
        BatchMetadata fast = records.appendBatch(stash, "t", 0, 2, 2);
        assertEquals(2, stash.claim(100, 0).size());
        stash.acknowledge(List.of());
        assertEquals(List.of(BatchStatus.PENDING, BatchStatus.PENDING), storedStatuses(), "marks are deferred");

        stash.acknowledge(List.of(fast.id())); // acknowledged before its mark was due: it is never written
        now.addAndGet(LoadedMarks.MARK_DELAY_MS);
        stash.acknowledge(List.of());

        List<StoredBatch> stored = stash.batches(0, 10);
        assertEquals(List.of(slow.id()), stored.stream().map(StoredBatch::id).toList(), "no metadata revived for a deleted batch");
        assertEquals(BatchStatus.LOADED, stored.get(0).metadata().status());
        assertEquals(1, stored.get(0).metadata().loadAttempts());
    }

    @Test
    void closingWritesTheMarksNotYetDue() {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, 2);
        stash.claim(100, 0);

        reopen();

        assertEquals(List.of(BatchStatus.LOADED), storedStatuses());
        assertEquals(2, stash.claim(100, 0).get(0).loadAttempts(), "the claim before the restart counts");
        assertEquals(List.of("value-0", "value-1"), TestRecords.values(stash, stash.batch(batch.id()).orElseThrow().metadata()));
    }

    @Test
    void aBatchHandedBackCountsItsEarlierLoad() {
        records.appendBatch(stash, "t", 0, 0, 2);
        Object drainer = "A";
        assertTrue(stash.tryBecomeDrainer(drainer));
        assertEquals(1, stash.claim(100, 0).get(0).loadAttempts());

        stash.releaseDrainer(drainer);

        assertEquals(2, stash.claim(100, 0).get(0).loadAttempts());
    }

    @Test
    void aBatchLongerThanTheReadAheadIsReadWholeAndInOrder() {
        int count = BatchReader.READ_AHEAD_RECORDS * 3 + 5;
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, count);
        List<Integer> indexes = new ArrayList<>();
        try (BatchReader reader = stash.read(batch, 0, new RecordCodec())) {
            reader.forEachRemaining(e -> indexes.add(e.index()));
        }
        assertEquals(java.util.stream.IntStream.range(0, count).boxed().toList(), indexes);
    }

    private List<BatchStatus> storedStatuses() {
        return stash.batches(0, 100).stream().map(b -> b.metadata().status()).toList();
    }

    @Test
    void wakingUpWaitersEndsTheirWaitAtOnce() throws Exception {
        java.util.concurrent.CompletableFuture<Boolean> waited = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return stash.awaitLoadable(60_000, 0);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!waited.isDone()) {
            stash.wakeUpWaiters();
            Thread.sleep(5);
        }
        assertFalse(waited.get());
    }

    @Test
    void resetOffsetsOverwritesAndForgets() {
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        stash.append("sink", Map.of(), Map.of(p0, 10L, p1, 20L), true);
        Map<TopicPartition, Long> reset = new HashMap<>();
        reset.put(p0, 4L);
        reset.put(p1, null);
        stash.resetStashedOffsets("sink", reset);
        assertEquals(Map.of(p0, 4L), stash.stashedOffsets("sink"));
    }

    @Test
    void aClosedStashRefusesWorkButToleratesLateAcknowledgements() {
        BatchMetadata batch = records.appendBatch(stash, "t", 0, 0, 1);
        stash.claim(1, 0);
        BatchReader reader = stash.read(batch, 0, new RecordCodec());
        stash.close();
        assertFalse(reader.hasNext(), "readers are closed with the stash");
        stash.acknowledge(List.of(batch.id()));
        StashException e = assertThrows(StashException.class, () -> records.appendBatch(stash, "t", 0, 1, 1));
        assertTrue(e.getMessage().contains(dir.toString()));
        stash = Stash.open(dir, options());
        assertEquals(1, stash.stats().pendingBatches(), "the unacknowledged batch is still there");
    }

    @Test
    void aStashFromANewerFormatIsRefused() throws Exception {
        stash.close();
        try (RawStash raw = new RawStash(dir)) {
            raw.put("default", StashKeys.FORMAT_VERSION, StashKeys.longValue(Stash.FORMAT_VERSION + 1));
        }
        StashException e = assertThrows(StashException.class, () -> Stash.open(dir, options()));
        assertTrue(e.getMessage().contains("format version"), e.getMessage());
        stash = Stash.open(dir.resolve("fresh"), options());
        assertNotEquals(dir, stash.path());
    }
}
